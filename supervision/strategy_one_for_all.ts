/**
 * one_for_all: every child is restarted when one ends, for children that cannot work without each other.
 * Children stopped on purpose (through the control API, or a temporary one that ended) stay stopped.
 */
import type { Child } from "./child.ts";

export function oneForAll(children: readonly Child[], failed: number): Child[] {
  return children.filter((child, i) => i === failed || restartable(child));
}

/** A sibling takes part in a group restart unless it was deliberately left stopped. */
export function restartable(child: Child): boolean {
  if (child.manuallyStopped) return false;
  return child.status === "running" || child.status === "starting" || child.status === "restarting";
}

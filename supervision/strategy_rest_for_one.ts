/**
 * rest_for_one: the child that ended and every child started after it are restarted, in start order:
 * later children depend on earlier ones, so they start again on top of the fresh one.
 */
import type { Child } from "./child.ts";
import { restartable } from "./strategy_one_for_all.ts";

export function restForOne(children: readonly Child[], failed: number): Child[] {
  return children.filter((child, i) => i === failed || (i > failed && restartable(child)));
}

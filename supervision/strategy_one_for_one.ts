/** one_for_one: only the child that ended is restarted; its siblings never notice. */
import type { Child } from "./child.ts";

export function oneForOne(children: readonly Child[], failed: number): Child[] {
  return [children[failed]];
}

/** Picks the strategy function for a supervisor: which children restart when child `failed` ends. */
import type { Child } from "./child.ts";
import type { Strategy } from "./spec.ts";
import { oneForOne } from "./strategy_one_for_one.ts";
import { oneForAll } from "./strategy_one_for_all.ts";
import { restForOne } from "./strategy_rest_for_one.ts";

export type StrategyFn = (children: readonly Child[], failed: number) => Child[];

export const strategies: Record<Strategy, StrategyFn> = {
  one_for_one: oneForOne,
  one_for_all: oneForAll,
  rest_for_one: restForOne,
};

/** What a supervisor does about a child that ended on its own: the OTP restart-type rules. */
import { type ExitReason, isAbnormal } from "../runtime/instance.ts";
import type { RestartType } from "./spec.ts";

export type Directive = "restart" | "leave";

/** permanent: always restart; transient: restart only after an abnormal exit; temporary: never. */
export function decide(restart: RestartType, reason: ExitReason): Directive {
  if (restart === "permanent") return "restart";
  if (restart === "transient" && isAbnormal(reason)) return "restart";
  return "leave";
}

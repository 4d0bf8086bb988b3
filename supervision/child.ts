/** What a supervisor needs from a child, whether the child is an actor or another supervisor. */
import type { ExitReason } from "../runtime/instance.ts";
import type { RestartType } from "./spec.ts";

export type ChildStatus = "starting" | "running" | "restarting" | "stopped" | "failed";

export interface RestartRecord {
  /** Wall-clock ms, for people reading health. */
  at: number;
  reason: string;
  /** Requested through the control API: shown, but never counted toward restart intensity. */
  manual: boolean;
}

export interface TreeNode {
  name: string;
  type: "actor" | "supervisor";
  status: ChildStatus;
  restart: RestartType;
  restarts: number;
  strategy?: string;
  intensity?: { max: number; periodMs: number; recent: number };
  children?: TreeNode[];
}

export type ExitHandler = (reason: ExitReason, incarnation: number) => void;

export interface Child {
  readonly name: string;
  readonly type: "actor" | "supervisor";
  readonly restartType: RestartType;
  /** Written by the supervisor while a restart is pending. */
  status: ChildStatus;
  /** Stopped through the control API: a group restart leaves it stopped. */
  manuallyStopped: boolean;
  readonly incarnation: number;
  /** Monotonic ms of the last successful start, for backoff reset. */
  readonly startedAt: number | null;
  /** Starts a new incarnation; rejects (with the exit reason) if it does not come up. */
  start(): Promise<void>;
  /** Stops within the child's shutdown timeout; `drain` lets it finish queued messages first. */
  stop(options: { drain: boolean }): Promise<void>;
  /** Called when the child ends on its own (not through stop()). */
  setExitHandler(handler: ExitHandler): void;
  recordRestart(record: RestartRecord): void;
  describe(): TreeNode;
}

/** Thrown by start() when the child did not come up; carries the exit reason for the restart policy. */
export class StartFailedError extends Error {
  constructor(readonly child: string, readonly reason: ExitReason, message: string) {
    super(`${child} failed to start: ${message}`);
    this.name = "StartFailedError";
  }
}

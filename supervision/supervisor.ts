/**
 * A supervisor with Erlang/OTP semantics: children start in order and stop in reverse; a child that
 * ends is restarted according to its restart type and the strategy, after a backoff delay; more than
 * `intensity` restarts within `periodMs` make the supervisor stop everything and escalate to its parent.
 * Every operation runs through one queue, so a crash arriving mid-restart is handled after it, in order.
 */
import { getLogger } from "@logtape/logtape";
import { describeExit, type ExitReason, isAbnormal } from "../runtime/instance.ts";
import { describeError } from "../runtime/errors.ts";
import { RingBuffer } from "../runtime/ring_buffer.ts";
import { Backoff } from "./backoff.ts";
import {
  type Child,
  type ChildStatus,
  type ExitHandler,
  type RestartRecord,
  StartFailedError,
  type TreeNode,
} from "./child.ts";
import { decide } from "./directive.ts";
import { RestartWindow } from "./restart_window.ts";
import type { ActorSpec, RestartType, SupervisorSpec } from "./spec.ts";
import { strategies } from "./strategy.ts";

export interface SupervisorDeps {
  /** Creates the process for an actor child (registered on the bus by the caller). */
  createActor(spec: ActorSpec): Child;
  /** Source of jitter for backoff; fixed in tests. */
  random?: () => number;
}

export type ControlAction = "restart" | "stop" | "start";

export class ControlError extends Error {
  constructor(readonly code: "not_found" | "conflict", message: string) {
    super(message);
    this.name = "ControlError";
  }
}

export class Supervisor implements Child {
  readonly type = "supervisor";
  readonly children: readonly Child[];
  status: ChildStatus = "stopped";
  manuallyStopped = false;

  #incarnation = 0;
  #startedAt: number | null = null;
  #window: RestartWindow;
  #backoffs = new Map<string, Backoff>();
  #restarts = 0;
  #reasons = new RingBuffer<RestartRecord>(10);
  #exitHandler: ExitHandler | undefined;
  #queue: Promise<void> = Promise.resolve();
  #halting = false;
  #delay: { cancel(): void } | undefined;
  readonly #log;

  constructor(readonly spec: SupervisorSpec, private readonly deps: SupervisorDeps) {
    this.#log = getLogger(["supervision", spec.name]);
    this.#window = new RestartWindow(spec.intensity, spec.periodMs);
    this.children = spec.children.map((child) =>
      child.type === "supervisor" ? new Supervisor(child, deps) : deps.createActor(child)
    );
    for (const child of this.children) {
      child.setExitHandler((reason, incarnation) =>
        this.#enqueue(() => this.#onChildExit(child, reason, incarnation))
      );
    }
  }

  get name(): string {
    return this.spec.name;
  }

  get restartType(): RestartType {
    return this.spec.restart;
  }

  get incarnation(): number {
    return this.#incarnation;
  }

  get startedAt(): number | null {
    return this.#startedAt;
  }

  setExitHandler(handler: ExitHandler): void {
    this.#exitHandler = handler;
  }

  recordRestart(record: RestartRecord): void {
    this.#restarts++;
    this.#reasons.push(record);
  }

  /** Starts the children in order. If one fails, those already started stop in reverse and this rejects. */
  start(): Promise<void> {
    return this.#enqueue(async () => {
      this.#incarnation++;
      this.#halting = false;
      this.status = "starting";
      // A (re)started supervisor begins with a clean history, as a fresh OTP supervisor does.
      this.#window.reset();
      this.#backoffs.clear();
      const started: Child[] = [];
      for (const child of this.children) {
        child.manuallyStopped = false;
        try {
          await child.start();
          started.push(child);
        } catch (error) {
          await this.#stopInReverse(started, false);
          this.status = "failed";
          const reason = `child ${child.name} failed to start: ${describeError(error)}`;
          throw new StartFailedError(this.name, { kind: "gave_up", reason }, reason);
        }
      }
      this.status = "running";
      this.#startedAt = performance.now();
    });
  }

  /** Stops the children in reverse start order, each within its own shutdown timeout. */
  stop({ drain }: { drain: boolean }): Promise<void> {
    this.#halting = true;
    this.#delay?.cancel();
    return this.#enqueue(async () => {
      if (this.status === "stopped") return;
      this.status = "stopped";
      await this.#stopInReverse(this.children, drain);
    });
  }

  /** Manual control from the API. Manual restarts are recorded but never count toward intensity. */
  control(name: string, action: ControlAction): Promise<ChildStatus> {
    const owner = this.#ownerOf(name);
    if (!owner) return Promise.reject(new ControlError("not_found", `no actor or supervisor named ${name}`));
    return owner.#enqueue(() => owner.#control(name, action));
  }

  /** Finds a child anywhere in the tree by name. */
  find(name: string): Child | undefined {
    for (const child of this.children) {
      if (child.name === name) return child;
      if (child instanceof Supervisor) {
        const found = child.find(name);
        if (found) return found;
      }
    }
    return undefined;
  }

  /** Every child of the tree, depth first, in start order. */
  descendants(): Child[] {
    return this.children.flatMap((child) =>
      child instanceof Supervisor ? [child, ...child.descendants()] : [child]
    );
  }

  describe(): TreeNode {
    return {
      name: this.name,
      type: "supervisor",
      status: this.status,
      restart: this.restartType,
      restarts: this.#restarts,
      strategy: this.spec.strategy,
      intensity: {
        max: this.spec.intensity,
        periodMs: this.spec.periodMs,
        recent: this.#window.count(performance.now()),
      },
      children: this.children.map((child) => child.describe()),
    };
  }

  #enqueue<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(operation);
    this.#queue = run.then(() => undefined, () => undefined);
    return run;
  }

  #ownerOf(name: string): Supervisor | undefined {
    for (const child of this.children) {
      if (child.name === name) return this;
      if (child instanceof Supervisor) {
        const owner = child.#ownerOf(name);
        if (owner) return owner;
      }
    }
    return undefined;
  }

  async #control(name: string, action: ControlAction): Promise<ChildStatus> {
    const child = this.children.find((c) => c.name === name) as Child;
    const up = child.status === "running" || child.status === "starting";
    if (action === "stop") {
      child.manuallyStopped = true;
      await child.stop({ drain: true });
      return child.status;
    }
    if (action === "start" && up) throw new ControlError("conflict", `${name} is already ${child.status}`);
    if (action === "restart") {
      child.recordRestart({ at: Date.now(), reason: "manual restart", manual: true });
      if (up) await child.stop({ drain: false });
    }
    child.manuallyStopped = false;
    await this.#startOrHandle(child);
    return child.status;
  }

  async #onChildExit(child: Child, reason: ExitReason, incarnation: number): Promise<void> {
    if (this.status !== "running" || this.#halting || incarnation !== child.incarnation) return;
    const why = describeExit(reason);
    if (decide(child.restartType, reason) === "leave") {
      child.status = isAbnormal(reason) ? "failed" : "stopped";
      this.#log.info("{child} ended ({why}); {type} children are not restarted", {
        child: child.name,
        why,
        type: child.restartType,
      });
      return;
    }
    const now = performance.now();
    if (!this.#window.record(now)) return this.#giveUp(`${child.name} ${why}`);

    const group = strategies[this.spec.strategy](this.children, this.children.indexOf(child));
    const delay = this.#backoffOf(child).next(now, child.startedAt ?? now);
    this.#log.warn("{child} {why}; restarting {group} in {delay} ms", {
      child: child.name,
      why,
      group: group.map((c) => c.name).join(", "),
      delay: Math.round(delay),
    });
    for (const member of group) {
      const memberWhy = member === child
        ? why
        : `restarted with ${child.name} (${this.spec.strategy}): ${why}`;
      member.recordRestart({ at: Date.now(), reason: memberWhy, manual: false });
    }
    for (const member of [...group].reverse()) {
      if (member !== child) await member.stop({ drain: false });
    }
    for (const member of group) member.status = "restarting";
    if (!await this.#sleep(delay)) return;
    for (const member of group) {
      if (this.#halting) return;
      // A member that fails to start is handled as a new exit (counted, backed off), which restarts the
      // rest of the group itself; this pass ends there.
      if (!await this.#startOrHandle(member)) return;
    }
  }

  /** Starts a child; a failed start goes through the restart policy like any other exit. */
  async #startOrHandle(child: Child): Promise<boolean> {
    try {
      await child.start();
      return true;
    } catch (error) {
      const reason: ExitReason = error instanceof StartFailedError
        ? error.reason
        : { kind: "crashed", phase: "start", error: describeError(error) };
      child.status = "failed";
      await this.#onChildExit(child, reason, child.incarnation);
      return false;
    }
  }

  async #giveUp(last: string): Promise<void> {
    const reason = `more than ${this.spec.intensity} restarts in ${this.spec.periodMs} ms; last: ${last}`;
    this.#log.error("{name} gives up: {reason}", { name: this.name, reason });
    this.status = "failed";
    await this.#stopInReverse(this.children, false);
    this.#exitHandler?.({ kind: "gave_up", reason }, this.#incarnation);
  }

  async #stopInReverse(children: readonly Child[], drain: boolean): Promise<void> {
    for (const child of [...children].reverse()) {
      try {
        await child.stop({ drain });
      } catch (error) {
        this.#log.error("stopping {child} failed: {error}", {
          child: child.name,
          error: describeError(error),
        });
      }
    }
  }

  #backoffOf(child: Child): Backoff {
    let backoff = this.#backoffs.get(child.name);
    if (!backoff) {
      backoff = new Backoff(this.spec.backoff, this.deps.random);
      this.#backoffs.set(child.name, backoff);
    }
    return backoff;
  }

  /** Waits out a restart delay; resolves false when a stop cancelled it. */
  #sleep(ms: number): Promise<boolean> {
    if (ms <= 0) return Promise.resolve(!this.#halting);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#delay = undefined;
        resolve(!this.#halting);
      }, ms);
      this.#delay = {
        cancel: () => {
          clearTimeout(timer);
          this.#delay = undefined;
          resolve(false);
        },
      };
    });
  }
}

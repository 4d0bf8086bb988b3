/**
 * An actor as the supervisor and the bus see it, across all its incarnations: the bounded mailbox
 * (which survives restarts, as in Akka), the flow window to the current instance, heartbeats, the
 * restart history and the health report.
 */
import { getLogger } from "@logtape/logtape";
import type { Bus, Endpoint } from "./bus.ts";
import { type Envelope, laneOf, lostTransfer } from "./envelope.ts";
import {
  type ActorInstance,
  describeExit,
  type ExitReason,
  type InstanceEvent,
  spawnInstance,
} from "./instance.ts";
import { Heartbeat } from "./heartbeat.ts";
import { Mailbox } from "./mailbox.ts";
import { RingBuffer } from "./ring_buffer.ts";
import type { SpareWorkers } from "./spare_workers.ts";
import type { CellToHost, LogSettings } from "./wire.ts";
import type { SpanExport } from "./span_export.ts";
import type { Zombie, Zombies } from "./zombies.ts";
import type { DeadLetterReason } from "./dead_letters.ts";
import type { ActorSpec, RestartType } from "../supervision/spec.ts";
import {
  type Child,
  type ChildStatus,
  type ExitHandler,
  type RestartRecord,
  StartFailedError,
  type TreeNode,
} from "../supervision/child.ts";

type BreakerReport = Extract<CellToHost, { t: "pong" }>["breakers"][number];

export interface ActorHealth {
  name: string;
  status: ChildStatus;
  restarts: number;
  lastRestartReasons: { at: string; reason: string; manual: boolean }[];
  mailbox: { depth: number; capacity: number; parked: number };
  heartbeatAgeMs: number | null;
  /** The actor's most severe breaker (open > half-open > closed), or null if it has none. */
  breaker: BreakerReport | null;
  breakers: BreakerReport[];
  busy: { kind: string; forMs: number } | null;
  handled: number;
  incarnation: number;
  zombies: Zombie[];
}

export interface ActorProcessDeps {
  bus: Bus;
  zombies: Zombies;
  log: LogSettings;
  faults: boolean;
  /** Warm workers to start incarnations in, when the system keeps any. */
  spares?: SpareWorkers;
  /** Where the spans the actor records go; without it the actor records none. */
  spans?: SpanExport;
}

const REASONS_KEPT = 10;

export class ActorProcess implements Child, Endpoint {
  readonly type = "actor";
  readonly mailbox: Mailbox;
  status: ChildStatus = "stopped";
  manuallyStopped = false;

  #incarnation = 0;
  #instance: ActorInstance | null = null;
  #startedAt: number | null = null;
  #inflight = { system: [] as Envelope[], user: [] as Envelope[] };
  #pumpQueued = false;
  #held = new Set<string>();

  #heartbeat: Heartbeat | undefined;
  #pingSeq = 0;
  #busy: { kind: string; id: string; forMs: number } | null = null;
  #breakers: BreakerReport[] = [];

  #restarts = 0;
  #reasons = new RingBuffer<RestartRecord>(REASONS_KEPT);
  #handled = 0;
  #exitHandler: ExitHandler | undefined;
  #starting: { resolve(): void; reject(reason: ExitReason): void } | undefined;
  #stopping: (() => void) | undefined;
  #drained: (() => void) | undefined;
  readonly #log;

  constructor(readonly spec: ActorSpec, private readonly deps: ActorProcessDeps) {
    this.mailbox = new Mailbox(spec.mailbox);
    this.#log = getLogger(["runtime", spec.name]);
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

  start(): Promise<void> {
    if (this.#instance) return Promise.reject(new Error(`${this.name} is already running`));
    const incarnation = ++this.#incarnation;
    this.status = "starting";
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#down({ kind: "start_timeout", timeoutMs: this.spec.startTimeoutMs });
      }, this.spec.startTimeoutMs);
      this.#starting = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (reason) => {
          clearTimeout(timer);
          reject(new StartFailedError(this.name, reason, describeExit(reason)));
        },
      };
      this.#instance = spawnInstance(this.spec.isolation, {
        name: this.name,
        incarnation,
        module: this.spec.module,
        config: this.spec.config,
        faults: this.deps.faults,
        log: this.deps.log,
        tracing: this.deps.spans !== undefined,
        permissions: this.spec.permissions,
      }, (event) => {
        if (incarnation === this.#incarnation && this.#instance) this.#onEvent(event);
      }, this.deps.spares);
    });
  }

  async stop({ drain }: { drain: boolean }): Promise<void> {
    const instance = this.#instance;
    if (!instance) {
      this.status = "stopped";
      return;
    }
    if (this.#starting) {
      // Stopping a child that has not come up yet: there is nothing to drain or ask nicely.
      this.#down({ kind: "killed", why: "stopped while starting" });
      this.status = "stopped";
      return;
    }
    const stopped = new Promise<void>((resolve) => this.#stopping = resolve);
    const deadline = performance.now() + this.spec.shutdownMs;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeUp = (ms: number) =>
      new Promise<"timeout">((resolve) => timer = setTimeout(resolve, ms, "timeout"));
    try {
      if (drain && !this.#isDrained()) {
        // Half the shutdown time at most for queued work, so the actor's own stop still has time.
        const drained = new Promise<void>((resolve) => this.#drained = resolve);
        await Promise.race([drained, stopped, timeUp(this.spec.shutdownMs / 2)]);
        clearTimeout(timer);
        this.#drained = undefined;
      }
      if (this.#instance === instance) {
        instance.post({ t: "stop" });
        const outcome = await Promise.race([stopped, timeUp(Math.max(0, deadline - performance.now()))]);
        clearTimeout(timer);
        if (outcome === "timeout") {
          this.#down({ kind: "killed", why: `did not stop within ${this.spec.shutdownMs} ms` });
        }
      }
    } finally {
      clearTimeout(timer);
      this.#stopping = undefined;
    }
    this.status = "stopped";
  }

  recordRestart(record: RestartRecord): void {
    this.#restarts++;
    this.#reasons.push(record);
  }

  // ---- the bus side ----

  accept(env: Envelope): void {
    const result = this.mailbox.offer(env);
    if (result.status === "queued" && result.evicted) {
      this.#dead(result.evicted, "mailbox_full", "dropped as the oldest of its kind to make room");
    } else if (result.status === "parked") {
      this.#hold(env.from);
    } else if (result.status === "rejected") {
      this.#dead(
        env,
        result.policy === "backpressure" ? "backpressure_overflow" : "mailbox_full",
        result.detail,
      );
    }
    this.#schedulePump();
  }

  acceptReply(env: Envelope): void {
    if (this.#instance && this.status === "running") this.#instance.post({ t: "reply", envelope: env });
    else this.deps.bus.deadLetters.recordEnvelope(env, "no_pending_ask", `${this.name} is not running`);
  }

  flow(target: string, hold: boolean): void {
    this.#instance?.post({ t: "flow", target, hold });
  }

  // ---- reports ----

  health(): ActorHealth {
    const severity = { open: 2, "half-open": 1, closed: 0 } as const;
    const worst = [...this.#breakers].sort((a, b) => severity[b.state] - severity[a.state])[0] ?? null;
    const running = this.#instance !== null && this.status === "running";
    return {
      name: this.name,
      status: this.status,
      restarts: this.#restarts,
      lastRestartReasons: this.#reasons.toArray().reverse().map((r) => ({
        at: new Date(r.at).toISOString(),
        reason: r.reason,
        manual: r.manual,
      })),
      mailbox: {
        depth: this.mailbox.depth + this.#inflight.system.length + this.#inflight.user.length,
        capacity: this.mailbox.capacity,
        parked: this.mailbox.parked,
      },
      heartbeatAgeMs: running && this.#heartbeat?.ageMs != null ? Math.round(this.#heartbeat.ageMs) : null,
      breaker: worst,
      breakers: [...this.#breakers],
      busy: running && this.#busy ? { kind: this.#busy.kind, forMs: Math.round(this.#busy.forMs) } : null,
      handled: this.#handled,
      incarnation: this.#incarnation,
      zombies: this.deps.zombies.list(this.name),
    };
  }

  describe(): TreeNode {
    return {
      name: this.name,
      type: "actor",
      status: this.status,
      restart: this.restartType,
      restarts: this.#restarts,
    };
  }

  // ---- the instance side ----

  #onEvent(event: InstanceEvent): void {
    switch (event.t) {
      case "hello":
        return;
      case "started":
        this.status = "running";
        this.#startedAt = performance.now();
        this.#startHeartbeat();
        this.#starting?.resolve();
        this.#starting = undefined;
        return this.#schedulePump();
      case "batch":
        return this.#onBatch(event);
      case "pong":
        this.#heartbeat?.pong();
        this.#breakers = event.breakers;
        this.#busy = event.busy;
        return;
      case "failed":
        return this.#down({
          kind: "crashed",
          phase: event.phase,
          error: event.error,
          messageId: event.messageId,
        });
      case "stopped":
        return this.#down({ kind: "normal" });
      case "gone":
        return this.#down({ kind: "exited" });
    }
  }

  #onBatch(batch: Extract<CellToHost, { t: "batch" }>): void {
    this.#inflight.system.splice(0, batch.ackedSystem);
    this.#inflight.user.splice(0, batch.ackedUser);
    this.#handled += batch.ackedSystem + batch.ackedUser;
    const { bus } = this.deps;
    for (const dead of batch.dead) bus.deadLetters.record({ ...dead, to: this.name });
    if (batch.metrics.length > 0) bus.metrics.apply(batch.metrics, { actor: this.name });
    if (batch.spans) this.deps.spans?.add(batch.spans);
    for (const env of batch.out) bus.route(env);
    if (this.#drained && this.#isDrained()) this.#drained();
    this.#schedulePump();
  }

  #schedulePump(): void {
    if (this.#pumpQueued) return;
    this.#pumpQueued = true;
    queueMicrotask(() => this.#pump());
  }

  /**
   * Hands queued messages to the instance, up to the prefetch window, as one postMessage. A message whose
   * buffers move (transferred, not copied) goes only when nothing is in flight ahead of it: if the worker
   * then dies, it is the message in hand (a possible poison, dead-lettered like any other) and never one
   * still waiting behind it, whose buffers would be gone with the thread (`lostTransfer`).
   */
  #pump(): void {
    this.#pumpQueued = false;
    const instance = this.#instance;
    if (!instance || this.status !== "running") return;
    let inflight = this.#inflight.system.length + this.#inflight.user.length;
    const now = Date.now();
    const deliver: Envelope[] = [];
    for (let next = this.mailbox.peek(); next !== undefined; next = this.mailbox.peek()) {
      if (inflight >= this.spec.prefetch || (moves(next) && inflight > 0)) break;
      const [env] = this.mailbox.take(1);
      if (env.deadline !== undefined && now > env.deadline) {
        this.#dead(env, "deadline_exceeded", `deadline passed ${now - env.deadline} ms ago in the mailbox`);
        continue;
      }
      this.#inflight[laneOf(env.kind)].push(env);
      deliver.push(env);
      inflight++;
    }
    if (deliver.length > 0) instance.post({ t: "deliver", envelopes: deliver });
    if (this.#held.size > 0 && this.mailbox.hasRoom) {
      for (const sender of this.#held) this.deps.bus.flow(sender, this.name, false);
      this.#held.clear();
    }
  }

  #hold(sender: string): void {
    if (this.#held.has(sender)) return;
    this.#held.add(sender);
    this.deps.bus.flow(sender, this.name, true);
  }

  #isDrained(): boolean {
    return this.mailbox.depth === 0 && this.#inflight.system.length === 0 && this.#inflight.user.length === 0;
  }

  #startHeartbeat(): void {
    const instance = this.#instance;
    if (!instance) return;
    this.#heartbeat = new Heartbeat(this.spec.heartbeatMs, {
      ping: () => instance.post({ t: "ping", seq: ++this.#pingSeq }),
      threadAlive: () => instance.threadId === null || this.deps.zombies.alive(instance.threadId),
      onHung: (silentMs) => this.#down({ kind: "hung", silentMs }),
      onGone: () => this.#down({ kind: "exited" }),
    });
    this.#heartbeat.start();
  }

  /** The current incarnation has ended, for whatever reason: clean up, keep its unhandled mail, report. */
  #down(reason: ExitReason): void {
    const instance = this.#instance;
    if (!instance) return;
    this.#instance = null;
    this.#heartbeat?.stop();
    this.#heartbeat = undefined;
    const mayLive = instance.terminate();
    if (mayLive && (reason.kind === "hung" || reason.kind === "killed")) {
      this.deps.zombies.add({
        actor: this.name,
        incarnation: this.#incarnation,
        threadId: instance.threadId,
        since: Date.now(),
        reason: describeExit(reason),
      });
    }
    this.#salvageInflight(reason);
    this.#busy = null;
    this.#breakers = [];
    this.status = reason.kind === "normal" ? "stopped" : "failed";
    if (reason.kind !== "normal") {
      this.#log.warn("{name} went down: {reason}", { name: this.name, reason: describeExit(reason) });
    }

    const starting = this.#starting;
    const stopping = this.#stopping;
    this.#starting = undefined;
    this.#drained?.();
    if (starting) return starting.reject(reason);
    if (stopping) return stopping();
    this.#exitHandler?.(reason, this.#incarnation);
  }

  /**
   * Messages handed to the dead incarnation go back to the front of the mailbox, except the one it was
   * handling when it failed (a poison message would crash every incarnation) and any whose buffers moved
   * to the dead thread.
   */
  #salvageInflight(reason: ExitReason): void {
    const inflight = [...this.#inflight.system, ...this.#inflight.user];
    this.#inflight = { system: [], user: [] };
    if (inflight.length === 0) return;
    let culprit: string | undefined;
    if (reason.kind === "crashed") culprit = reason.messageId;
    else if (reason.kind === "hung" || reason.kind === "exited") {
      // No word from the thread: blame what its last pong said it was handling if that is still
      // unacknowledged, else the first unacknowledged message (the cell handles them in this order).
      const busy = this.#busy?.id;
      culprit = inflight.some((env) => env.id === busy) ? busy : inflight[0].id;
    }
    const keep: Envelope[] = [];
    for (const env of inflight) {
      if (env.id === culprit) this.#dead(env, "actor_failed", describeExit(reason));
      else if (lostTransfer(env)) this.#dead(env, "lost_on_crash", "its buffer moved to the failed worker");
      else keep.push(env);
    }
    this.mailbox.requeue(keep);
  }

  #dead(env: Envelope, reason: DeadLetterReason, detail: string): void {
    this.deps.bus.deadLetters.recordEnvelope(env, reason, detail);
    if (env.ask) this.deps.bus.replyError(env, reason, detail);
  }
}

/** Whether delivering the envelope moves buffers to the worker's thread. */
function moves(env: Envelope): boolean {
  return (env.transfer?.length ?? 0) > 0;
}

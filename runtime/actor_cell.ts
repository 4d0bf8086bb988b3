/**
 * Runs one incarnation of an actor: validates and handles its messages one at a time, keeps its timers,
 * asks and breakers, and reports to the host over a CellLink. The same cell runs inside a Worker
 * (worker_entry.ts) or in-process (inline_instance.ts), so actor logic is tested the same way in both.
 */
import { getLogger, type Logger } from "@logtape/logtape";
import type { ActorContext, ActorMetrics, AnyActorDefinition } from "./actor.ts";
import { CircuitBreaker, CircuitOpenError } from "../supervision/circuit_breaker.ts";
import { Deque } from "./deque.ts";
import { PendingAsks } from "./asks.ts";
import {
  BREAKER_RESET_KIND,
  type Envelope,
  envelope,
  idGenerator,
  laneOf,
  REPLY_KIND,
  type ReplyBody,
} from "./envelope.ts";
import { actorRef } from "./actor_ref.ts";
import { describeError, summariseIssues } from "./errors.ts";
import { unpack } from "./packed.ts";
import type { ActorRef, KindSpec, Message, Protocol } from "./protocol.ts";
import { emptyHistogram, observe } from "./histogram.ts";
import { type CellToHost, type HostToCell, type MetricDelta, transfersOf } from "./wire.ts";
import { CellTracing } from "./cell_tracing.ts";

/** How the cell reaches its host. */
export interface CellLink {
  post(message: CellToHost, transfer: ArrayBuffer[]): void;
  /** Ends the thread the cell runs on without a word (used by the `exit` fault). */
  exit(): void;
}

export interface CellInit {
  name: string;
  incarnation: number;
  config: unknown;
  /** Whether `$fault` messages are obeyed (FAULT_INJECTION); refused otherwise. */
  faults: boolean;
  /** Whether handled messages get spans (the system exports traces). */
  tracing?: boolean;
}

/** A handler running longer than this lets the event loop answer pings before the next message. */
const SLICE_MS = 10;
/** While messages are queued, output and acks go to the host every this many messages or milliseconds. */
const FLUSH_EVERY = 16;
const FLUSH_AFTER_MS = 5;

type DeadReason = "unknown_kind" | "invalid_body" | "deadline_exceeded" | "no_pending_ask";

export class ActorCell {
  readonly #def: AnyActorDefinition;
  readonly #init: CellInit;
  readonly #link: CellLink;
  readonly #log: Logger;
  readonly #nextId: () => string;
  readonly #abort = new AbortController();
  /** Null while tracing is off: then a null check is all it costs per message. */
  readonly #tracing: CellTracing | null;
  #ctx: ActorContext<Protocol, unknown> | undefined;
  #state: unknown;

  #system = new Deque<Envelope>();
  #user = new Deque<Envelope>();
  #wake: (() => void) | undefined;
  #holds = new Set<string>();
  #phase: "new" | "starting" | "running" | "stopping" | "done" = "new";
  #stopRequested = false;
  #busy: { kind: string; since: number; id: string } | null = null;

  #asks = new PendingAsks();
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #breakers = new Map<string, CircuitBreaker>();

  #out: Envelope[] = [];
  #ackedSystem = 0;
  #ackedUser = 0;
  #dead: Extract<CellToHost, { t: "batch" }>["dead"] = [];
  #metrics = new Map<string, MetricDelta>();
  #flushQueued = false;
  /** True while the run loop handles a message: it flushes by itself then, in bigger batches. */
  #inLoop = false;
  #lastFlushAt = 0;

  constructor(definition: AnyActorDefinition, init: CellInit, link: CellLink) {
    this.#def = definition;
    this.#init = init;
    this.#link = link;
    this.#log = getLogger(["runtime", init.name]);
    this.#nextId = idGenerator(`${init.name}#${init.incarnation}`);
    this.#tracing = init.tracing
      ? new CellTracing(
        init.name,
        init.incarnation,
        () => this.#count("spans_dropped_total", { reason: "batch_full" }),
      )
      : null;
  }

  /** Validates the config and runs the actor's start; then handles messages until stopped or failed. */
  async start(): Promise<void> {
    this.#phase = "starting";
    const config = this.#def.config.safeParse(this.#init.config);
    if (!config.success) {
      this.#fail(
        "start",
        new Error(`invalid config for ${this.#init.name}: ${summariseIssues(config.error)}`),
      );
      return;
    }
    this.#ctx = this.#context(config.data);
    try {
      this.#state = await this.#def.start(this.#ctx);
    } catch (error) {
      this.#fail("start", error);
      return;
    }
    if (this.#phase !== "starting") return; // failed from outside while starting
    this.#phase = "running";
    this.#link.post({ t: "started" }, []);
    await this.#run();
  }

  /** Entry point for everything the host sends. Pings and replies are answered at once, never queued. */
  receive(message: HostToCell): void {
    switch (message.t) {
      case "deliver":
        for (const env of message.envelopes) {
          (laneOf(env.kind) === "system" ? this.#system : this.#user).push(env);
        }
        break;
      case "reply":
        this.#settleAsk(message.envelope);
        return;
      case "ping":
        this.#link.post({
          t: "pong",
          seq: message.seq,
          breakers: [...this.#breakers.values()].map((b) => b.snapshot()),
          busy: this.#busy
            ? { kind: this.#busy.kind, id: this.#busy.id, forMs: performance.now() - this.#busy.since }
            : null,
        }, []);
        return;
      case "stop":
        this.#stopRequested = true;
        break;
      case "flow":
        if (message.hold) this.#holds.add(message.target);
        else this.#holds.delete(message.target);
        break;
      case "init":
        return; // handled by whoever created the cell
    }
    this.#wake?.();
  }

  /** Ends this incarnation without a word to the host: the host has given up on it (inline `terminate`). */
  abandon(): void {
    if (this.#phase === "done") return;
    this.#out = [];
    this.#dead = [];
    this.#metrics.clear();
    this.#ackedSystem = this.#ackedUser = 0;
    this.#release("was abandoned");
  }

  /** Reports an error that escaped the actor's handlers (a timer callback, a floating promise). */
  failFromOutside(phase: "uncaught" | "rejection", error: unknown): void {
    if (this.#phase === "done") return;
    this.#fail(phase, error, this.#busy?.id);
  }

  async #run(): Promise<void> {
    let sliceStart = performance.now();
    let sinceFlush = 0;
    while (this.#phase === "running") {
      if (this.#stopRequested) {
        await this.#stop();
        return;
      }
      const env = this.#system.shift() ?? (this.#holds.size === 0 ? this.#user.shift() : undefined);
      if (!env) {
        this.#flush();
        sinceFlush = 0;
        await new Promise<void>((resolve) => this.#wake = resolve);
        this.#wake = undefined;
        sliceStart = performance.now();
        continue;
      }
      this.#inLoop = true;
      await this.#process(env);
      this.#inLoop = false;
      const now = performance.now();
      if (++sinceFlush >= FLUSH_EVERY || now - this.#lastFlushAt > FLUSH_AFTER_MS) {
        this.#flush();
        sinceFlush = 0;
      }
      if (now - sliceStart > SLICE_MS) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        sliceStart = performance.now();
      }
    }
  }

  async #process(env: Envelope): Promise<void> {
    if (env.deadline !== undefined && Date.now() > env.deadline) {
      return this.#consume(env, "deadline_exceeded", `deadline passed ${Date.now() - env.deadline} ms ago`);
    }
    if (env.kind === BREAKER_RESET_KIND) return this.#resetBreaker(env);
    const spec: KindSpec | undefined = env.kind.startsWith("$") ? undefined : this.#def.protocol[env.kind];
    const fault = env.kind === "$fault" && this.#init.faults;
    if (!spec && !fault) {
      // A `$fault` with fault injection off lands here too: refused as a dead letter, never obeyed.
      return this.#consume(env, "unknown_kind", `${this.#init.name} has no message kind ${env.kind}`);
    }
    let body: unknown = env.body;
    if (env.packed) {
      try {
        body = unpack(env.body);
      } catch (error) {
        return this.#consume(env, "invalid_body", `the packed body cannot be read: ${describeError(error)}`);
      }
    }
    if (spec) {
      const parsed = spec.body.safeParse(body);
      if (!parsed.success) return this.#consume(env, "invalid_body", summariseIssues(parsed.error));
      body = parsed.data;
    }
    const message = this.#message(env, body, spec);
    // Set once the asker has its answer from here rather than through message.reply.
    let answered = false;
    const startedAt = performance.now();
    this.#busy = { kind: env.kind, since: startedAt, id: env.id };
    const span = this.#tracing?.begin(env);
    try {
      if (spec) {
        this.#state = await this.#def.handle(this.#state, message, this.#ctxOrThrow());
      } else {
        this.#fault(env.body);
      }
    } catch (error) {
      span?.fail(error);
      if (!(error instanceof CircuitOpenError)) {
        span?.end(); // before #fail, whose last batch then carries it
        return this.#fail("handle", error, env.id);
      }
      // An open breaker is the breaker doing its job, not a crash: the message is handled as failed.
      this.#log.warn("{kind} not handled: {error}", { kind: env.kind, error: error.message });
      this.#count("messages_failed_total", { kind: env.kind, reason: "circuit_open" });
      if (env.ask && !message.replied) {
        this.#replyError(env, "circuit_open", error.message);
        // Without this the asker got a second answer (no_reply), which ended as a no_pending_ask dead letter.
        answered = true;
      }
    } finally {
      this.#busy = null;
      span?.end();
    }
    if (this.#phase === "done") return;
    if (env.ask && !message.replied && !answered) {
      this.#replyError(env, "no_reply", `${this.#init.name} did not answer`);
    }
    this.#ack(env);
    this.#count("messages_handled_total", { kind: env.kind });
    this.#observe("message_handle_seconds", { kind: env.kind }, (performance.now() - startedAt) / 1000);
  }

  /** A message that is consumed without reaching the handler becomes a dead letter; an asker is told. */
  #consume(env: Envelope, reason: DeadReason, detail: string): void {
    this.#dead.push({ id: env.id, kind: env.kind, from: env.from, reason, detail });
    if (env.ask) this.#replyError(env, reason, detail);
    this.#ack(env);
  }

  #ack(env: Envelope): void {
    if (laneOf(env.kind) === "system") this.#ackedSystem++;
    else this.#ackedUser++;
    this.#scheduleFlush();
  }

  /** A breaker closed by hand (the control API): the next call goes through at once. */
  #resetBreaker(env: Envelope): void {
    const name = (env.body as { breaker?: unknown } | null)?.breaker;
    const breaker = typeof name === "string" ? this.#breakers.get(name) : undefined;
    if (breaker === undefined) {
      return this.#consume(env, "invalid_body", `${this.#init.name} has no breaker ${String(name)}`);
    }
    breaker.reset();
    this.#log.warn("breaker {breaker} reset by hand", { breaker: name });
    this.#ack(env);
  }

  #fault(body: unknown): void {
    const kind = (body as { kind?: unknown } | null)?.kind;
    if (kind === "throw") throw new Error("fault injection: throw");
    if (kind === "hang") { for (;;) { /* a CPU loop: only heartbeats can catch this */ } }
    if (kind === "exit") return this.#link.exit();
    throw new Error(`unknown fault ${String(kind)}`);
  }

  #message(env: Envelope, body: unknown, spec: KindSpec | undefined): Message<string, unknown, unknown> & {
    readonly replied: boolean;
  } {
    let replied = false;
    return {
      kind: env.kind,
      body,
      id: env.id,
      from: env.from,
      sentAt: env.sentAt,
      isAsk: env.ask === true,
      get replied() {
        return replied;
      },
      reply: (value: unknown) => {
        if (!env.ask || replied) return;
        replied = true;
        const checked = spec?.reply?.safeParse(value);
        if (checked && !checked.success) {
          const issues = summariseIssues(checked.error);
          this.#log.error("invalid reply to {kind}: {issues}", { kind: env.kind, issues });
          return this.#replyError(env, "invalid_reply", issues);
        }
        this.#reply(env, { ok: true, value });
      },
    };
  }

  #replyError(env: Envelope, code: string, message: string): void {
    this.#reply(env, { ok: false, error: { code, message } });
  }

  #reply(request: Envelope, body: ReplyBody): void {
    this.#send(envelope({
      kind: REPLY_KIND,
      id: this.#nextId(),
      from: this.#init.name,
      to: request.from,
      inReplyTo: request.id,
      body,
    }));
  }

  #settleAsk(env: Envelope): void {
    if (this.#asks.settle(env)) return;
    // The ask timed out already, or was made by an earlier incarnation.
    this.#dead.push({ id: env.id, kind: env.kind, from: env.from, reason: "no_pending_ask", detail: "" });
    this.#scheduleFlush();
  }

  #send(env: Envelope): void {
    if (this.#phase === "done") return;
    this.#out.push(env);
    this.#scheduleFlush();
  }

  #scheduleFlush(): void {
    if (this.#flushQueued || this.#inLoop) return;
    this.#flushQueued = true;
    queueMicrotask(() => this.#flush());
  }

  /** Everything since the last flush goes to the host in one postMessage: batching is what makes the bus fast. */
  #flush(): void {
    this.#flushQueued = false;
    this.#lastFlushAt = performance.now();
    if (
      this.#out.length === 0 && this.#ackedSystem === 0 && this.#ackedUser === 0 && this.#dead.length === 0
    ) {
      if (this.#metrics.size === 0 && !this.#tracing?.pending) return;
    }
    const batch: Extract<CellToHost, { t: "batch" }> = {
      t: "batch",
      out: this.#out,
      ackedSystem: this.#ackedSystem,
      ackedUser: this.#ackedUser,
      dead: this.#dead,
      metrics: [...this.#metrics.values()],
    };
    if (this.#tracing?.pending) batch.spans = this.#tracing.take();
    this.#out = [];
    this.#ackedSystem = 0;
    this.#ackedUser = 0;
    this.#dead = [];
    this.#metrics.clear();
    this.#link.post(batch, transfersOf(batch));
  }

  async #stop(): Promise<void> {
    this.#phase = "stopping";
    try {
      if (this.#def.stop && this.#ctx) await this.#def.stop(this.#state, this.#ctx);
    } catch (error) {
      this.#log.error("stop of {name} failed: {error}", {
        name: this.#init.name,
        error: describeError(error),
      });
    }
    this.#finish();
    this.#link.post({ t: "stopped", normal: true }, []);
  }

  #fail(phase: Extract<CellToHost, { t: "failed" }>["phase"], error: unknown, messageId?: string): void {
    if (this.#phase === "done") return;
    this.#finish();
    const failure: CellToHost = { t: "failed", phase, error: describeError(error) };
    if (error instanceof Error && error.stack) failure.stack = error.stack;
    if (messageId !== undefined) failure.messageId = messageId;
    this.#link.post(failure, []);
  }

  /** Sends what the actor produced so far, then releases timers and asks: nothing outlives the incarnation. */
  #finish(): void {
    this.#flush();
    this.#release("stopped");
  }

  /** Ends the incarnation's timers, asks and background work (through ctx.signal). */
  #release(why: string): void {
    this.#phase = "done";
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#asks.cancelAll("asker_stopped", `${this.#init.name} ${why}`);
    this.#abort.abort(new Error(`${this.#init.name} ${why}`));
    this.#wake?.();
  }

  #ctxOrThrow(): ActorContext<Protocol, unknown> {
    if (!this.#ctx) throw new Error("actor context used before start");
    return this.#ctx;
  }

  #count(name: string, labels: Record<string, string>, by = 1): void {
    const key = metricKey(name, labels);
    const delta = this.#metrics.get(key);
    if (delta && delta.type === "counter") delta.value += by;
    else this.#metrics.set(key, { name, labels, type: "counter", value: by });
    this.#scheduleFlush();
  }

  #observe(name: string, labels: Record<string, string>, seconds: number): void {
    const key = metricKey(name, labels);
    let delta = this.#metrics.get(key);
    if (delta?.type !== "histogram") {
      delta = { name, labels, type: "histogram", ...emptyHistogram() };
      this.#metrics.set(key, delta);
    }
    observe(delta, seconds);
    this.#scheduleFlush();
  }

  /** A ref for the actor; `traced` ones give what they send the context of the message being handled. */
  #ref<Q extends Protocol>(to: string, protocol: Q, traced = true): ActorRef<Q> {
    const tracing = traced ? this.#tracing : null;
    return actorRef(to, protocol, {
      from: this.#init.name,
      nextId: this.#nextId,
      send: (env) => {
        tracing?.stamp(env);
        this.#send(env);
      },
      asks: this.#asks,
      afterAsk: () => this.#flush(),
    });
  }

  #context(config: unknown): ActorContext<Protocol, unknown> {
    const metrics: ActorMetrics = {
      count: (name, by = 1, labels = {}) => this.#count(name, labels, by),
      gauge: (name, value, labels = {}) => {
        this.#metrics.set(metricKey(name, labels), { name, labels, type: "gauge", value });
        this.#scheduleFlush();
      },
      observe: (name, seconds, labels = {}) => this.#observe(name, labels, seconds),
    };
    const tracing = this.#tracing;
    return {
      name: this.#init.name,
      incarnation: this.#init.incarnation,
      config,
      log: getLogger(["actor", this.#init.name]),
      signal: this.#abort.signal,
      self: this.#ref(this.#init.name, this.#def.protocol),
      ref: (name, protocol) => this.#ref(name, protocol),
      flush: () => this.#flush(),
      schedule: (delayMs, kind, body) => {
        const timer = setTimeout(() => {
          this.#timers.delete(timer);
          // Untraced: a timer's message starts a trace of its own (the next poll is no child of the last).
          this.#ref(this.#init.name, this.#def.protocol, false).tell(kind, body);
        }, delayMs);
        this.#timers.add(timer);
        return () => {
          clearTimeout(timer);
          this.#timers.delete(timer);
        };
      },
      breaker: (name, options) => {
        let breaker = this.#breakers.get(name);
        if (!breaker) {
          breaker = new CircuitBreaker(name, options);
          breaker.onTransition((from, to) => {
            this.#log.warn("breaker {breaker} {from} -> {to}", { breaker: name, from, to });
            this.#count("breaker_transitions_total", { breaker: name, to });
          });
          this.#breakers.set(name, breaker);
        }
        return breaker;
      },
      metrics,
      get span() {
        return tracing?.current ?? undefined;
      },
      stopSelf: () => {
        this.#stopRequested = true;
        this.#wake?.();
      },
    };
  }
}

function metricKey(name: string, labels: Record<string, string>): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return name;
  return name + "{" + keys.sort().map((k) => `${k}=${labels[k]}`).join(",") + "}";
}

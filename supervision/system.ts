/**
 * The entry point of the runtime: validates a supervision tree, creates the bus and one ActorProcess per
 * actor, serves `$system`, and exposes health, the live tree and manual control to the HTTP front.
 *
 * ```ts
 * const system = new ActorSystem({ type: "supervisor", name: "root", children: [
 *   { name: "echo", module: new URL("./echo.ts", import.meta.url).href },
 * ] }, { onGiveUp: () => Deno.exit(1) });
 * await system.start();
 * ```
 */
import { type ActorHealth, ActorProcess } from "../runtime/actor_process.ts";
import { Bus } from "../runtime/bus.ts";
import type { ActorRef, Protocol } from "../runtime/protocol.ts";
import type { LogSettings } from "../runtime/wire.ts";
import { Zombies } from "../runtime/zombies.ts";
import { SpareWorkers } from "../runtime/spare_workers.ts";
import { WORKER_ENTRY } from "../runtime/instance.ts";
import type { TreeNode } from "./child.ts";
import { parseTree, type SupervisorSpecInput } from "./spec.ts";
import { type ControlAction, ControlError, Supervisor } from "./supervisor.ts";
import { BREAKER_RESET_KIND, envelope, idGenerator } from "../runtime/envelope.ts";
import { SpanExport, type SpanRecordExporter } from "../runtime/span_export.ts";
import { type Tracer, tracer } from "../runtime/span.ts";
import { SYSTEM_ADDRESS, SystemProtocol } from "./system_protocol.ts";

export interface ActorSystemOptions {
  /** Log settings handed to every worker. */
  log?: LogSettings;
  /** Whether actors obey `$fault` messages (FAULT_INJECTION). */
  faults?: boolean;
  zombies?: Zombies;
  /** Jitter source for restart backoff. */
  random?: () => number;
  /**
   * Workers kept loaded and idle so that a crashed actor's replacement starts without loading the
   * runtime first (default 1; 0 = none). Each costs an idle worker's memory.
   */
  spareWorkers?: number;
  /** Called once when the root supervisor gives up; the process should then exit non-zero. */
  onGiveUp?: (reason: string) => void;
  /**
   * Where traces go (runtime/otel_export.ts: OTLP/HTTP, or in memory for tests). With it every handled
   * message is a span, parented across workers through its envelope; without it workers record nothing.
   */
  spanExporter?: SpanRecordExporter;
}

export class ActorSystem {
  readonly bus = new Bus();
  readonly root: Supervisor;
  readonly zombies: Zombies;
  /** Starts main-thread spans (HTTP requests) that leave with the actors'; null without an exporter. */
  readonly tracer: Tracer | null;
  readonly #spans: SpanExport | undefined;
  #processes = new Map<string, ActorProcess>();
  #spares: SpareWorkers;
  #nextId = idGenerator("system");

  constructor(tree: SupervisorSpecInput, options: ActorSystemOptions = {}) {
    const spec = parseTree(tree);
    this.zombies = options.zombies ?? new Zombies();
    const log = options.log ?? { level: "info", format: "pretty" };
    this.#spares = new SpareWorkers(options.spareWorkers ?? 1, WORKER_ENTRY);
    const spans = options.spanExporter && new SpanExport(options.spanExporter, this.bus.metrics);
    this.#spans = spans;
    this.tracer = spans ? tracer((record) => spans.add([record])) : null;
    this.root = new Supervisor(spec, {
      random: options.random,
      createActor: (actorSpec) => {
        const process = new ActorProcess(actorSpec, {
          bus: this.bus,
          zombies: this.zombies,
          log,
          faults: options.faults ?? false,
          spares: this.#spares,
          spans,
        });
        this.bus.register(actorSpec.name, process);
        this.#processes.set(actorSpec.name, process);
        return process;
      },
    });
    this.root.setExitHandler((reason) => {
      if (reason.kind === "gave_up") options.onGiveUp?.(reason.reason);
    });
    this.bus.serve(SYSTEM_ADDRESS, SystemProtocol, (message) => {
      message.reply({
        at: Date.now(),
        actors: this.health().map((h) => ({
          name: h.name,
          status: h.status,
          restarts: h.restarts,
          handled: h.handled,
          mailbox: { depth: h.mailbox.depth, capacity: h.mailbox.capacity },
          heartbeatAgeMs: h.heartbeatAgeMs,
        })),
        deadLetters: { total: this.bus.deadLetters.total, byReason: this.bus.deadLetters.counts() },
        zombies: this.zombies.list().length,
      });
    });
  }

  async start(): Promise<void> {
    // The actors' first incarnations start fresh workers; spares are made once they run, for restarts.
    await this.root.start();
    this.#spares.fill();
  }

  /** Stops the whole tree in reverse order, letting each actor finish its queued messages first. */
  async stop(): Promise<void> {
    this.#spares.close();
    await this.root.stop({ drain: true });
    this.bus.cancelAsks("the actor system stopped");
    // After the tree: the actors' last batches carried their last spans.
    await this.#spans?.shutdown();
  }

  actor(name: string): ActorProcess | undefined {
    return this.#processes.get(name);
  }

  /** Health of every actor, in tree order. */
  health(): ActorHealth[] {
    return this.root.descendants()
      .filter((child): child is ActorProcess => child instanceof ActorProcess)
      .map((process) => process.health());
  }

  tree(): TreeNode {
    return this.root.describe();
  }

  control(name: string, action: ControlAction) {
    return this.root.control(name, action);
  }

  /**
   * Sends an actor a `$fault` (throw, hang or exit) through its system lane. Only actors of a system
   * made with `faults: true` obey it; the others dead-letter it.
   */
  fault(name: string, kind: "throw" | "hang" | "exit"): void {
    if (!this.#processes.has(name)) throw new ControlError("not_found", `no actor named ${name}`);
    this.bus.route(envelope({ kind: "$fault", id: this.#nextId(), from: "$main", to: name, body: { kind } }));
  }

  /**
   * Closes the circuit breaker `breaker` of actor `name` (through its system lane, so after the message it
   * is handling). The actor ignores, as a dead letter, a breaker it does not have.
   */
  resetBreaker(name: string, breaker: string): void {
    if (!this.#processes.has(name)) throw new ControlError("not_found", `no actor named ${name}`);
    this.bus.route(
      envelope({ kind: BREAKER_RESET_KIND, id: this.#nextId(), from: "$main", to: name, body: { breaker } }),
    );
  }

  ref<P extends Protocol>(name: string, protocol: P): ActorRef<P> {
    return this.bus.ref(name, protocol);
  }
}

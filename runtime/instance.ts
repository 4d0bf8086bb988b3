/**
 * One incarnation of an actor as the host sees it: a Worker thread, or an in-process cell for tests
 * under fake timers. Both speak the wire protocol and are driven the same way by ActorProcess.
 */
import { ActorCell } from "./actor_cell.ts";
import { isActorDefinition } from "./actor.ts";
import { describeError, summariseIssues } from "./errors.ts";
import type { SpareWorker, SpareWorkers } from "./spare_workers.ts";
import { type CellToHost, CellToHostSchema, type HostToCell, type LogSettings, transfersOf } from "./wire.ts";

/** Why an incarnation ended. Everything but `normal` is abnormal (it matters for `transient` children). */
export type ExitReason =
  | { kind: "normal" }
  | {
    kind: "crashed";
    phase: "start" | "handle" | "stop" | "uncaught" | "rejection" | "protocol";
    error: string;
    messageId?: string;
  }
  | { kind: "hung"; silentMs: number }
  | { kind: "exited" }
  | { kind: "start_timeout"; timeoutMs: number }
  | { kind: "killed"; why: string }
  | { kind: "gave_up"; reason: string };

export function isAbnormal(reason: ExitReason): boolean {
  return reason.kind !== "normal";
}

export function describeExit(reason: ExitReason): string {
  switch (reason.kind) {
    case "normal":
      return "normal exit";
    case "crashed":
      return `crashed in ${reason.phase}: ${reason.error}`;
    case "hung":
      return `hung: no heartbeat for ${Math.round(reason.silentMs)} ms`;
    case "exited":
      return "worker exited";
    case "start_timeout":
      return `did not start within ${reason.timeoutMs} ms`;
    case "killed":
      return `killed: ${reason.why}`;
    case "gave_up":
      return `supervisor gave up: ${reason.reason}`;
  }
}

export interface SpawnOptions {
  name: string;
  incarnation: number;
  module: string;
  config: unknown;
  faults: boolean;
  log: LogSettings;
  /** Whether the cell records spans (the system exports traces). */
  tracing: boolean;
  /** Deno permissions for the worker; "inherit" gives it the main thread's. */
  permissions?: Deno.PermissionOptions;
}

/** What an instance reports: its validated messages, or `gone` when its thread ended by itself. */
export type InstanceEvent = CellToHost | { t: "gone" };
export type InstanceListener = (event: InstanceEvent) => void;

export interface ActorInstance {
  /** The worker's OS thread id, once it said hello (Linux only). */
  readonly threadId: number | null;
  post(message: HostToCell): void;
  /** Ends the incarnation at once. Returns true when its thread may still be running (a zombie). */
  terminate(): boolean;
}

export type Isolation = "worker" | "inline";

/** Starts an incarnation; a worker comes from `spares` when one with the same permissions is ready. */
export function spawnInstance(
  isolation: Isolation,
  options: SpawnOptions,
  listener: InstanceListener,
  spares?: SpareWorkers,
): ActorInstance {
  if (isolation === "inline") return new InlineInstance(options, listener);
  const spare = wantsSpare(options) ? spares?.take(options.permissions) ?? null : null;
  return new WorkerInstance(options, listener, spare);
}

/**
 * Actors with the main thread's permissions share their spares. An actor with a set of its own asks
 * for one only when it restarts: a spare per set made up front would idle at about 20 MB each, and an
 * actor that crashed once is the likeliest to crash again.
 */
function wantsSpare(options: SpawnOptions): boolean {
  return options.permissions === undefined || options.permissions === "inherit" || options.incarnation > 1;
}

export const WORKER_ENTRY = new URL("./worker_entry.ts", import.meta.url);

/**
 * Starts a worker and, for one with permissions of its own, finds its OS thread here. Such a worker
 * cannot read /proc/thread-self to say it itself (Deno grants /proc only to --allow-all), but this thread
 * can when the process runs with -A: the thread Deno names `worker-<n>` that appeared while the worker
 * was made is its own. Without that access the id stays unknown, and so do the zombie report and the
 * quick notice of a worker that ended by itself (the heartbeat then calls it hung).
 */
export function startWorker(entry: URL, options: WorkerOptions): { worker: Worker; threadId: number | null } {
  const own = options.deno?.permissions === undefined || options.deno.permissions === "inherit";
  const before = own ? null : workerThreads();
  const worker = new Worker(entry, options);
  if (before === null) return { worker, threadId: null };
  const appeared = [...workerThreads() ?? []].filter((tid) => !before.has(tid));
  return { worker, threadId: appeared.length === 1 ? appeared[0] : null };
}

/** The ids of this process's worker threads, or null when /proc cannot be read. */
function workerThreads(): Set<number> | null {
  const threads = new Set<number>();
  // Asked first, so that a process without the grant is not prompted for it on a terminal.
  if (Deno.permissions.querySync({ name: "read", path: "/proc/self/task" }).state !== "granted") return null;
  let tasks: Deno.DirEntry[];
  try {
    tasks = [...Deno.readDirSync("/proc/self/task")];
  } catch {
    return null;
  }
  for (const task of tasks) {
    try {
      if (Deno.readTextFileSync(`/proc/self/task/${task.name}/comm`).startsWith("worker-")) {
        threads.add(Number(task.name));
      }
    } catch {
      // The thread ended in between.
    }
  }
  return threads;
}

class WorkerInstance implements ActorInstance {
  #worker: Worker;
  #threadId: number | null = null;
  #ended = false;
  #listener: InstanceListener;

  constructor(options: SpawnOptions, listener: InstanceListener, spare: SpareWorker | null) {
    this.#listener = listener;
    // A spare has said hello to the pool already, with its thread id if it knew it.
    const started = spare ?? startWorker(WORKER_ENTRY, {
      type: "module",
      name: `${options.name}#${options.incarnation}`,
      deno: { permissions: options.permissions ?? "inherit" },
    });
    this.#worker = started.worker;
    this.#threadId = started.threadId;
    this.#worker.onmessage = (event) => this.#receive(event.data);
    // The worker reports its own errors; this is the net for what escapes it (e.g. a module that fails to
    // load). Without preventDefault an error in a worker ends the whole process.
    this.#worker.onerror = (event) => {
      event.preventDefault();
      this.#deliver({ t: "failed", phase: "uncaught", error: event.message || "worker error" });
    };
    this.#worker.onmessageerror = () => {
      this.#deliver({ t: "failed", phase: "uncaught", error: "a message from the worker could not be read" });
    };
    this.post({
      t: "init",
      name: options.name,
      incarnation: options.incarnation,
      module: options.module,
      config: options.config,
      faults: options.faults,
      log: options.log,
      tracing: options.tracing,
    });
  }

  get threadId(): number | null {
    return this.#threadId;
  }

  post(message: HostToCell): void {
    if (!this.#ended) this.#worker.postMessage(message, transfersOf(message));
  }

  terminate(): boolean {
    if (this.#ended) return false;
    this.#ended = true;
    this.#worker.terminate();
    // terminate() returns at once; a thread stuck in a CPU loop keeps running (checked on Deno 2.9).
    return this.#threadId !== null;
  }

  #receive(data: unknown): void {
    const parsed = CellToHostSchema.safeParse(data);
    if (!parsed.success) {
      return this.#deliver({
        t: "failed",
        phase: "uncaught",
        error: `protocol violation from worker: ${summariseIssues(parsed.error)}`,
      });
    }
    // A worker that cannot read /proc says null; startWorker may have found it from here.
    if (parsed.data.t === "hello") this.#threadId = parsed.data.threadId ?? this.#threadId;
    this.#deliver(parsed.data);
  }

  #deliver(message: CellToHost): void {
    if (!this.#ended) this.#listener(message);
  }
}

/**
 * Runs the cell in this thread. Messages are structured-cloned (with transfers) and delivered on a
 * microtask, so the actor sees exactly what it would see in a worker, and fake timers drive everything.
 */
class InlineInstance implements ActorInstance {
  readonly threadId = null;
  #cell: ActorCell | undefined;
  #early: HostToCell[] = [];
  #ended = false;
  #listener: InstanceListener;

  constructor(options: SpawnOptions, listener: InstanceListener) {
    this.#listener = listener;
    this.#load(options).catch((error) =>
      this.#emit({ t: "failed", phase: "start", error: describeError(error) })
    );
  }

  async #load(options: SpawnOptions): Promise<void> {
    const module = await import(options.module);
    if (!isActorDefinition(module.default)) {
      throw new Error(`${options.module} does not export an actor (defineActor) as its default`);
    }
    if (this.#ended) return;
    const cell = new ActorCell(module.default, options, {
      post: (message, transfer) => this.#emit(structuredClone(message, { transfer })),
      exit: () => {
        cell.abandon();
        queueMicrotask(() => this.#ended || this.#listener({ t: "gone" }));
      },
    });
    this.#cell = cell;
    for (const message of this.#early) cell.receive(message);
    this.#early = [];
    await cell.start();
  }

  post(message: HostToCell): void {
    if (this.#ended) return;
    const copy = structuredClone(message, { transfer: transfersOf(message) });
    queueMicrotask(() => {
      if (this.#ended) return;
      if (this.#cell) this.#cell.receive(copy);
      else this.#early.push(copy);
    });
  }

  terminate(): boolean {
    this.#ended = true;
    this.#cell?.abandon();
    return false;
  }

  #emit(message: CellToHost): void {
    queueMicrotask(() => {
      if (this.#ended) return;
      const parsed = CellToHostSchema.safeParse(message);
      this.#listener(
        parsed.success
          ? parsed.data
          : { t: "failed", phase: "uncaught", error: "protocol violation from cell" },
      );
    });
  }
}

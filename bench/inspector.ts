/**
 * The JavaScript heap of every isolate in a Deno process started with `--inspect`: the main thread's and
 * each worker's, read through the V8 inspector (Chrome DevTools Protocol). Deno 2.9 announces its workers
 * to a session that asks `Target.setAutoAttach` (flat sessions), and `Runtime.getHeapUsage` then works in
 * each. This needs no help from the code measured: the runtime does not report its workers' heaps itself.
 * A worker is named by its `self.name` (the runtime names an actor's worker `<actor>#<incarnation>`).
 */
import { within } from "./deadline.ts";

/** One isolate's heap, in bytes (Runtime.getHeapUsage). */
export interface HeapUsage {
  /** The isolate's name: "main", or the worker's `self.name`. */
  name: string;
  used: number;
  total: number;
  /** ArrayBuffer backing stores held by the isolate (a WebAssembly memory is one). */
  backing: number;
}

interface Pending {
  resolve(result: Record<string, unknown>): void;
  reject(error: Error): void;
}

export class HeapProbe {
  readonly #socket: WebSocket;
  readonly #pending = new Map<number, Pending>();
  /** Attached workers: session id → name (null until asked). */
  readonly #workers = new Map<string, string | null>();
  #nextId = 0;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.onmessage = (event) => this.#receive(JSON.parse(String(event.data)));
    socket.onclose = () => {
      for (const pending of this.#pending.values()) pending.reject(new Error("the inspector closed"));
      this.#pending.clear();
    };
  }

  /** Connects to the inspector's WebSocket (printed by Deno as "Debugger listening on ws://…"). */
  static async connect(url: string): Promise<HeapProbe> {
    const socket = new WebSocket(url);
    const open = Promise.withResolvers<void>();
    socket.onopen = () => open.resolve();
    socket.onerror = () => open.reject(new Error(`cannot connect to the inspector at ${url}`));
    await within(open.promise, 5_000, "the inspector");
    const probe = new HeapProbe(socket);
    await probe.#call("Target.setAutoAttach", {
      autoAttach: true,
      waitForDebuggerOnStart: false,
      flatten: true,
    });
    return probe;
  }

  /**
   * The heap of the main isolate and of every worker attached now. With `collectGarbage`, each isolate
   * runs a full collection first, so that `used` is what is alive and not how long ago the last GC ran.
   */
  async sample(
    { timeoutMs = 10_000, collectGarbage = false }: { timeoutMs?: number; collectGarbage?: boolean } = {},
  ): Promise<{ main: HeapUsage; workers: HeapUsage[] }> {
    const usage = async (name: string, session?: string) => {
      if (collectGarbage) await this.#call("HeapProfiler.collectGarbage", {}, session);
      return await this.#usage(name, session);
    };
    const main = await within(usage("main"), timeoutMs, "the main isolate's heap");
    const workers: HeapUsage[] = [];
    for (const [session, known] of [...this.#workers]) {
      try {
        const name = known ?? await within(this.#name(session), timeoutMs, "a worker's name");
        this.#workers.set(session, name);
        workers.push(await within(usage(name, session), timeoutMs, `the heap of ${name}`));
      } catch {
        // The worker ended while we asked: it is left out of this sample.
      }
    }
    workers.sort((a, b) => a.name.localeCompare(b.name));
    return { main, workers };
  }

  close(): void {
    this.#socket.close();
  }

  async #usage(name: string, session?: string): Promise<HeapUsage> {
    const result = await this.#call("Runtime.getHeapUsage", {}, session);
    return {
      name,
      used: Number(result.usedSize),
      total: Number(result.totalSize),
      backing: Number(result.backingStorageSize ?? 0),
    };
  }

  async #name(session: string): Promise<string> {
    const result = await this.#call(
      "Runtime.evaluate",
      { expression: "self.name", returnByValue: true },
      session,
    );
    const value = (result.result as { value?: unknown } | undefined)?.value;
    return typeof value === "string" && value !== "" ? value : `worker ${session}`;
  }

  #call(
    method: string,
    params: Record<string, unknown>,
    sessionId?: string,
  ): Promise<Record<string, unknown>> {
    const id = ++this.#nextId;
    const answer = Promise.withResolvers<Record<string, unknown>>();
    this.#pending.set(id, answer);
    this.#socket.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    return answer.promise.finally(() => this.#pending.delete(id));
  }

  #receive(message: Record<string, unknown>): void {
    // A worker's answers come wrapped in an event, as text, when not sent flat.
    if (message.method === "NodeWorker.receivedMessageFromWorker") {
      const params = message.params as { message: string };
      return this.#receive(JSON.parse(params.message));
    }
    if (message.method === "Target.attachedToTarget") {
      const { sessionId } = message.params as { sessionId: string };
      this.#workers.set(sessionId, null);
      return;
    }
    if (message.method === "Target.detachedFromTarget") {
      this.#workers.delete((message.params as { sessionId: string }).sessionId);
      return;
    }
    if (typeof message.id !== "number") return;
    const pending = this.#pending.get(message.id);
    if (pending === undefined) return;
    if (message.error) pending.reject(new Error(JSON.stringify(message.error)));
    else pending.resolve((message.result ?? {}) as Record<string, unknown>);
  }
}

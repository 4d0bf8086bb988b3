/**
 * Warm spare workers. Most of the time a new actor worker takes to start goes into loading the runtime
 * itself (zod, LogTape, the cell: 60–100 ms here, against about 20 ms for an empty worker). A spare has
 * already loaded it and waits for its `init`, so a crashed actor's replacement skips that wait. After a
 * spare is taken, a new one is made a little later, off the restart's critical path.
 */

/** A worker that has loaded worker_entry.ts and said hello, but has no actor yet. */
export interface SpareWorker {
  worker: Worker;
  threadId: number | null;
}

interface Pending extends SpareWorker {
  ready: boolean;
}

export class SpareWorkers {
  #spares: Pending[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  /**
   * @param size spares kept ready (0 turns the pool off)
   * @param entry the worker script (worker_entry.ts)
   * @param refillDelayMs how long after a spare is taken the next one is made, so that loading it does
   *   not compete for the CPU with the replacement that is starting
   */
  constructor(readonly size: number, readonly entry: URL, readonly refillDelayMs = 100) {}

  /** Starts making spares (call once the system starts). */
  fill(): void {
    if (this.#closed) return;
    while (this.#spares.length < this.size) this.#spawn();
  }

  /** A ready spare, or null when none has finished loading. The caller owns the worker from now on. */
  take(): SpareWorker | null {
    const index = this.#spares.findIndex((spare) => spare.ready);
    if (index < 0) return null;
    const [spare] = this.#spares.splice(index, 1);
    spare.worker.onmessage = null;
    spare.worker.onerror = null;
    this.#refillLater();
    return { worker: spare.worker, threadId: spare.threadId };
  }

  /** Terminates every spare; nothing is made after this. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    for (const spare of this.#spares) spare.worker.terminate();
    this.#spares = [];
  }

  /** Spares alive, ready or still loading. */
  get count(): number {
    return this.#spares.length;
  }

  #refillLater(): void {
    if (this.#closed || this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.fill();
    }, this.refillDelayMs);
  }

  #spawn(): void {
    const worker = new Worker(this.entry, {
      type: "module",
      name: "spare",
      deno: { permissions: "inherit" },
    });
    const spare: Pending = { worker, threadId: null, ready: false };
    worker.onmessage = (event: MessageEvent) => {
      const data = event.data as { t?: unknown; threadId?: unknown } | null;
      if (data?.t !== "hello") return;
      spare.threadId = typeof data.threadId === "number" ? data.threadId : null;
      spare.ready = true;
    };
    // A spare that fails to load is dropped (and made again later); it must never end the process.
    worker.onerror = (event) => {
      event.preventDefault();
      worker.terminate();
      this.#spares = this.#spares.filter((s) => s !== spare);
      this.#refillLater();
    };
    this.#spares.push(spare);
  }
}

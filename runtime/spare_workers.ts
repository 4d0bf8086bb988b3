/**
 * Warm spare workers. Most of the time a new actor worker takes to start goes into loading the runtime
 * itself (zod, LogTape, the cell: 60–100 ms here, against about 20 ms for an empty worker). A spare has
 * already loaded it and waits for its `init`, so a crashed actor's replacement skips that wait. After a
 * spare is taken, a new one is made a little later, off the restart's critical path.
 *
 * A worker's Deno permissions are fixed when it is made, so spares are kept per permission set, and only
 * for sets that have been asked for: a spare never holds more than the actor it will host, and no spare
 * idles (about 20 MB each) for a set nobody uses.
 */

import { startWorker } from "./instance.ts";

/** A worker that has loaded worker_entry.ts and said hello, but has no actor yet. */
export interface SpareWorker {
  worker: Worker;
  threadId: number | null;
}

interface Pending extends SpareWorker {
  ready: boolean;
  /** permissionKey() of the permissions it was made with. */
  key: string;
}

/** The same key for the same permissions, whatever order their kinds and items are written in. */
export function permissionKey(permissions: Deno.PermissionOptions): string {
  if (typeof permissions === "string") return permissions;
  const kinds = Object.entries(permissions).filter(([, value]) => value !== undefined && value !== false);
  return JSON.stringify(
    kinds.sort(([a], [b]) => (a < b ? -1 : 1)).map(([kind, value]) => [
      kind,
      Array.isArray(value) ? value.map(String).sort() : value,
    ]),
  );
}

export class SpareWorkers {
  #spares: Pending[] = [];
  /** The permission sets spares are kept for: those take() has been asked for. */
  #wanted = new Map<string, Deno.PermissionOptions>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #filling = false;
  #closed = false;

  /**
   * @param size spares kept ready (0 turns the pool off)
   * @param entry the worker script (worker_entry.ts)
   * @param refillDelayMs how long after a spare is taken the next one is made, so that loading it does
   *   not compete for the CPU with the replacement that is starting
   */
  constructor(readonly size: number, readonly entry: URL, readonly refillDelayMs = 100) {}

  /** Starts making spares, for every permission set asked for so far (call once the system starts). */
  fill(): void {
    if (this.#closed) return;
    this.#filling = true;
    for (const [key, permissions] of this.#wanted) {
      let count = this.#spares.filter((spare) => spare.key === key).length;
      for (; count < this.size; count++) this.#spawn(key, permissions);
    }
  }

  /**
   * A ready spare made with exactly these permissions, or null when none has finished loading; the first
   * ask for a set only has one made. The caller owns the worker from now on.
   */
  take(permissions: Deno.PermissionOptions = "inherit"): SpareWorker | null {
    const key = permissionKey(permissions);
    if (!this.#wanted.has(key)) {
      this.#wanted.set(key, permissions);
      this.#refillLater();
      return null;
    }
    const index = this.#spares.findIndex((spare) => spare.ready && spare.key === key);
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
    // Before fill(), the system is still starting its actors: spares would compete with them.
    if (this.#closed || !this.#filling || this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.fill();
    }, this.refillDelayMs);
  }

  #spawn(key: string, permissions: Deno.PermissionOptions): void {
    let started: SpareWorker;
    try {
      started = startWorker(this.entry, { type: "module", name: "spare", deno: { permissions } });
    } catch {
      // Permissions this thread does not hold itself: the actor's own worker fails to start the same way
      // and reports it; here the set just gets no spares.
      this.#wanted.delete(key);
      return;
    }
    const { worker } = started;
    const spare: Pending = { ...started, ready: false, key };
    worker.onmessage = (event: MessageEvent) => {
      const data = event.data as { t?: unknown; threadId?: unknown } | null;
      if (data?.t !== "hello") return;
      if (typeof data.threadId === "number") spare.threadId = data.threadId;
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

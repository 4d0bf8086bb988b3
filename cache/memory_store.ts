/**
 * The in-memory cache store: bounded by entry count and by bytes (G4); when full, the value written
 * longest ago is evicted first and counted. Expired values are dropped when read or when room is needed.
 */
import { type CacheHealth, type CacheKind, type CacheStore, checkTtl, positive } from "./store.ts";

export interface MemoryStoreOptions {
  /** Most values held at once (default 1 000). */
  maxEntries?: number;
  /** Most bytes held at once, keys not counted (default 64 MiB). */
  maxBytes?: number;
  /** Milliseconds now; tests pass a fake clock (default `Date.now`). */
  now?: () => number;
}

/** Counters since the store was made, and what it holds now. */
export interface MemoryStoreStats {
  entries: number;
  bytes: number;
  /** Values dropped to make room for newer ones. */
  evicted: number;
  /** Values dropped because their time to live had passed. */
  expired: number;
  /** Values refused because alone they are larger than `maxBytes`. */
  rejected: number;
}

interface Entry {
  bytes: Uint8Array;
  expiresAt: number;
}

export class MemoryStore implements CacheStore {
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  readonly #now: () => number;
  // A Map iterates in insertion order and a set re-inserts, so the first entry is the one written longest ago.
  readonly #entries = new Map<string, Entry>();
  #bytes = 0;
  #evicted = 0;
  #expired = 0;
  #rejected = 0;

  constructor(options: MemoryStoreOptions = {}) {
    this.#maxEntries = positive("maxEntries", options.maxEntries ?? 1_000);
    this.#maxBytes = positive("maxBytes", options.maxBytes ?? 64 * 1024 * 1024);
    this.#now = options.now ?? Date.now;
  }

  set(kind: CacheKind, key: string, bytes: Uint8Array, ttlMs: number): Promise<void> {
    try {
      checkTtl(ttlMs);
    } catch (error) {
      return Promise.reject(error);
    }
    const id = entryId(kind, key);
    this.#remove(id);
    if (bytes.byteLength > this.#maxBytes) {
      this.#rejected++;
      return Promise.resolve();
    }
    for (const [oldest, entry] of this.#entries) {
      if (this.#entries.size < this.#maxEntries && this.#bytes + bytes.byteLength <= this.#maxBytes) break;
      if (entry.expiresAt <= this.#now()) this.#expired++;
      else this.#evicted++;
      this.#remove(oldest);
    }
    // A copy, so a caller reusing its buffer cannot change what is cached.
    this.#entries.set(id, { bytes: bytes.slice(), expiresAt: this.#now() + ttlMs });
    this.#bytes += bytes.byteLength;
    return Promise.resolve();
  }

  get(kind: CacheKind, key: string): Promise<Uint8Array | null> {
    const id = entryId(kind, key);
    const entry = this.#entries.get(id);
    if (entry === undefined) return Promise.resolve(null);
    if (entry.expiresAt <= this.#now()) {
      this.#expired++;
      this.#remove(id);
      return Promise.resolve(null);
    }
    return Promise.resolve(entry.bytes);
  }

  health(): CacheHealth {
    return { backend: "memory", degraded: false, reason: null };
  }

  stats(): MemoryStoreStats {
    return {
      entries: this.#entries.size,
      bytes: this.#bytes,
      evicted: this.#evicted,
      expired: this.#expired,
      rejected: this.#rejected,
    };
  }

  close(): Promise<void> {
    this.#entries.clear();
    this.#bytes = 0;
    return Promise.resolve();
  }

  #remove(id: string): void {
    const entry = this.#entries.get(id);
    if (entry === undefined) return;
    this.#bytes -= entry.bytes.byteLength;
    this.#entries.delete(id);
  }
}

function entryId(kind: CacheKind, key: string): string {
  return `${kind}:${key}`;
}

/**
 * The store the cache uses: memory always, and Redis as well when `REDIS_URL` is set. Every value is
 * written to memory first, so while Redis is down or hung the cache keeps serving from memory and health
 * says degraded with the reason, never throwing to the caller. Redis recovers by itself (see
 * redis_store.ts); the next set after that writes the latest value to Redis again (latest wins, nothing
 * is replayed).
 *
 * Reads look in memory first: this process is the only writer, so what it holds is at least as new as
 * what Redis holds. Redis answers what memory no longer has: values evicted from memory, and after a
 * restart, the values written before it.
 */
import { MemoryStore, type MemoryStoreOptions, type MemoryStoreStats } from "./memory_store.ts";
import { RedisStore, type RedisStoreOptions } from "./redis_store.ts";
import { type CacheHealth, type CacheKind, type CacheStore, checkTtl } from "./store.ts";

export interface CacheStoreOptions {
  /** Unset means memory only. */
  redisUrl?: string;
  /** Bounds (and clock) of the memory store. */
  memory?: MemoryStoreOptions;
  /** Deadlines and key prefix of the Redis store. */
  redis?: Omit<RedisStoreOptions, "url">;
  /** Longest `openCacheStore` waits for Redis before starting degraded (default 1 000). */
  startTimeoutMs?: number;
}

/**
 * Opens the cache store. With a Redis URL it waits up to `startTimeoutMs` for Redis, then starts anyway:
 * a Redis that is not there yet only makes the store degraded.
 *
 * @example
 * ```ts
 * const store = await openCacheStore({ redisUrl: Deno.env.get("REDIS_URL") });
 * try {
 *   await store.set("flights", "all", new TextEncoder().encode("[]"), 60_000);
 *   const bytes = await store.get("flights", "all");
 * } finally {
 *   await store.close();
 * }
 * ```
 */
export async function openCacheStore(options: CacheStoreOptions = {}): Promise<ResilientStore> {
  const memory = new MemoryStore(options.memory);
  if (options.redisUrl === undefined) return new ResilientStore(memory, null);
  const redis = new RedisStore({ ...options.redis, url: options.redisUrl });
  await redis.ready(options.startTimeoutMs ?? 1_000);
  return new ResilientStore(memory, redis);
}

export class ResilientStore implements CacheStore {
  readonly #memory: MemoryStore;
  readonly #redis: RedisStore | null;

  constructor(memory: MemoryStore, redis: RedisStore | null) {
    this.#memory = memory;
    this.#redis = redis;
  }

  /** Writes to memory, then to Redis unless it is degraded; a Redis failure only shows in health. */
  async set(kind: CacheKind, key: string, bytes: Uint8Array, ttlMs: number): Promise<void> {
    checkTtl(ttlMs);
    await this.#memory.set(kind, key, bytes, ttlMs);
    // While degraded, calls would only wait out their deadline on a hung server; recovery is detected
    // by the Redis store itself.
    if (this.#redis === null || this.#redis.health().degraded) return;
    try {
      await this.#redis.set(kind, key, bytes, ttlMs);
    } catch {
      // The Redis store is now degraded with the reason.
    }
  }

  async get(kind: CacheKind, key: string): Promise<Uint8Array | null> {
    const held = await this.#memory.get(kind, key);
    if (held !== null || this.#redis === null || this.#redis.health().degraded) return held;
    try {
      return await this.#redis.get(kind, key);
    } catch {
      return null;
    }
  }

  health(): CacheHealth {
    if (this.#redis === null) return this.#memory.health();
    const { degraded, reason } = this.#redis.health();
    return {
      backend: "redis",
      degraded,
      reason: degraded ? `Redis is not answering, serving from memory: ${reason}` : null,
    };
  }

  /** The memory store's counters (entries, bytes, evicted, expired, rejected), for metrics. */
  memoryStats(): MemoryStoreStats {
    return this.#memory.stats();
  }

  async close(): Promise<void> {
    await Promise.all([this.#memory.close(), this.#redis?.close()]);
  }
}

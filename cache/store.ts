/**
 * The cache's storage layer: pre-serialised values (the latest flights, controllers and ATIS as JSON bytes)
 * kept by kind and key with a time to live. Redis and memory implement the same interface, so the cache
 * actor does not care which one answers.
 */

/** What the cache holds; each kind has its own time to live (`CACHE_TTL_*`) and key namespace. */
export const CACHE_KINDS = ["flights", "controllers", "atis"] as const;
export type CacheKind = typeof CACHE_KINDS[number];

/** Which backend serves, and whether it is degraded (Redis configured but not answering) and why. */
export interface CacheHealth {
  backend: "redis" | "memory";
  degraded: boolean;
  reason: string | null;
}

/**
 * A store of byte values by kind and key. Values are opaque bytes (callers serialise); a value read back
 * must not be mutated. `set` replaces any earlier value; a value is gone once `ttlMs` has passed.
 */
export interface CacheStore {
  set(kind: CacheKind, key: string, bytes: Uint8Array, ttlMs: number): Promise<void>;
  get(kind: CacheKind, key: string): Promise<Uint8Array | null>;
  health(): CacheHealth;
  close(): Promise<void>;
}

/** Refuses a time to live that is not a positive whole number of milliseconds. */
export function checkTtl(ttlMs: number): number {
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) {
    throw new RangeError(`ttlMs must be a positive whole number of milliseconds, got ${ttlMs}`);
  }
  return ttlMs;
}

/** Refuses an option that is not a positive number, naming it. */
export function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number`);
  return value;
}

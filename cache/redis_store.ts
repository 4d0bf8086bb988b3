/**
 * The Redis cache store (ioredis). Every command has a short deadline and none waits in an offline
 * queue, so while Redis is down or hung a call fails within `commandTimeoutMs` instead of piling up
 * (G6). It tracks whether Redis answers: a failed command or a lost connection makes it degraded with the
 * reason; the 'ready' event after ioredis reconnects by itself, or a periodic PING while connected but not
 * answering (a hung server), makes it healthy again.
 */
import { Buffer } from "node:buffer";
import { Redis } from "ioredis";
import { type CacheHealth, type CacheKind, type CacheStore, checkTtl, positive } from "./store.ts";

export interface RedisStoreOptions {
  /** `redis://[user:password@]host:port[/db]`. */
  url: string;
  /** Keys are `<prefix>:<kind>:<key>` (default "vatsim"). */
  prefix?: string;
  /** Longest one command may take (default 500). */
  commandTimeoutMs?: number;
  /** Longest connecting may take (default 1 000). */
  connectTimeoutMs?: number;
  /** How often to PING while degraded but connected (default 500). */
  probeIntervalMs?: number;
  /** Longest wait between reconnect attempts (default 1 000). */
  maxReconnectDelayMs?: number;
}

export class RedisStore implements CacheStore {
  readonly #client: Redis;
  readonly #prefix: string;
  readonly #probeIntervalMs: number;
  #reason: string | null = "not connected yet";
  #probe: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(options: RedisStoreOptions) {
    this.#prefix = options.prefix ?? "vatsim";
    this.#probeIntervalMs = positive("probeIntervalMs", options.probeIntervalMs ?? 500);
    const maxDelay = positive("maxReconnectDelayMs", options.maxReconnectDelayMs ?? 1_000);
    this.#client = new Redis(options.url, {
      commandTimeout: positive("commandTimeoutMs", options.commandTimeoutMs ?? 500),
      connectTimeout: positive("connectTimeoutMs", options.connectTimeoutMs ?? 1_000),
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      // Keep trying for as long as the store is open: Redis coming back is recovered without a restart.
      retryStrategy: (attempt) => Math.min(attempt * 100, maxDelay),
    });
    // Without an 'error' listener ioredis prints every connection error to the console.
    this.#client.on("error", (error: Error) => this.#degrade(error));
    // An error that closed the connection has already given the better reason.
    this.#client.on("close", () => {
      if (this.#reason === null && !this.#closed) this.#reason = "connection to Redis lost";
    });
    this.#client.on("ready", () => this.#recover());
  }

  /** Resolves once Redis is ready, or after `timeoutMs` whatever the state; never rejects. */
  async ready(timeoutMs: number): Promise<boolean> {
    if (this.#client.status === "ready") return true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onReady = () => {};
    try {
      return await new Promise<boolean>((resolve) => {
        onReady = () => resolve(true);
        this.#client.once("ready", onReady);
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
    } finally {
      clearTimeout(timer);
      this.#client.off("ready", onReady);
    }
  }

  async set(kind: CacheKind, key: string, bytes: Uint8Array, ttlMs: number): Promise<void> {
    checkTtl(ttlMs);
    const value = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    await this.#run(() => this.#client.set(this.key(kind, key), value, "PX", ttlMs));
  }

  async get(kind: CacheKind, key: string): Promise<Uint8Array | null> {
    const value = await this.#run(() => this.#client.getBuffer(this.key(kind, key)));
    // A plain Uint8Array that owns its memory: a Buffer may be a slice of a shared pool.
    return value === null ? null : new Uint8Array(value);
  }

  health(): CacheHealth {
    return { backend: "redis", degraded: this.#reason !== null, reason: this.#reason };
  }

  /** The Redis key of a value, e.g. `vatsim:flights:all`. */
  key(kind: CacheKind, key: string): string {
    return `${this.#prefix}:${kind}:${key}`;
  }

  /** Drops the connection at once (a QUIT would wait on a server that may be gone). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#probe);
    if (this.#client.status === "end") return;
    // Between reconnect attempts the socket is already gone: disconnect() only cancels the next attempt,
    // and no 'end' event follows.
    const socketOpen = !["reconnecting", "wait"].includes(this.#client.status);
    const ended = new Promise<void>((resolve) => this.#client.once("end", () => resolve()));
    this.#client.disconnect();
    if (socketOpen) await ended;
  }

  async #run<T>(command: () => Promise<T>): Promise<T> {
    try {
      const result = await command();
      if (this.#reason !== null && this.#client.status === "ready") this.#recover();
      return result;
    } catch (error) {
      this.#degrade(error);
      throw new Error(`redis: ${message(error)}`, { cause: error });
    }
  }

  #degrade(error: unknown): void {
    if (this.#closed) return;
    this.#reason = message(error);
    this.#scheduleProbe();
  }

  #recover(): void {
    this.#reason = null;
    clearTimeout(this.#probe);
    this.#probe = undefined;
  }

  /** While degraded but connected (a hung server), PINGs until Redis answers; 'ready' covers reconnects. */
  #scheduleProbe(): void {
    if (this.#probe !== undefined || this.#closed || this.#client.status !== "ready") return;
    this.#probe = setTimeout(async () => {
      this.#probe = undefined;
      if (this.#closed || this.#reason === null || this.#client.status !== "ready") return;
      try {
        await this.#client.ping();
        this.#recover();
      } catch (error) {
        if (this.#closed) return;
        this.#reason = message(error);
        this.#scheduleProbe();
      }
    }, this.#probeIntervalMs);
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The collector's supervision tree as plain data. Consumers start before producers (store, cache,
 * processor, then fetcher), so in the reverse-order stop the fetcher stops first and the store last,
 * after it has written what was already sent to it. Each actor's worker gets only the permissions its
 * own work needs (deploy/permissions.ts), out of those the process was given.
 */
import type { Config } from "../config.ts";
import { actorPermissions } from "../deploy/permissions.ts";
import type { SupervisorSpecInput } from "../supervision/spec.ts";
import { SERVICES } from "./protocol.ts";

const here = (file: string) => new URL(file, import.meta.url).href;

export function collectorTree(config: Config): SupervisorSpecInput {
  const permissions = actorPermissions(config);
  return {
    type: "supervisor",
    name: "root",
    strategy: "one_for_one",
    // Up to 10 crashes in three minutes are ridden out; a crash loop beyond that ends the process (exit 1)
    // so that systemd or Docker, not this process, decides what happens next. An actor crashing on every
    // start is restarted after 0.1 s, doubling up to 10 s: its 11th crash comes within 46 s, well inside
    // the period (supervision/spec.ts refuses a period that such a loop could outlast).
    intensity: 10,
    periodMs: 180_000,
    backoff: { minMs: 100, maxMs: 10_000, randomFactor: 0.2, resetAfterMs: 60_000 },
    children: [
      {
        name: SERVICES.store,
        module: here("./store.ts"),
        permissions: permissions.store,
        config: {
          databaseUrl: config.DATABASE_URL ?? null,
          dataDir: config.DATA_DIR,
          positionRetentionDays: config.POSITION_RETENTION_DAYS ?? null,
          eventRetentionDays: config.EVENT_RETENTION_DAYS ?? null,
          spoolMaxBytes: config.SPOOL_MAX_BYTES,
          spoolMaxFiles: config.SPOOL_MAX_FILES,
          spoolRetryMs: config.SPOOL_RETRY_MS,
          queryTimeoutMs: config.DATABASE_TIMEOUT_MS,
        },
        // Embedded PGlite runs initdb on a new DATA_DIR (about 6 s here; more on a slow disk).
        startTimeoutMs: 120_000,
        shutdownMs: 15_000,
        // Embedded PGlite runs on the store's own thread: a snapshot whose sessions are all new (the
        // first one, or one after a restart) takes seconds to write there, during which no ping is
        // answered. Hung means silent for 15 s, past the write but within the 20 s breaker timeout.
        heartbeatMs: 10_000,
        mailbox: {
          capacity: 64,
          kinds: {
            "store.snapshot": "backpressure",
            "store.quarantine": "backpressure",
            "store.drain": "drop_newest",
          },
        },
      },
      {
        name: SERVICES.cache,
        module: here("./cache.ts"),
        permissions: permissions.cache,
        config: {
          redisUrl: config.REDIS_URL ?? null,
          ttlMs: {
            flights: config.CACHE_TTL_FLIGHTS_MS,
            controllers: config.CACHE_TTL_CONTROLLERS_MS,
            atis: config.CACHE_TTL_ATIS_MS,
          },
          staleAfterMs: config.FEED_STALE_AFTER_MS,
        },
        mailbox: { capacity: 64, kinds: { "cache.put": "drop_oldest" } },
      },
      {
        name: SERVICES.processor,
        module: here("./processor.ts"),
        permissions: permissions.processor,
        // Raw bodies are 2–4 MB: few of them in flight, and the fetcher waits rather than piling them up.
        prefetch: 1,
        mailbox: { capacity: 4, kinds: { "processor.snapshot": "backpressure" } },
      },
      {
        name: SERVICES.fetcher,
        module: here("./fetcher.ts"),
        permissions: permissions.fetcher,
        config: {
          feed: config.FEED,
          statusUrl: config.VATSIM_STATUS_URL,
          pollIntervalMs: config.POLL_INTERVAL_MS,
          breakerResetMs: config.FEED_BREAKER_RESET_MS,
        },
        mailbox: { capacity: 16 },
      },
      {
        name: SERVICES.monitor,
        module: here("./monitor.ts"),
        permissions: permissions.monitor,
        config: { sampleEveryMs: Math.min(config.POLL_INTERVAL_MS, 15_000) },
      },
    ],
  };
}

/**
 * The message kinds of the five collector services, declared once: the runtime validates every body
 * against these schemas and the handlers' types are inferred from them.
 */
import { z } from "zod";
import { defineProtocol } from "../runtime/protocol.ts";
import { snapshotChangesSchema } from "../db/network.ts";
import { DataQuerySchema } from "../db/queries.ts";
import { normalTimestamp } from "../feed/v3_schema.ts";
import { anomalySchema, MAX_ANOMALIES } from "../feed/anomalies.ts";
import { feedEventSchema } from "../feed/diff_events.ts";
import { DiffSeedSchema } from "../feed/diff_seed.ts";

/** The feed's `update_timestamp`, normalised to ISO with 6 fractional digits (feed/timestamp.ts). */
const FeedTimestamp = normalTimestamp;

/** Where and when a snapshot was fetched; travels with it from the fetcher to the store. */
export const FetchInfoSchema = z.object({
  /** "live:<url>" or "replay:<file name>". */
  source: z.string(),
  /** Wall-clock ms when the fetch completed. */
  fetchedAt: z.number(),
  /** How long the fetch took; null for replayed files. */
  fetchMs: z.number().nullable(),
  bytes: z.number().int().nonnegative(),
});
export type FetchInfo = z.infer<typeof FetchInfoSchema>;

export const SnapshotSummarySchema = z.object({
  updateTimestamp: FeedTimestamp,
  pilots: z.number().int(),
  controllers: z.number().int(),
  atis: z.number().int(),
  prefiles: z.number().int(),
  servers: z.number().int(),
  connectedClients: z.number().int(),
  uniqueUsers: z.number().int(),
});
export type SnapshotSummary = z.infer<typeof SnapshotSummarySchema>;

export const FetcherProtocol = defineProtocol({
  /** The fetcher's own timer: fetch the next snapshot. */
  "fetcher.poll": { body: z.object({}) },
});

export const ProcessorProtocol = defineProtocol({
  /** A raw feed body, moved (not copied) from the fetcher. */
  "processor.snapshot": {
    body: z.object({ fetch: FetchInfoSchema, raw: z.instanceof(ArrayBuffer) }),
  },
});

/** A record left out of its snapshot, with the reason (G3). */
export const RejectedRecordSchema = z.object({
  section: z.string(),
  reason: z.string(),
  raw: z.string(),
});

export const StoreProtocol = defineProtocol({
  "store.snapshot": {
    // The diff's columns (~170 KB at 1,925 pilots) cross the main thread as bytes (runtime/packed.ts).
    packed: true,
    body: z.object({
      fetch: FetchInfoSchema,
      summary: SnapshotSummarySchema,
      /** Bounded by the processor; `rejectedTotal` keeps the full count. */
      rejected: z.array(RejectedRecordSchema).max(100),
      rejectedTotal: z.number().int().nonnegative(),
      /** What looked wrong in the snapshot (feed/anomalies.ts), bounded; kept with it. */
      anomalies: z.array(anomalySchema).max(MAX_ANOMALIES),
      /** What the diff against the previous snapshot found; each list bounded (db/network.ts). */
      changes: snapshotChangesSchema,
    }),
  },
  /** A body that is not a v3 snapshot at all: kept with its reason and (capped) raw bytes. */
  "store.quarantine": {
    body: z.object({
      fetch: FetchInfoSchema,
      reason: z.string(),
      raw: z.instanceof(ArrayBuffer),
      updateTimestamp: FeedTimestamp.nullable(),
    }),
  },
  /**
   * A read for the data routes (db/queries.ts). The answer is the read's result, or why the database
   * could not give it: a failed read is an answer, not a crash of the store.
   */
  "store.query": {
    body: DataQuerySchema,
    reply: z.discriminatedUnion("ok", [
      z.object({ ok: z.literal(true), value: z.unknown() }),
      z.object({ ok: z.literal(false), error: z.string() }),
    ]),
  },
  /**
   * The diff state at the newest stored snapshot (db/diff_seed.ts), asked by a processor that starts:
   * null when nothing is stored yet; refused while snapshots wait in the spool, as the tables are behind.
   */
  "store.diffSeed": {
    body: z.object({}),
    reply: z.discriminatedUnion("ok", [
      z.object({ ok: z.literal(true), seed: DiffSeedSchema.nullable() }),
      z.object({ ok: z.literal(false), error: z.string() }),
    ]),
  },
  /**
   * Whether a snapshot of this `update_timestamp` is stored already: asked by the processor of a snapshot
   * behind its diff state, which is a resent one (a replay read again after a restart) when it is, and
   * may be the feed's clock set back when it is not. Refused while snapshots wait in the spool.
   */
  "store.holds": {
    body: z.object({ updateTimestamp: FeedTimestamp }),
    reply: z.discriminatedUnion("ok", [
      z.object({ ok: z.literal(true), stored: z.boolean() }),
      z.object({ ok: z.literal(false), error: z.string() }),
    ]),
  },
  /** The store's own timer: write what waits in the spool. */
  "store.drain": { body: z.object({}) },
  /** Time to read the hot views (db/hot_views.ts) again: sent to itself after snapshots were stored. */
  "store.publish": { body: z.object({}) },
  /** Readiness: answers once the database answers. */
  "store.ping": {
    body: z.object({}),
    reply: z.object({ kind: z.enum(["postgres", "pglite"]), latest: z.string().nullable() }),
  },
});

export const LatestSnapshotSchema = z.object({
  summary: SnapshotSummarySchema,
  fetch: FetchInfoSchema,
  /** Wall-clock ms when the cache received it. */
  receivedAt: z.number(),
});
export type LatestSnapshot = z.infer<typeof LatestSnapshotSchema>;

/** Whether the feed can be trusted as current (feed/staleness.ts), and if not, why. */
export const FeedVerdictSchema = z.discriminatedUnion("stale", [
  z.object({ stale: z.literal(false) }),
  z.object({ stale: z.literal(true), reason: z.string() }),
]);
export type FeedVerdict = z.infer<typeof FeedVerdictSchema>;

/** The serialised hot views (db/hot_views.ts), one JSON buffer per view. */
const HotViewsBodySchema = z.object({
  views: z.object({
    flights: z.instanceof(ArrayBuffer),
    controllers: z.instanceof(ArrayBuffer),
    atis: z.instanceof(ArrayBuffer),
  }),
});

export const CacheProtocol = defineProtocol({
  "cache.put": {
    body: z.object({
      summary: SnapshotSummarySchema,
      fetch: FetchInfoSchema,
    }),
  },
  /** The hot views as of a stored snapshot, from the store: kept, and handed to the front (moved). */
  "cache.views": { body: HotViewsBodySchema },
  /** The fetcher got a snapshot whose update_timestamp it had seen already (it goes no further). */
  /** A repeat the fetcher dropped; the cache times it on arrival, by a clock that never jumps. */
  "cache.seen": { body: z.object({ updateTimestamp: FeedTimestamp }) },
  /** The latest good snapshot: one that went back in time or whose pilot count collapsed is not. */
  "cache.latest": { body: z.object({}), reply: LatestSnapshotSchema.nullable() },
  /** The latest good snapshot and the staleness verdict, for /api/status. */
  "cache.status": {
    body: z.object({}),
    reply: z.object({
      latest: LatestSnapshotSchema.nullable(),
      /**
       * How long ago the latest was received, by a clock that never jumps (performance.now): the
       * wall-clock `receivedAt` is for showing, and a host clock set back or ahead would skew it.
       */
      latestAgeMs: z.number().nonnegative().nullable(),
      feed: FeedVerdictSchema,
      /** Where the cache keeps the records, and whether that works as configured. */
      store: z.object({
        backend: z.enum(["redis", "memory"]),
        degraded: z.boolean(),
        reason: z.string().nullable(),
      }),
    }),
  },
});

export const MonitorSampleSchema = z.object({
  at: z.number(),
  actors: z.array(z.object({
    name: z.string(),
    status: z.string(),
    restarts: z.number(),
    handled: z.number(),
    mailboxDepth: z.number(),
  })),
  deadLetters: z.number(),
  zombies: z.number(),
});
export type MonitorSample = z.infer<typeof MonitorSampleSchema>;

export const MonitorProtocol = defineProtocol({
  /** The monitor's own timer: take a sample. */
  "monitor.sample": { body: z.object({}) },
  /** The newest samples, oldest first (at most `limit`). */
  "monitor.history": {
    body: z.object({ limit: z.number().int().positive().max(1_000).default(60) }),
    reply: z.array(MonitorSampleSchema),
  },
});

/** The addresses of the services on the bus. */
/** The HTTP front, served on the main thread (actors/front_deps.ts): it answers hot reads from memory. */
/** Events of one snapshot the front gets for its live feed (/api/events/stream); the rest are counted. */
export const MAX_LIVE_EVENTS = 1_000;

export const FrontProtocol = defineProtocol({
  "front.views": { body: HotViewsBodySchema },
  /** A snapshot's typed events, from the processor, for /api/events/history and /stream. */
  "front.events": {
    body: z.object({
      events: z.array(feedEventSchema).max(MAX_LIVE_EVENTS),
      /** Events of the snapshot beyond MAX_LIVE_EVENTS, not sent. */
      dropped: z.number().int().nonnegative(),
    }),
  },
});

export const SERVICES = {
  fetcher: "fetcher",
  processor: "processor",
  store: "store",
  cache: "cache",
  monitor: "monitor",
  front: "front",
} as const;

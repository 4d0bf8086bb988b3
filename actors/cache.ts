/**
 * The cache: keeps the latest good snapshot summary for the front, in memory, and judges whether the
 * feed is stale (feed/staleness.ts) from the snapshots and from the repeats the fetcher reports, timed
 * on arrival by performance.now(): the host's clock may be set back or ahead meanwhile. It also
 * keeps the hot views the store reads after each stored snapshot (db/hot_views.ts) in Redis or memory,
 * and hands them to the front. One value per kind plus a fixed-size verdict state, so its size is fixed
 * (G4). A restart empties the summary until the next snapshot arrives.
 */
import { z } from "zod";
import type { Logger } from "@logtape/logtape";
import { defineActor } from "../runtime/actor.ts";
import type { ActorRef } from "../runtime/protocol.ts";
import { CacheProtocol, FrontProtocol, type LatestSnapshot, SERVICES } from "./protocol.ts";
import { openCacheStore, type ResilientStore } from "../cache/resilient_store.ts";
import { CACHE_KINDS } from "../cache/store.ts";
import {
  DEFAULT_STALENESS,
  initialStaleness,
  observeRepeat,
  observeSnapshot,
  type StalenessOptions,
  type StalenessState,
  verdict,
} from "../feed/staleness.ts";

const ConfigSchema = z.object({
  /** Unset: the records are kept in memory only. */
  redisUrl: z.string().nullable().default(null),
  /** How long each kind of record stays valid when no newer snapshot replaces it. */
  ttlMs: z.object({
    flights: z.number().int().positive().default(60_000),
    controllers: z.number().int().positive().default(60_000),
    atis: z.number().int().positive().default(60_000),
  }).default({ flights: 60_000, controllers: 60_000, atis: 60_000 }),
  /** The same update_timestamp seen for longer than this marks the feed stale. */
  staleAfterMs: z.number().int().positive().default(DEFAULT_STALENESS.sameTimestampMs),
});

interface State {
  latest: LatestSnapshot | null;
  /** When the latest arrived, by performance.now(). */
  latestAt: number | null;
  staleness: StalenessState;
  options: StalenessOptions;
  store: ResilientStore;
  front: ActorRef<typeof FrontProtocol>;
  /** Whether the store was degraded at the last look, to log changes once. */
  degraded: boolean;
}

export default defineActor({
  protocol: CacheProtocol,
  config: ConfigSchema,
  async start(ctx): Promise<State> {
    const store = await openCacheStore({ redisUrl: ctx.config.redisUrl ?? undefined });
    const options = { ...DEFAULT_STALENESS, sameTimestampMs: ctx.config.staleAfterMs };
    const front = ctx.ref(SERVICES.front, FrontProtocol);
    return {
      latest: null,
      latestAt: null,
      staleness: initialStaleness(),
      options,
      store,
      front,
      degraded: false,
    };
  },
  async handle(state, message, ctx) {
    switch (message.kind) {
      case "cache.put": {
        const { summary, fetch } = message.body;
        const at = performance.now();
        // An older snapshot (out of order, or the feed going back in time) or a collapsed one never wins.
        const { state: staleness, accepted } = observeSnapshot(state.staleness, {
          updateTimestamp: summary.updateTimestamp,
          pilots: summary.pilots,
          at,
        }, state.options);
        logChange(state.staleness, staleness, state.options, ctx.log);
        if (!accepted) return { ...state, staleness };
        return { ...state, latest: { summary, fetch, receivedAt: Date.now() }, latestAt: at, staleness };
      }
      case "cache.views": {
        const { views } = message.body;
        for (const kind of CACHE_KINDS) {
          await state.store.set(kind, "latest", new Uint8Array(views[kind]), ctx.config.ttlMs[kind]);
        }
        // The front gets a copy: the store above may still hold these very buffers (memory backend).
        state.front.tell("front.views", { views });
        const health = state.store.health();
        if (health.degraded !== state.degraded) {
          if (health.degraded) {
            ctx.metrics.count("cache_degraded_total");
            ctx.log.warn("cache degraded: {reason}", { reason: health.reason });
          } else ctx.log.info("cache store recovered ({backend})", { backend: health.backend });
        }
        return { ...state, degraded: health.degraded };
      }
      case "cache.seen": {
        const { updateTimestamp } = message.body;
        const staleness = observeRepeat(state.staleness, { updateTimestamp, at: performance.now() });
        logChange(state.staleness, staleness, state.options, ctx.log);
        return { ...state, staleness };
      }
      case "cache.latest":
        message.reply(state.latest);
        return state;
      case "cache.status":
        message.reply({
          latest: state.latest,
          latestAgeMs: state.latestAt === null ? null : Math.max(0, performance.now() - state.latestAt),
          feed: verdict(state.staleness, state.options),
          store: state.store.health(),
        });
        return state;
    }
  },
  async stop(state) {
    await state.store.close();
  },
});

/** Logs when the verdict turns stale, changes reason, or turns fresh again; not on every message. */
function logChange(
  before: StalenessState,
  after: StalenessState,
  options: StalenessOptions,
  log: Logger,
): void {
  const was = verdict(before, options);
  const now = verdict(after, options);
  // Compared by their first word: the seconds in "same update_timestamp for N s" grow with each repeat.
  if (now.stale && (!was.stale || was.reason.split(" ")[0] !== now.reason.split(" ")[0])) {
    log.warn("feed is stale: {reason}", { reason: now.reason });
  } else if (!now.stale && was.stale) {
    log.info("feed is fresh again");
  }
}

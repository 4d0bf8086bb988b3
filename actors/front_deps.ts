/**
 * What the HTTP front sees of the running collector: the supervision view of the actor system, and the
 * status and readiness answers built from the bus's metrics and asks to the cache and the store.
 */
import {
  AtcPositionsSchema,
  AtisListSchema,
  type DataQueries,
  type DataQuery,
  FlightDetailSchema,
  FlightPageSchema,
  SessionPageSchema,
  TrackResultSchema,
} from "../db/queries.ts";
import type { FrontDeps, StatusReport } from "../routes/deps.ts";
import { AnomalyPageSchema } from "../db/anomalies.ts";
import {
  ArrivalForecastSchema,
  AtcCoverageSchema,
  MovementPageSchema,
  TrafficSummarySchema,
  TrafficTrendsSchema,
} from "../db/traffic_schemas.ts";
import { HttpError } from "../routes/errors.ts";
import { describeError } from "../runtime/errors.ts";
import type { ActorSystem } from "../supervision/system.ts";
import { feedTimestampMs } from "../feed/timestamp.ts";
import { CACHE_KINDS } from "../cache/store.ts";
import { HotViews, type HotViewSource } from "../routes/hot_views.ts";
import { ErrorJournal } from "../routes/journal.ts";
import { EventFeed } from "../routes/event_feed.ts";
import {
  CacheProtocol,
  type FeedVerdict,
  FrontProtocol,
  type LatestSnapshot,
  SERVICES,
  StoreProtocol,
} from "./protocol.ts";

export interface CollectorFrontOptions {
  version: string;
  startedAt: number;
  controlToken: string | null;
  faultInjection: boolean;
  /** How the feed is described in /api/status ("live", "replay:<folder>"). */
  feedSource: string;
  /** No new snapshot for this long → the feed is stale (the cache judges the other kinds of staleness). */
  staleAfterMs: number;
  /** Deadline of each ask the front makes to an actor. */
  askTimeoutMs?: number;
  /** Deadline of a data read through the store (default 10 s). */
  queryTimeoutMs?: number;
  /** The hot views the front holds (serveFront). */
  hot: HotViewSource;
  /** The live event feed (serveFront); empty if not given. */
  events?: EventFeed;
  readToken?: string | null;
  corsOrigins?: readonly string[];
  /** What went wrong and how it recovered (watchErrors); empty if not given. */
  journal?: ErrorJournal;
}

/** Feeds an error journal from the system: dead letters as they come, health and metrics once a second. */
export function watchErrors(
  system: ActorSystem,
  journal = new ErrorJournal(),
): { journal: ErrorJournal; stop(): void } {
  const unsubscribe = system.bus.deadLetters.onDeadLetter((letter) => journal.deadLetter(letter));
  const look = () => journal.observe(system.health(), system.bus.metrics);
  look();
  const timer = setInterval(look, 1_000);
  return {
    journal,
    stop() {
      clearInterval(timer);
      unsubscribe();
    },
  };
}

/**
 * Puts the front on the bus as the `front` service, which takes the hot views the cache hands over
 * (routes/hot_views.ts) and the typed events the processor sends (routes/event_feed.ts). Once per
 * system, before it starts, so the first messages find it.
 */
export function serveFront(system: ActorSystem): { hot: HotViews; events: EventFeed } {
  const hot = new HotViews(system.bus.metrics);
  const events = new EventFeed();
  system.bus.serve(SERVICES.front, FrontProtocol, async (message) => {
    if (message.kind === "front.events") return events.add(message.body.events, message.body.dropped);
    for (const kind of CACHE_KINDS) await hot.put(kind, new Uint8Array(message.body.views[kind]));
  });
  return { hot, events };
}

export function collectorFrontDeps(system: ActorSystem, options: CollectorFrontOptions): FrontDeps {
  const cache = system.ref(SERVICES.cache, CacheProtocol);
  const store = system.ref(SERVICES.store, StoreProtocol);
  const timeoutMs = options.askTimeoutMs ?? 1_000;
  // Quiet time is measured by performance.now(), never by differences of Date.now(): a host clock set
  // back would hide a feed that stopped, one set ahead would flag a feed that runs.
  const createdAt = performance.now();
  const metric = (name: string, labels: Record<string, string> = {}) => system.bus.metrics.get(name, labels);

  return {
    version: options.version,
    startedAt: options.startedAt,
    controlToken: options.controlToken,
    faultInjection: options.faultInjection,
    data: storeDataQueries(system, options.queryTimeoutMs ?? 10_000),
    hot: options.hot,
    events: options.events ?? new EventFeed(),
    tracer: system.tracer ?? undefined,
    readToken: options.readToken ?? null,
    corsOrigins: options.corsOrigins ?? [],
    journal: options.journal ?? new ErrorJournal(),
    deadLetters: system.bus.deadLetters,
    metrics: system.bus.metrics,
    supervision: {
      health: () => system.health(),
      tree: () => system.tree(),
      control: (name, action) => system.control(name, action),
      fault: (name, kind) => system.fault(name, kind),
      resetBreaker: (name, breaker) => system.resetBreaker(name, breaker),
    },
    async status(): Promise<Omit<StatusReport, "version" | "uptimeSeconds">> {
      const degraded: string[] = [];
      let latest: LatestSnapshot | null = null;
      let latestAgeMs: number | null = null;
      let verdict: FeedVerdict = { stale: false };
      try {
        const status = await cache.ask("cache.status", {}, { timeoutMs });
        ({ latest, latestAgeMs, feed: verdict } = status);
        if (status.store.degraded) degraded.push(`cache: ${status.store.reason ?? "degraded"}`);
      } catch (error) {
        degraded.push(`cache: ${describeError(error)}`);
      }
      for (const actor of system.health()) {
        if (actor.status !== "running") degraded.push(`${actor.name}: ${actor.status}`);
        for (const breaker of actor.breakers) {
          if (breaker.state !== "closed") {
            degraded.push(`${actor.name}: breaker ${breaker.name} ${breaker.state}`);
          }
        }
      }
      const spooled = metric("spool_files");
      if (spooled > 0) degraded.push(`store: ${spooled} messages spooled until the database takes them`);
      const now = Date.now();
      const summary = latest?.summary ?? null;
      const quietMs = latestAgeMs ?? performance.now() - createdAt;
      if (!verdict.stale && quietMs > options.staleAfterMs) {
        verdict = { stale: true, reason: `no new snapshot for ${Math.round(quietMs / 1000)} s` };
      }
      if (verdict.stale) degraded.push(`feed: stale (${verdict.reason})`);
      return {
        feed: {
          source: options.feedSource,
          lastUpdateTimestamp: summary?.updateTimestamp ?? null,
          dataAgeSeconds: summary
            ? Math.max(0, (now - feedTimestampMs(summary.updateTimestamp)) / 1000)
            : null,
          stale: verdict.stale,
        },
        counts: {
          pilots: summary?.pilots ?? 0,
          controllers: summary?.controllers ?? 0,
          atis: summary?.atis ?? 0,
          prefiles: summary?.prefiles ?? 0,
        },
        snapshots: {
          fetched: metric("snapshots_fetched_total"),
          stored: metric("snapshots_stored_total"),
          duplicates: metric("snapshots_duplicate_total"),
          quarantined: metric("snapshots_quarantined_total"),
        },
        degraded,
      };
    },
    async ready() {
      const reasons = system.health()
        .filter((actor) => actor.status !== "running")
        .map((actor) => `${actor.name} is ${actor.status}`);
      try {
        await store.ask("store.ping", {}, { timeoutMs });
      } catch (error) {
        reasons.push(`store does not answer: ${describeError(error)}`);
      }
      return { ready: reasons.length === 0, reasons };
    },
  };
}

/**
 * The data reads as asks to the store, which owns the database (PGlite allows one owner). Each answer is
 * checked against its schema; a read the store could not run is a 503 that says why.
 */
function storeDataQueries(system: ActorSystem, timeoutMs: number): DataQueries {
  const store = system.ref(SERVICES.store, StoreProtocol);
  async function read<T>(query: DataQuery, schema: { parse(value: unknown): T }): Promise<T> {
    const answer = await store.ask("store.query", query, { timeoutMs });
    if (!answer.ok) {
      throw new HttpError(503, "database_unavailable", `the store could not read: ${answer.error}`);
    }
    return schema.parse(answer.value);
  }
  const nullable = <T>(schema: { parse(value: unknown): T }) => ({
    parse: (value: unknown) => value === null ? null : schema.parse(value),
  });
  return {
    flights: (filter) => read({ name: "flights", filter }, FlightPageSchema),
    flight: (callsign) => read({ name: "flight", callsign }, nullable(FlightDetailSchema)),
    track: (filter) => read({ name: "track", filter }, nullable(TrackResultSchema)),
    atcPositions: (filter) => read({ name: "atcPositions", filter }, AtcPositionsSchema),
    controllerSessions: (filter) => read({ name: "controllerSessions", filter }, SessionPageSchema),
    atis: (filter) => read({ name: "atis", filter }, AtisListSchema),
    anomalies: (filter) => read({ name: "anomalies", filter }, AnomalyPageSchema),
    movements: (filter) => read({ name: "movements", filter }, MovementPageSchema),
    trafficSummary: (filter) => read({ name: "trafficSummary", filter }, TrafficSummarySchema),
    trafficTrends: (filter) => read({ name: "trafficTrends", filter }, TrafficTrendsSchema),
    arrivalForecast: (filter) => read({ name: "arrivalForecast", filter }, ArrivalForecastSchema),
    atcCoverage: (filter) => read({ name: "atcCoverage", filter }, AtcCoverageSchema),
  };
}

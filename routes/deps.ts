/**
 * What the HTTP front needs from the rest of the program. createApp(deps) receives these, so route tests
 * pass fakes and main.ts passes the live actor system: the front never reaches into actors directly.
 */
import { z } from "zod";
import type { DataQueries } from "../db/queries.ts";
import type { ActorHealth } from "../runtime/actor_process.ts";
import type { MetricsRegistry } from "../runtime/metrics.ts";
import type { DeadLetters } from "../runtime/dead_letters.ts";
import type { HotViewSource } from "./hot_views.ts";
import type { Tracer } from "../runtime/span.ts";
import type { ErrorJournal } from "./journal.ts";
import type { EventFeed } from "./event_feed.ts";
import type { ChildStatus, TreeNode } from "../supervision/child.ts";
import type { ControlAction } from "../supervision/supervisor.ts";

export const StatusReportSchema = z.object({
  version: z.string(),
  uptimeSeconds: z.number(),
  feed: z.object({
    /** "live", "replay:<folder>", ... */
    source: z.string(),
    /** The feed's own update_timestamp of the newest snapshot (ISO), null before the first one. */
    lastUpdateTimestamp: z.string().nullable(),
    /** Seconds between now and lastUpdateTimestamp. */
    dataAgeSeconds: z.number().nullable(),
    stale: z.boolean(),
  }),
  counts: z.object({ pilots: z.number(), controllers: z.number(), atis: z.number(), prefiles: z.number() }),
  snapshots: z.object({
    fetched: z.number(),
    stored: z.number(),
    duplicates: z.number(),
    quarantined: z.number(),
  }),
  /** Parts that work in a reduced way or not at all, e.g. "cache", "store: breaker open". */
  degraded: z.array(z.string()),
});
export type StatusReport = z.infer<typeof StatusReportSchema>;

export type FaultKind = "throw" | "hang" | "exit";

export interface SupervisionView {
  /** Every actor, in tree order. */
  health(): ActorHealth[];
  tree(): TreeNode;
  /** Rejects with ControlError("not_found" | "conflict") from supervision/supervisor.ts. */
  control(name: string, action: ControlAction): Promise<ChildStatus>;
  /** Sends a `$fault` to the actor; throws ControlError("not_found") for an unknown actor. */
  fault(name: string, kind: FaultKind): void;
  /** Closes one of the actor's breakers; throws ControlError("not_found") for an unknown actor. */
  resetBreaker(name: string, breaker: string): void;
}

export interface FrontDeps {
  version: string;
  /** Wall-clock ms when the process started. */
  startedAt: number;
  /** Bearer token for control routes; null disables them (they answer 403). */
  controlToken: string | null;
  /** FAULT_INJECTION=true: the fault route exists; otherwise it is not routed at all (404). */
  faultInjection: boolean;
  supervision: SupervisionView;
  /** Everything of /api/status except version and uptime, which the front adds. */
  status(): Promise<Omit<StatusReport, "version" | "uptimeSeconds">>;
  /** Ready when every permanent actor runs and the store answers; reasons say what is not. */
  ready(): Promise<{ ready: boolean; reasons: string[] }>;
  /** The stored network, for the data routes (routes/data.ts). */
  data: DataQueries;
  /** `READ_TOKEN`: with it, the API and /metrics need a bearer token (routes/guard.ts). */
  readToken: string | null;
  /** `CORS_ORIGINS`: the origins a browser may call the API from; empty: none but the front's own. */
  corsOrigins: readonly string[];
  /** The typed events as they happen (routes/event_feed.ts). */
  events: Pick<EventFeed, "history" | "subscribe">;
  /** The bus's dead letters (bounded), for /api/events/dead-letters. */
  deadLetters: Pick<DeadLetters, "recent" | "counts" | "total">;
  /** What went wrong and how it recovered (routes/journal.ts). */
  journal: Pick<ErrorJournal, "since" | "recoveries">;
  /** Starts a span per HTTP request; absent when tracing is off. */
  tracer?: Tracer;
  /** The hot views the front holds (routes/hot_views.ts); the data routes answer from them first. */
  hot: HotViewSource;
  /** The bus's metrics: read by /metrics, and the front adds its HTTP request series to it. */
  metrics: MetricsRegistry;
}

/**
 * Every route the front serves, declared with the zod schemas the routes themselves check their input
 * and output with. routes/openapi.ts turns this list into `/openapi.json`; a test compares it with the
 * routes the app really has, so a route cannot be added without being described.
 */
import { z } from "zod";
import { AnomalyPageSchema } from "../db/anomalies.ts";
import {
  AtcPositionsSchema,
  AtisListSchema,
  FlightDetailSchema,
  FlightPageSchema,
  SessionPageSchema,
  TrackResultSchema,
} from "../db/queries.ts";
import { DATA_QUERIES } from "./data.ts";
import { StatusReportSchema } from "./deps.ts";
import { ErrorBodySchema } from "./errors.ts";
import { METRIC_CATEGORIES, MetricsJsonSchema } from "./metrics_json.ts";
import { DEAD_LETTER_QUERY, DeadLetterListSchema, EventAnalyticsSchema } from "./event_analytics.ts";
import { EVENT_HISTORY_QUERY, EVENT_STREAM_QUERY, EventHistorySchema } from "./event_stream.ts";
import {
  BreakerListSchema,
  ERROR_HISTORY_QUERY,
  ErrorAnalyticsSchema,
  ErrorHistorySchema,
  ErrorTrendsSchema,
  RecoveryListSchema,
} from "./error_analytics.ts";
import { ReadinessSchema } from "./health.ts";
import { ActorNameSchema } from "./params.ts";
import { ChildStatusSchema, ServiceHealthSchema } from "./services.ts";
import {
  BreakerResetResultSchema,
  ControlActionSchema,
  ControlResultSchema,
  FaultRequestSchema,
} from "./supervision.ts";
import { TRAFFIC_ROUTE_DOCS } from "./traffic_docs.ts";

/** One answer: JSON checked by `schema` (named `id` in the document), or another media type. */
export type AnswerDoc =
  | { description: string; schema: z.ZodType; id: string }
  | { description: string; mediaType: string };

export interface RouteDoc {
  method: "get" | "post";
  /** OpenAPI form: `/api/flights/{callsign}`. */
  path: string;
  summary: string;
  tag: "health" | "data" | "traffic" | "errors" | "events" | "supervision" | "metrics" | "docs";
  /** Each with an example (`.meta({ examples })`), which the fault suite fills the path with. */
  pathParams?: Record<string, z.ZodType>;
  /** The query parameters, all optional: exactly the shapes the route parses. */
  query?: Record<string, z.ZodType>;
  body?: z.ZodType;
  /** Behind the control token (`Authorization: Bearer`). */
  control?: boolean;
  /** Served only when `FAULT_INJECTION` is on. */
  faultInjectionOnly?: boolean;
  /** By status code; the error answers are added from the route's kind (see `errorsOf`). */
  answers: Record<number, AnswerDoc>;
}

/** The supervisor tree as `/api/supervision/tree` shows it (supervision/child.ts `TreeNode`). */
export const TreeNodeSchema: z.ZodType = z.object({
  name: z.string(),
  type: z.enum(["actor", "supervisor"]),
  status: ChildStatusSchema,
  restart: z.enum(["permanent", "transient", "temporary"]),
  restarts: z.number(),
  strategy: z.string().optional(),
  intensity: z.object({ max: z.number(), periodMs: z.number(), recent: z.number() }).optional(),
  get children() {
    return z.array(TreeNodeSchema).optional();
  },
});

const ServiceHealthListSchema = z.array(ServiceHealthSchema);
const FaultAcceptedSchema = z.object({ name: z.string(), fault: FaultRequestSchema.shape.kind });
const json = (description: string, schema: z.ZodType, id: string): AnswerDoc => ({ description, schema, id });
const callsign = { callsign: z.string().meta({ description: "a callsign, any case", examples: ["BAW123"] }) };
const name = {
  name: ActorNameSchema.meta({ description: "an actor or supervisor name", examples: ["fetcher"] }),
};

const controlRoutes: RouteDoc[] = ControlActionSchema.options.map((action) => ({
  method: "post",
  path: `/api/supervision/actors/{name}/${action}`,
  summary: `${action[0].toUpperCase()}${action.slice(1)}s an actor or supervisor; answers once done`,
  tag: "supervision",
  pathParams: name,
  control: true,
  answers: { 200: json("the child's status after the action", ControlResultSchema, "ControlResult") },
}));

export const ROUTE_DOCS: RouteDoc[] = [
  {
    method: "get",
    path: "/",
    summary: "The live supervision page (HTML): the tree, restarts, mailboxes, breakers, feed age",
    tag: "supervision",
    answers: { 200: { description: "the page", mediaType: "text/html" } },
  },
  {
    method: "get",
    path: "/health/live",
    summary: "Liveness: the event loop answers",
    tag: "health",
    answers: { 200: json("alive", z.object({ status: z.literal("ok") }), "Liveness") },
  },
  {
    method: "get",
    path: "/health/ready",
    summary: "Readiness: every actor running and the store answering",
    tag: "health",
    answers: {
      200: json("ready", ReadinessSchema, "Readiness"),
      503: json("not ready, with the reasons", ReadinessSchema, "Readiness"),
    },
  },
  {
    method: "get",
    path: "/api/status",
    summary: "The collector at a glance: version, uptime, feed age, last snapshot, counts, degraded parts",
    tag: "health",
    answers: { 200: json("the status", StatusReportSchema, "StatusReport") },
  },
  {
    method: "get",
    path: "/api/services/health",
    summary: "Every actor's health",
    tag: "health",
    answers: { 200: json("one entry per actor", ServiceHealthListSchema, "ServiceHealthList") },
  },
  {
    method: "get",
    path: "/api/services/{name}/health",
    summary: "One actor's health",
    tag: "health",
    pathParams: name,
    answers: { 200: json("the actor's health", ServiceHealthSchema, "ServiceHealth") },
  },
  {
    method: "get",
    path: "/metrics",
    summary: "Prometheus metrics (text exposition format)",
    tag: "metrics",
    answers: { 200: { description: "the metrics", mediaType: "text/plain; version=0.0.4" } },
  },
  {
    method: "get",
    path: "/api/flights",
    summary: "Flights of the newest snapshot, or of the one in force at `at`",
    tag: "data",
    query: DATA_QUERIES.flights,
    answers: { 200: json("one page of flights", FlightPageSchema, "FlightPage") },
  },
  {
    method: "get",
    path: "/api/flights/{callsign}",
    summary: "The newest session of a callsign with its latest flight plan",
    tag: "data",
    pathParams: callsign,
    answers: { 200: json("the flight", FlightDetailSchema, "FlightDetail") },
  },
  {
    method: "get",
    path: "/api/flights/{callsign}/track",
    summary: "A flight's positions in time order, reconnects joined",
    tag: "data",
    pathParams: callsign,
    query: DATA_QUERIES.track,
    answers: { 200: json("the track", TrackResultSchema, "Track") },
  },
  {
    method: "get",
    path: "/api/atc-positions",
    summary: "Controllers on air at the newest snapshot or at `at`",
    tag: "data",
    query: DATA_QUERIES.atcPositions,
    answers: { 200: json("the controllers", AtcPositionsSchema, "AtcPositions") },
  },
  {
    method: "get",
    path: "/api/controllers/sessions",
    summary: "Controller and ATIS sessions: logon, logoff, frequency",
    tag: "data",
    query: DATA_QUERIES.sessions,
    answers: { 200: json("one page of sessions", SessionPageSchema, "SessionPage") },
  },
  {
    method: "get",
    path: "/api/atis",
    summary: "ATIS stations on air with their text",
    tag: "data",
    query: DATA_QUERIES.atis,
    answers: { 200: json("the ATIS stations", AtisListSchema, "AtisList") },
  },
  {
    method: "get",
    path: "/api/anomalies",
    summary: "Implausible values, teleports and duplicate callsigns, newest first",
    tag: "data",
    query: DATA_QUERIES.anomalies,
    answers: { 200: json("one page of anomalies", AnomalyPageSchema, "AnomalyPage") },
  },
  ...TRAFFIC_ROUTE_DOCS,
  {
    method: "get",
    path: "/api/supervision/tree",
    summary: "The supervision tree with each child's status and restarts",
    tag: "supervision",
    answers: { 200: json("the root supervisor", TreeNodeSchema, "TreeNode") },
  },
  {
    method: "get",
    path: "/api/supervision/stream",
    summary: "Server-Sent Events: the actors' health and the feed's age, sent when they change",
    tag: "supervision",
    answers: {
      200: { description: "an event stream", mediaType: "text/event-stream" },
      503: json("too many streams open, or the process is stopping", ErrorBodySchema, "Error"),
    },
  },
  {
    method: "get",
    path: "/api/errors",
    summary: "What went wrong in the last 24 h, newest first: class, actor, message, how many",
    tag: "errors",
    query: ERROR_HISTORY_QUERY,
    answers: { 200: json("the errors", ErrorHistorySchema, "ErrorHistory") },
  },
  {
    method: "get",
    path: "/api/errors/analytics",
    summary: "Errors by class and by actor over the last hour and the last day",
    tag: "errors",
    answers: { 200: json("the counts", ErrorAnalyticsSchema, "ErrorAnalytics") },
  },
  {
    method: "get",
    path: "/api/errors/trends",
    summary: "Errors per hour over the last 24 h, by class",
    tag: "errors",
    answers: { 200: json("one entry per hour", ErrorTrendsSchema, "ErrorTrends") },
  },
  {
    method: "get",
    path: "/api/errors/circuit-breakers",
    summary: "Every circuit breaker now: state, failures, opens, next trial",
    tag: "errors",
    answers: { 200: json("the breakers", BreakerListSchema, "BreakerList") },
  },
  {
    method: "get",
    path: "/api/errors/recovery",
    summary: "Restarts, breaker outages and spool replays, with how long each took to recover",
    tag: "errors",
    answers: { 200: json("the recoveries, newest first", RecoveryListSchema, "RecoveryList") },
  },
  {
    method: "get",
    path: "/api/events/analytics",
    summary: "Typed events per type with their rate, and each actor's handling time per message kind",
    tag: "events",
    answers: { 200: json("the counts and times", EventAnalyticsSchema, "EventAnalytics") },
  },
  {
    method: "get",
    path: "/api/events/dead-letters",
    summary: "Messages that could not be delivered or handled: counts by reason and the newest",
    tag: "events",
    query: DEAD_LETTER_QUERY,
    answers: { 200: json("the dead letters, newest first", DeadLetterListSchema, "DeadLetterList") },
  },
  {
    method: "get",
    path: "/api/events/history",
    summary: "The newest typed events the front keeps (10,000), newest first",
    tag: "events",
    query: EVENT_HISTORY_QUERY,
    answers: { 200: json("the events", EventHistorySchema, "EventHistory") },
  },
  {
    method: "get",
    path: "/api/events/stream",
    summary: "Server-Sent Events: one `feed-event` per typed event as snapshots are processed",
    tag: "events",
    query: EVENT_STREAM_QUERY,
    answers: {
      200: { description: "an event stream", mediaType: "text/event-stream" },
      503: json("too many streams open, or the process is stopping", ErrorBodySchema, "Error"),
    },
  },
  ...METRIC_CATEGORIES.map((category): RouteDoc => ({
    method: "get",
    path: `/api/metrics/${category}`,
    summary: `The ${category} series of /metrics as JSON (histograms with count, mean, p50 / p99 bounds)`,
    tag: "metrics",
    answers: { 200: json("the series", MetricsJsonSchema, "MetricsJson") },
  })),
  ...controlRoutes,
  {
    method: "post",
    path: "/api/supervision/actors/{name}/breakers/{breaker}/reset",
    summary: "Closes one of an actor's circuit breakers by hand (after the message it is handling)",
    tag: "supervision",
    pathParams: {
      name: ActorNameSchema.meta({ description: "an actor name", examples: ["store"] }),
      breaker: ActorNameSchema.meta({
        description: "a breaker the actor reports in its health",
        examples: ["database"],
      }),
    },
    control: true,
    answers: {
      202: json("the reset was sent", BreakerResetResultSchema, "BreakerResetResult"),
      404: json("no such actor, or it has no such breaker", ErrorBodySchema, "Error"),
    },
  },
  {
    method: "post",
    path: "/api/supervision/actors/{name}/fault",
    summary: "Injects a fault (throw, hang, exit) into an actor, for drills",
    tag: "supervision",
    pathParams: name,
    body: FaultRequestSchema,
    control: true,
    faultInjectionOnly: true,
    answers: { 202: json("the fault was sent", FaultAcceptedSchema, "FaultAccepted") },
  },
  {
    method: "get",
    path: "/openapi.json",
    summary: "This document",
    tag: "docs",
    answers: { 200: { description: "OpenAPI 3.1", mediaType: "application/json" } },
  },
  {
    method: "get",
    path: "/docs",
    summary: "This document as a page",
    tag: "docs",
    answers: { 200: { description: "the routes, readable", mediaType: "text/html" } },
  },
];

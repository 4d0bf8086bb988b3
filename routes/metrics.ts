/**
 * `GET /metrics`: everything the collector counts, in the Prometheus text format. The actors' own
 * counters, gauges and histograms (kept by the bus, runtime/metrics.ts) get the `collector_` prefix and
 * a help text; the supervision tree's state (status, restarts, mailboxes, heartbeats, breakers), the
 * feed's data age and the process's memory are read at scrape time. Units are base units: seconds, bytes.
 */
import { Hono } from "hono";
import type { MetricsRegistry, Series } from "../runtime/metrics.ts";
import type { ChildStatus } from "../supervision/child.ts";
import { type MetricFamily, PROMETHEUS_CONTENT_TYPE, renderPrometheus } from "../runtime/prometheus.ts";
import type { FrontDeps } from "./deps.ts";
import { withDeadline } from "./timeout.ts";

export const PREFIX = "collector_";

/** Help texts of the metrics the collector's actors and front report (by name before the prefix). */
const HELP: Record<string, string> = {
  snapshots_fetched_total: "Feed bodies fetched (live or replayed), repeats included.",
  snapshots_duplicate_total: "Snapshots dropped as repeats, by the stage that recognised them.",
  snapshots_processed_total: "Snapshots parsed, validated and diffed by the processor.",
  snapshots_rejected_total: "Bodies that were not a v3 snapshot, sent to the quarantine whole.",
  snapshots_stored_total: "Snapshots committed to the database.",
  snapshots_quarantined_total: "Whole bodies written to the quarantine table.",
  snapshot_processing_seconds: "Time the processor took to parse, validate and diff one snapshot.",
  database_write_seconds: "Time the store took to write one snapshot in its transaction.",
  feed_fetch_seconds: "Time one live feed request took, retries included.",
  feed_fetch_errors_total: "Polls of the feed that failed after their retries (or met an open breaker).",
  feed_fetch_retries_total: "Feed requests retried after a 5xx, 429, timeout or network error.",
  records_rejected_total: "Feed records that failed validation and were quarantined alone.",
  records_flagged_total: "Feed records kept but flagged as implausible, by flag.",
  changes_dropped_total: "Diff rows left out because one snapshot exceeded the per-kind bound.",
  diff_seed_failures_total:
    "Processor starts that got no diff state from the store and diffed their first snapshot afresh.",
  events_total: "Typed events (sessions, plans, controllers, ATIS) the diff produced, by type.",
  events_expired_total: "Stored events deleted by the event retention.",
  position_partitions_dropped_total: "Daily position partitions dropped by the position retention.",
  retention_last_run_timestamp_seconds: "When the store last ran its daily upkeep (partitions, retention).",
  store_write_failures_total: "Database writes that failed (retried from the spool unless refused).",
  store_query_failures_total: "Reads for the data routes that failed, by query.",
  spool_files: "Messages waiting in the store's disk spool.",
  spool_bytes: "Bytes of the messages waiting in the store's disk spool.",
  spool_spooled_total: "Messages that had to wait in the spool (the database could not take them).",
  spool_replayed_total: "Spooled messages written once the database was back.",
  spool_dropped_total: "Spooled messages dropped: spool full, unreadable, poison, or refused.",
  messages_handled_total: "Messages handled by each actor, by kind.",
  messages_failed_total: "Messages an actor could not handle (e.g. its breaker was open), by kind.",
  message_handle_seconds: "Time an actor's handler took for one message, by kind.",
  http_requests_total: "HTTP requests answered, by method, route and status.",
  spans_exported_total: "Spans sent to the OpenTelemetry exporter.",
  spans_dropped_total: "Spans not exported, by reason (batch_full, queue_full, export_failed, shutdown).",
  cache_hits_total: "Parameterless reads answered from the front's hot views, by view.",
  cache_misses_total: "Parameterless reads that found no hot view and went to the database, by view.",
  http_request_duration_seconds: "Time to answer an HTTP request, by method and route.",
};

const STATUSES: readonly ChildStatus[] = ["starting", "running", "restarting", "stopped", "failed"];
const BREAKER_STATES = { closed: 0, "half-open": 1, open: 2 } as const;

/** The metrics route, mounted at `/metrics`. */
export function metricsRoutes(
  deps: Pick<FrontDeps, "metrics" | "supervision" | "status">,
  options: { statusTimeoutMs: number },
): Hono {
  const app = new Hono();
  app.get("/", async (c) => {
    const families = await metricFamilies(deps, options.statusTimeoutMs);
    return c.body(renderPrometheus(families), 200, { "Content-Type": PROMETHEUS_CONTENT_TYPE });
  });
  return app;
}

/** Everything /metrics shows, as families; routes/metrics_json.ts shows the same as JSON. */
export async function metricFamilies(
  deps: Pick<FrontDeps, "metrics" | "supervision" | "status">,
  statusTimeoutMs: number,
): Promise<MetricFamily[]> {
  return [
    ...registryFamilies(deps.metrics),
    ...supervisionFamilies(deps),
    ...await feedFamilies(deps, statusTimeoutMs),
    ...processFamilies(deps.metrics),
  ];
}

/** The bus's series grouped into families, in name order. */
function registryFamilies(registry: MetricsRegistry): MetricFamily[] {
  const byName = new Map<string, Series[]>();
  for (const series of registry.snapshot()) {
    const list = byName.get(series.name) ?? [];
    list.push(series);
    byName.set(series.name, list);
  }
  return [...byName].sort(([a], [b]) => a.localeCompare(b)).map(([name, list]) => ({
    name: PREFIX + name,
    help: HELP[name] ?? `${name.replaceAll("_", " ")}, as reported by the actors.`,
    type: list[0].type,
    samples: list.filter((s) => s.type === list[0].type).map((s) =>
      s.type === "histogram"
        ? { labels: s.labels, histogram: s.histogram }
        : { labels: s.labels, value: s.value }
    ),
  }));
}

function supervisionFamilies(deps: Pick<FrontDeps, "supervision">): MetricFamily[] {
  const actors = deps.supervision.health();
  const breakers = actors.flatMap((a) => a.breakers.map((b) => ({ actor: a.name, ...b })));
  const family = (
    name: string,
    type: MetricFamily["type"],
    help: string,
    samples: MetricFamily["samples"],
  ) => ({
    name: PREFIX + name,
    type,
    help,
    samples,
  });
  return [
    family(
      "actor_status",
      "gauge",
      "1 for the state each actor is in, 0 for the others.",
      actors.flatMap((a) =>
        STATUSES.map((status) => ({ labels: { actor: a.name, status }, value: +(a.status === status) }))
      ),
    ),
    family(
      "actor_restarts_total",
      "counter",
      "Restarts of each actor by its supervisor, manual ones included.",
      actors.map((a) => ({ labels: { actor: a.name }, value: a.restarts })),
    ),
    family(
      "actor_mailbox_depth",
      "gauge",
      "Messages waiting in each actor's mailbox.",
      actors.map((a) => ({ labels: { actor: a.name }, value: a.mailbox.depth })),
    ),
    family(
      "actor_mailbox_capacity",
      "gauge",
      "Messages each actor's mailbox holds at most.",
      actors.map((a) => ({ labels: { actor: a.name }, value: a.mailbox.capacity })),
    ),
    family(
      "actor_heartbeat_age_seconds",
      "gauge",
      "Time since each running actor last answered a heartbeat.",
      actors.flatMap((a) =>
        a.heartbeatAgeMs === null ? [] : [{ labels: { actor: a.name }, value: a.heartbeatAgeMs / 1000 }]
      ),
    ),
    family(
      "breaker_state",
      "gauge",
      "Each circuit breaker's state: 0 closed, 1 half-open, 2 open.",
      breakers.map((b) => ({ labels: { actor: b.actor, breaker: b.name }, value: BREAKER_STATES[b.state] })),
    ),
    family(
      "breaker_failures",
      "gauge",
      "Consecutive failures each circuit breaker has counted.",
      breakers.map((b) => ({ labels: { actor: b.actor, breaker: b.name }, value: b.failures })),
    ),
    family(
      "breaker_opens_total",
      "counter",
      "Times each circuit breaker has opened.",
      breakers.map((b) => ({ labels: { actor: b.actor, breaker: b.name }, value: b.opens })),
    ),
  ];
}

/** The feed's data age and staleness; left out when the status cannot be had in time. */
async function feedFamilies(deps: Pick<FrontDeps, "status">, timeoutMs: number): Promise<MetricFamily[]> {
  let status;
  try {
    status = await withDeadline(() => deps.status(), timeoutMs, "status");
  } catch {
    return [];
  }
  const families: MetricFamily[] = [{
    name: PREFIX + "feed_stale",
    type: "gauge",
    help: "1 while the feed is judged stale (stuck, going backwards or collapsed), else 0.",
    samples: [{ labels: {}, value: +status.feed.stale }],
  }];
  if (status.feed.dataAgeSeconds !== null) {
    families.push({
      name: PREFIX + "feed_data_age_seconds",
      type: "gauge",
      help: "Time since the feed's update_timestamp of the newest snapshot.",
      samples: [{ labels: {}, value: status.feed.dataAgeSeconds }],
    });
  }
  return families;
}

function processFamilies(registry: MetricsRegistry): MetricFamily[] {
  const memory = Deno.memoryUsage();
  return [
    {
      name: "process_resident_memory_bytes",
      type: "gauge",
      help: "Resident memory of the whole process, every worker included.",
      samples: [{ labels: {}, value: memory.rss }],
    },
    {
      name: PREFIX + "main_heap_used_bytes",
      type: "gauge",
      help: "JavaScript heap in use by the main thread (the workers have their own).",
      samples: [{ labels: {}, value: memory.heapUsed }],
    },
    {
      name: PREFIX + "metric_series_refused_total",
      type: "counter",
      help: "New metric series refused because the registry was full.",
      samples: [{ labels: {}, value: registry.refused }],
    },
  ];
}

/**
 * The collector's own health, from its /metrics: restarts, breaker states, mailbox depth, data age,
 * snapshot processing and database write times, spool size, memory and HTTP.
 */
import { dashboard, type JsonObject, type PanelSpec, promql, promqlNow, valueMap } from "../panels.ts";
import { bars, LEGEND_OPTIONS, lines, TABLE_OPTIONS } from "./common.ts";

const RATE = "$__rate_interval";

/** p50 and p99 of a histogram, and its mean, over all its series. */
function latency(histogram: string): JsonObject[] {
  const quantile = (q: number) =>
    promql(`histogram_quantile(${q}, sum by (le) (rate(${histogram}_bucket[${RATE}])))`, `p${q * 100}`);
  return [
    quantile(0.5),
    quantile(0.99),
    promql(`sum(rate(${histogram}_sum[${RATE}])) / sum(rate(${histogram}_count[${RATE}]))`, "mean"),
  ];
}

function stat(title: string, target: JsonObject, defaults: JsonObject = {}): PanelSpec {
  return {
    type: "stat",
    title,
    width: 4,
    height: 4,
    targets: [target],
    options: { reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false }, graphMode: "area" },
    defaults,
  };
}

function series(title: string, targets: JsonObject[], defaults: JsonObject, width = 12): PanelSpec {
  return { type: "timeseries", title, width, height: 8, targets, options: LEGEND_OPTIONS, defaults };
}

const BREAKER_STATES = valueMap({
  "0": ["closed", "green"],
  "1": ["half-open", "yellow"],
  "2": ["open", "red"],
});
const RUNNING = valueMap({ "0": ["not running", "red"], "1": ["running", "green"] });

export function runtimeDashboard(): JsonObject {
  return dashboard({
    uid: "vatsim-runtime",
    title: "VATSIM collector runtime",
    description: "The collector's supervision tree, pipeline and process, from its /metrics.",
    range: "3h",
    refresh: "30s",
    sections: [
      ["Feed and pipeline", [
        stat("Data age", promql("max(collector_feed_data_age_seconds)", "data age"), { unit: "s" }),
        stat("Feed", promql("max(collector_feed_stale)", "stale"), {
          mappings: [valueMap({ "0": ["fresh", "green"], "1": ["stale", "red"] })],
        }),
        stat("Spooled messages", promql("sum(collector_spool_files)", "files")),
        stat(
          "Restarts in the range",
          promql("sum(increase(collector_actor_restarts_total[$__range]))", "restarts"),
        ),
        stat("Breakers not closed", promql("count(collector_breaker_state > 0) or vector(0)", "breakers")),
        stat("Resident memory", promql("max(process_resident_memory_bytes)", "rss"), { unit: "bytes" }),
        series("Snapshots per minute", [
          promql(`sum(rate(collector_snapshots_fetched_total[${RATE}])) * 60`, "fetched"),
          promql(`sum(rate(collector_snapshots_processed_total[${RATE}])) * 60`, "processed"),
          promql(`sum(rate(collector_snapshots_stored_total[${RATE}])) * 60`, "stored"),
        ], lines()),
        series("Feed data age", [promql("max(collector_feed_data_age_seconds)", "data age")], lines("s")),
        series("Snapshot processing time", latency("collector_snapshot_processing_seconds"), lines("s")),
        series("Database write time", latency("collector_database_write_seconds"), lines("s")),
        series("Spool files", [promql("sum(collector_spool_files)", "files")], lines()),
        series("Spool size", [promql("sum(collector_spool_bytes)", "bytes")], lines("bytes")),
      ]],
      ["Supervision", [
        {
          type: "state-timeline",
          title: "Actors running",
          width: 12,
          height: 8,
          targets: [promql('max by (actor) (collector_actor_status{status="running"})', "{{actor}}")],
          options: { showValue: "never", mergeValues: true, rowHeight: 0.8 },
          defaults: { mappings: [RUNNING], color: { mode: "thresholds" } },
        },
        {
          type: "table",
          title: "Actor status now",
          width: 12,
          height: 8,
          targets: [promqlNow("collector_actor_status == 1", "{{actor}}")],
          options: TABLE_OPTIONS,
          // An instant query's table has the time, the value (1) and the scrape labels too.
          transformations: [{
            id: "organize",
            options: {
              excludeByName: { Time: true, Value: true, __name__: true, job: true, instance: true },
            },
          }],
        },
        series("Restarts", [
          promql(`sum by (actor) (increase(collector_actor_restarts_total[${RATE}]))`, "{{actor}}"),
        ], bars()),
        series(
          "Mailbox depth",
          [promql("max by (actor) (collector_actor_mailbox_depth)", "{{actor}}")],
          lines(),
        ),
        series("Mailbox fill", [
          promql(
            "max by (actor) (collector_actor_mailbox_depth / collector_actor_mailbox_capacity)",
            "{{actor}}",
          ),
        ], { ...lines("percentunit"), max: 1 }),
        series("Heartbeat age", [
          promql("max by (actor) (collector_actor_heartbeat_age_seconds)", "{{actor}}"),
        ], lines("s")),
        {
          type: "state-timeline",
          title: "Circuit breakers",
          width: 12,
          height: 8,
          targets: [promql("max by (actor, breaker) (collector_breaker_state)", "{{actor}} {{breaker}}")],
          options: { showValue: "auto", mergeValues: true, rowHeight: 0.8 },
          defaults: { mappings: [BREAKER_STATES], color: { mode: "thresholds" } },
        },
        series("Breaker opens and failures", [
          promql(
            `sum by (actor, breaker) (increase(collector_breaker_opens_total[${RATE}]))`,
            "{{breaker}} opens",
          ),
          promql("max by (actor, breaker) (collector_breaker_failures)", "{{breaker}} failures"),
        ], lines()),
      ]],
      ["Process and HTTP", [
        series("Memory", [
          promql("max(process_resident_memory_bytes)", "resident (all workers)"),
          promql("max(collector_main_heap_used_bytes)", "main thread heap"),
        ], lines("bytes")),
        series("Message handling time (p99)", [
          promql(
            `histogram_quantile(0.99, sum by (actor, kind, le) (rate(collector_message_handle_seconds_bucket[${RATE}])))`,
            "{{actor}} {{kind}}",
          ),
        ], lines("s")),
        series("HTTP requests by status", [
          promql(`sum by (status) (rate(collector_http_requests_total[${RATE}]))`, "{{status}}"),
        ], lines("reqps")),
        series("HTTP time (p99) by route", [
          promql(
            `histogram_quantile(0.99, sum by (route, le) (rate(collector_http_request_duration_seconds_bucket[${RATE}])))`,
            "{{route}}",
          ),
        ], lines("s")),
        series(
          "Events by type",
          [
            promql(`sum by (type) (rate(collector_events_total[${RATE}])) * 60`, "{{type}}"),
          ],
          lines("short"),
          24,
        ),
      ]],
    ],
  });
}

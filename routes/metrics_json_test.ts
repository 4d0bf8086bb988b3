import assert from "node:assert/strict";
import { MetricsRegistry } from "../runtime/metrics.ts";
import { createApp } from "./app.ts";
import { categoryOf, METRIC_CATEGORIES, MetricsJsonSchema } from "./metrics_json.ts";
import { errorOf, fakeDeps, jsonOf } from "./test_deps.ts";

Deno.test("each series of /metrics lands in one category, by what it is about", () => {
  const cases: [string, string][] = [
    ["collector_snapshot_processing_seconds", "performance"],
    ["collector_http_requests_total", "performance"],
    ["process_resident_memory_bytes", "performance"],
    ["collector_feed_fetch_errors_total", "errors"],
    ["collector_breaker_state", "errors"],
    ["collector_anomalies_total", "errors"],
    ["collector_events_total", "events"],
    ["collector_message_handle_seconds", "events"],
    ["collector_database_write_seconds", "database"],
    ["collector_spool_files", "database"],
    ["collector_snapshots_stored_total", "database"],
    ["collector_cache_hits_total", "cache"],
  ];
  for (const [name, category] of cases) assert.equal(categoryOf(name), category, name);
});

Deno.test("GET /api/metrics/{category} gives that category's series, histograms summarised", async () => {
  const metrics = new MetricsRegistry();
  metrics.add("cache_hits_total", { view: "flights" }, 7);
  for (let i = 0; i < 10; i++) metrics.observe("database_write_seconds", { actor: "store" }, 0.03125);
  const app = createApp(fakeDeps({ metrics }));
  const cache = MetricsJsonSchema.parse(await jsonOf(await app.request("/api/metrics/cache"), 200));
  assert.deepEqual(cache.metrics.map((m) => m.name), ["collector_cache_hits_total"]);
  assert.deepEqual(cache.metrics[0].samples, [{ labels: { view: "flights" }, value: 7 }]);
  const database = MetricsJsonSchema.parse(await jsonOf(await app.request("/api/metrics/database"), 200));
  const write = database.metrics.find((m) => m.name === "collector_database_write_seconds");
  assert.deepEqual(write?.samples[0], {
    labels: { actor: "store" },
    count: 10,
    sum: 0.3125,
    mean: 0.03125,
    p50AtMost: 0.05,
    p99AtMost: 0.05,
  });
  for (const category of METRIC_CATEGORIES) {
    assert.equal((await app.request(`/api/metrics/${category}`)).status, 200, category);
  }
  assert.equal((await app.request("/api/metrics/weather")).status, 404);
  await errorOf(await app.request("/api/metrics/cache?x=1"), 400, "invalid_parameter");
});

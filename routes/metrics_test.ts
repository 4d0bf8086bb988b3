import assert from "node:assert/strict";
import { MetricsRegistry } from "../runtime/metrics.ts";
import { renderPrometheus } from "../runtime/prometheus.ts";
import { createApp } from "./app.ts";
import { actorHealth, fakeDeps } from "./test_deps.ts";

/** The value of one sample line, e.g. `collector_actor_restarts_total{actor="store"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

Deno.test("GET /metrics: the actors' series with prefix, help and type; the tree, breakers and feed read at scrape", async () => {
  const metrics = new MetricsRegistry();
  metrics.apply([
    { name: "snapshots_stored_total", type: "counter", value: 38 },
    { name: "spool_files", type: "gauge", value: 2 },
    {
      name: "snapshot_processing_seconds",
      type: "histogram",
      sum: 0.12,
      count: 2,
      buckets: [0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0],
    },
  ], { actor: "store" });
  const store = {
    ...actorHealth("store"),
    breakers: [{
      name: "database",
      state: "open" as const,
      failures: 3,
      currentResetTimeoutMs: 5000,
      nextTrialInMs: 4000,
      opens: 1,
      lastFailure: "connection refused",
      lastTransitionAt: 1,
    }],
  };
  const deps = fakeDeps({ metrics });
  deps.supervision.health = () => [actorHealth("fetcher"), store];
  const response = await createApp(deps).request("/metrics");
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
  const text = await response.text();

  assert.match(text, /^# HELP collector_snapshots_stored_total Snapshots committed to the database\.$/m);
  assert.match(text, /^# TYPE collector_snapshots_stored_total counter$/m);
  assert.equal(sample(text, 'collector_snapshots_stored_total{actor="store"}'), 38);
  assert.equal(sample(text, 'collector_spool_files{actor="store"}'), 2);
  // Histogram buckets are cumulative, with +Inf equal to the count.
  assert.equal(sample(text, 'collector_snapshot_processing_seconds_bucket{actor="store",le="0.025"}'), 0);
  assert.equal(sample(text, 'collector_snapshot_processing_seconds_bucket{actor="store",le="0.05"}'), 1);
  assert.equal(sample(text, 'collector_snapshot_processing_seconds_bucket{actor="store",le="0.1"}'), 2);
  assert.equal(sample(text, 'collector_snapshot_processing_seconds_bucket{actor="store",le="+Inf"}'), 2);
  assert.equal(sample(text, 'collector_snapshot_processing_seconds_sum{actor="store"}'), 0.12);

  assert.equal(sample(text, 'collector_actor_status{actor="fetcher",status="running"}'), 1);
  assert.equal(sample(text, 'collector_actor_status{actor="fetcher",status="failed"}'), 0);
  assert.equal(sample(text, 'collector_actor_restarts_total{actor="store"}'), 1);
  assert.equal(sample(text, 'collector_actor_mailbox_depth{actor="store"}'), 2);
  assert.equal(sample(text, 'collector_actor_heartbeat_age_seconds{actor="store"}'), 0.04);
  assert.equal(sample(text, 'collector_breaker_state{actor="store",breaker="database"}'), 2);
  assert.equal(sample(text, 'collector_breaker_failures{actor="store",breaker="database"}'), 3);
  assert.equal(sample(text, "collector_feed_data_age_seconds"), 15);
  assert.equal(sample(text, "collector_feed_stale"), 0);
  assert.ok((sample(text, "process_resident_memory_bytes") ?? 0) > 0);
});

Deno.test("GET /metrics counts HTTP requests by route pattern and status, never by raw path", async () => {
  const deps = fakeDeps();
  const app = createApp(deps);
  await app.request("/api/status");
  await app.request("/api/services/fetcher/health");
  await app.request("/api/services/store/health");
  await app.request("/no/such/path");
  const text = await (await app.request("/metrics")).text();
  assert.equal(
    sample(text, 'collector_http_requests_total{method="GET",route="/api/status",status="200"}'),
    1,
  );
  const services = text.split("\n").filter((l) =>
    l.startsWith("collector_http_requests_total") && /services/.test(l)
  );
  assert.equal(services.length, 1, services.join("\n"));
  assert.match(services[0], /route="\/api\/services\/:name\/health"/);
  assert.equal(sample(text, 'collector_http_requests_total{method="GET",route="unmatched",status="404"}'), 1);
  assert.match(
    text,
    /^collector_http_request_duration_seconds_count\{method="GET",route="\/api\/status"\} 1$/m,
  );
});

Deno.test("GET /metrics leaves the feed out, and still answers, when the status does not come in time", async () => {
  const app = createApp(fakeDeps({ status: () => new Promise(() => {}) }), { statusTimeoutMs: 20 });
  const response = await app.request("/metrics");
  assert.equal(response.status, 200);
  const text = await response.text();
  assert.doesNotMatch(text, /collector_feed_stale/);
  assert.match(text, /collector_actor_status/);
});

Deno.test("renderPrometheus escapes label values and refuses invalid or repeated names", () => {
  const text = renderPrometheus([{
    name: "x_total",
    help: "a\\b\nc",
    type: "counter",
    samples: [{ labels: { path: 'a"b\\c\nd' }, value: 1 }],
  }]);
  assert.equal(text, '# HELP x_total a\\\\b\\nc\n# TYPE x_total counter\nx_total{path="a\\"b\\\\c\\nd"} 1\n');
  assert.throws(
    () => renderPrometheus([{ name: "bad-name", help: "", type: "gauge", samples: [] }]),
    /invalid metric name/,
  );
  const family = { name: "y", help: "y", type: "gauge" as const, samples: [] };
  assert.throws(() => renderPrometheus([family, family]), /rendered twice/);
});

import assert from "node:assert/strict";
import { emptyHistogram, HISTOGRAM_BOUNDS, merge, observe, quantileBound } from "./histogram.ts";
import { MetricsRegistry } from "./metrics.ts";

Deno.test("histogram: a value on a bound counts in that bucket; one above the last only in the count", () => {
  const h = emptyHistogram();
  observe(h, 0.001);
  observe(h, 0.0011);
  observe(h, 60);
  assert.equal(h.count, 3);
  assert.equal(h.buckets[0], 1);
  assert.equal(h.buckets[1], 1);
  assert.equal(h.buckets.reduce((a, b) => a + b, 0), 2);
  assert.ok(Math.abs(h.sum - 60.0021) < 1e-9);
  assert.equal(h.buckets.length, HISTOGRAM_BOUNDS.length);
});

Deno.test("histogram: deltas from actors merge into the registry's series, which counters cannot overwrite", () => {
  const registry = new MetricsRegistry();
  const delta = emptyHistogram();
  observe(delta, 0.02);
  registry.apply([{ name: "x_seconds", type: "histogram", ...delta }], { actor: "a" });
  registry.apply([{ name: "x_seconds", type: "histogram", ...delta }], { actor: "a" });
  registry.add("x_seconds", { actor: "a" }, 5);
  const [series] = registry.snapshot();
  assert.equal(series.type, "histogram");
  if (series.type !== "histogram") return;
  assert.equal(series.histogram.count, 2);
  const merged = emptyHistogram();
  merge(merged, series.histogram);
  assert.deepEqual(merged, series.histogram);
});

Deno.test("a quantile is bounded by the bucket that holds it, and unknown past the last bound", () => {
  const h = emptyHistogram();
  assert.equal(quantileBound(h, 0.5), null);
  for (let i = 0; i < 98; i++) observe(h, 0.002);
  observe(h, 0.3);
  observe(h, 60);
  assert.equal(quantileBound(h, 0.5), 0.0025);
  assert.equal(quantileBound(h, 0.99), 0.5);
  assert.equal(quantileBound(h, 1), null);
});

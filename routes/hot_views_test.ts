import assert from "node:assert/strict";
import { MetricsRegistry } from "../runtime/metrics.ts";
import { etagOf, HotViews } from "./hot_views.ts";

const bytesOf = (text: string) => new TextEncoder().encode(text);

Deno.test("a view's ETag changes with its bytes; hits and misses are counted by view", async () => {
  const metrics = new MetricsRegistry();
  const hot = new HotViews(metrics);
  assert.equal(hot.get("flights"), undefined);
  await hot.put("flights", bytesOf('{"total":1}'));
  const first = hot.get("flights");
  await hot.put("flights", bytesOf('{"total":2}'));
  const second = hot.get("flights");
  assert.notEqual(first?.etag, second?.etag);
  assert.equal(second?.etag, await etagOf(bytesOf('{"total":2}')));
  assert.equal(metrics.get("cache_misses_total", { view: "flights" }), 1);
  assert.equal(metrics.get("cache_hits_total", { view: "flights" }), 2);
});

Deno.test("a view that arrives later wins even when the earlier one's digest finishes last", async () => {
  const hot = new HotViews();
  const big = new Uint8Array(8 * 1024 * 1024).fill(32);
  // Both digests run at once; the small, later view must not be overwritten by the big, older one.
  await Promise.all([hot.put("atis", big), hot.put("atis", bytesOf("[]"))]);
  assert.equal(new TextDecoder().decode(hot.get("atis")?.bytes), "[]");
});

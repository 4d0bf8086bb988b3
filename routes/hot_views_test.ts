import assert from "node:assert/strict";
import { MetricsRegistry } from "../runtime/metrics.ts";
import { acceptsGzip, etagOf, HotViews } from "./hot_views.ts";

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

Deno.test("a view is gzipped once on arrival; Accept-Encoding decides which bytes a client gets", async () => {
  const hot = new HotViews();
  const json = JSON.stringify({ flights: Array.from({ length: 500 }, (_, i) => ({ callsign: `BAW${i}` })) });
  await hot.put("flights", bytesOf(json));
  const view = hot.get("flights")!;
  assert.ok(view.gzip !== undefined && view.gzip.byteLength < view.bytes.byteLength / 4);
  const unzipped = new Blob([view.gzip]).stream().pipeThrough(new DecompressionStream("gzip"));
  assert.equal(await new Response(unzipped).text(), json);
  assert.equal(acceptsGzip("gzip, deflate, br"), true);
  assert.equal(acceptsGzip("br;q=1, GZIP;q=0.5"), true);
  assert.equal(acceptsGzip("gzip;q=0"), false);
  assert.equal(acceptsGzip("*"), true);
  assert.equal(acceptsGzip(undefined), false);
  assert.equal(acceptsGzip("identity"), false);
});

/** The cache in-process: the latest good snapshot and the staleness verdict it reports. */
import assert from "node:assert/strict";
import { feedTime, soloActor, summaryAt } from "./test_support.ts";
import { CacheProtocol, FrontProtocol } from "./protocol.ts";
import { waitFor } from "../tests/helpers/system.ts";

Deno.test("the cache keeps the last good snapshot and reports why the feed is stale", async () => {
  const system = soloActor("cache");
  await system.start();
  try {
    const cache = system.ref("cache", CacheProtocol);
    const put = (s: number, pilots: number, fetchedAt: number) =>
      cache.tell("cache.put", {
        summary: summaryAt(s, pilots),
        fetch: { source: "test", fetchedAt, fetchMs: 5, bytes: 100 },
      });
    const status = () => cache.ask("cache.status", {}, { timeoutMs: 1_000 });

    assert.deepEqual(await status(), {
      latest: null,
      feed: { stale: false },
      store: { backend: "memory", degraded: false, reason: null },
    });
    put(0, 1500, 1_000);
    put(15, 1480, 16_000);
    let report = await status();
    assert.equal(report.latest?.summary.updateTimestamp, feedTime(15));
    assert.deepEqual(report.feed, { stale: false });

    // The count collapses: the 1,480-pilot snapshot stays the latest, and the feed is stale.
    put(30, 0, 31_000);
    report = await status();
    assert.equal(report.latest?.summary.pilots, 1480);
    assert.deepEqual(report.feed, {
      stale: true,
      reason: `pilot count collapsed from 1480 to 0 at ${feedTime(30)}`,
    });
    assert.equal((await cache.ask("cache.latest", {}, { timeoutMs: 1_000 }))?.summary.pilots, 1480);

    // A normal snapshot clears it; then the fetcher keeps seeing that one for over two minutes.
    put(45, 1490, 46_000);
    for (let at = 61_000; at <= 196_000; at += 15_000) {
      cache.tell("cache.seen", { updateTimestamp: feedTime(45), seenAt: at });
    }
    report = await status();
    assert.equal(report.latest?.summary.updateTimestamp, feedTime(45));
    assert.deepEqual(report.feed, { stale: true, reason: "same update_timestamp for 150 s" });

    // Back in time: refused, flagged; the newest good one stays.
    put(60, 1490, 200_000);
    put(50, 1490, 215_000);
    report = await status();
    assert.equal(report.latest?.summary.updateTimestamp, feedTime(60));
    assert.deepEqual(report.feed, {
      stale: true,
      reason: `snapshot went back in time (${feedTime(50)} after ${feedTime(60)})`,
    });
  } finally {
    await system.stop();
  }
});

Deno.test("staleAfterMs sets how long one update_timestamp may repeat before the feed is stale", async () => {
  const system = soloActor("cache", { config: { staleAfterMs: 20_000 } });
  await system.start();
  try {
    const cache = system.ref("cache", CacheProtocol);
    cache.tell("cache.put", {
      summary: summaryAt(0, 100),
      fetch: { source: "test", fetchedAt: 1_000, fetchMs: 5, bytes: 100 },
    });
    const seen = (at: number) => cache.tell("cache.seen", { updateTimestamp: feedTime(0), seenAt: at });
    const feed = async () => (await cache.ask("cache.status", {}, { timeoutMs: 1_000 })).feed;
    seen(21_000);
    assert.deepEqual(await feed(), { stale: false });
    seen(21_001);
    assert.deepEqual(await feed(), { stale: true, reason: "same update_timestamp for 20 s" });
  } finally {
    await system.stop();
  }
});

Deno.test("hot views go to the store and on to the front; a Redis that does not answer degrades the cache to memory, with the reason", async () => {
  // Nothing listens on port 1: the store starts degraded and keeps the views in memory.
  const system = soloActor("cache", {
    config: { redisUrl: "redis://127.0.0.1:1", ttlMs: { flights: 5_000 } },
  });
  const atFront: string[] = [];
  system.bus.serve("front", FrontProtocol, (message) => {
    if (message.kind === "front.views") atFront.push(new TextDecoder().decode(message.body.views.flights));
  });
  await system.start();
  try {
    const cache = system.ref("cache", CacheProtocol);
    const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).buffer;
    const views = {
      flights: json({ flights: [{ callsign: "BAW1" }] }),
      controllers: json({}),
      atis: json({}),
    };
    cache.tell("cache.views", { views }, { transfer: Object.values(views) });
    await waitFor("the views at the front", () => atFront.length === 1);
    assert.deepEqual(JSON.parse(atFront[0]), { flights: [{ callsign: "BAW1" }] });
    const status = await cache.ask("cache.status", {}, { timeoutMs: 5_000 });
    assert.equal(status.store.backend, "redis");
    assert.equal(status.store.degraded, true);
    assert.match(status.store.reason ?? "", /serving from memory/);
  } finally {
    await system.stop();
  }
});

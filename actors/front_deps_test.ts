/** /api/status as the front builds it from an in-process cache: staleness shows in `feed` and `degraded`. */
import assert from "node:assert/strict";
import { feedTime, soloActor, summaryAt } from "./test_support.ts";
import { collectorFrontDeps } from "./front_deps.ts";
import { CacheProtocol } from "./protocol.ts";
import { HotViews } from "../routes/hot_views.ts";

Deno.test("a collapsed feed is reported stale with its reason, and the counts stay those of the last good snapshot", async () => {
  const system = soloActor("cache");
  await system.start();
  try {
    const options = {
      version: "test",
      startedAt: Date.now(),
      controlToken: null,
      faultInjection: false,
      feedSource: "live",
      staleAfterMs: 60_000,
      hot: new HotViews(),
    };
    const deps = collectorFrontDeps(system, options);
    const cache = system.ref("cache", CacheProtocol);
    const fetch = { source: "test", fetchedAt: Date.now(), fetchMs: 5, bytes: 100 };
    cache.tell("cache.put", { summary: summaryAt(0, 1200), fetch });
    let report = await deps.status();
    assert.equal(report.feed.stale, false);
    assert.deepEqual(report.degraded, []);

    cache.tell("cache.put", {
      summary: summaryAt(15, 3),
      fetch: { ...fetch, fetchedAt: fetch.fetchedAt + 15_000 },
    });
    report = await deps.status();
    assert.equal(report.feed.stale, true);
    assert.equal(report.feed.lastUpdateTimestamp, feedTime(0));
    assert.equal(report.counts.pilots, 1200);
    assert.deepEqual(report.degraded, [
      `feed: stale (pilot count collapsed from 1200 to 3 at ${feedTime(15)})`,
    ]);

    // Nothing new for longer than staleAfterMs is stale too, with its own reason (-1: any quiet is too long).
    const quiet = collectorFrontDeps(system, { ...options, staleAfterMs: -1 });
    cache.tell("cache.put", { summary: summaryAt(30, 1190), fetch });
    report = await quiet.status();
    assert.equal(report.feed.stale, true);
    assert.match(report.degraded[0], /^feed: stale \(no new snapshot for \d+ s\)$/);
  } finally {
    await system.stop();
  }
});

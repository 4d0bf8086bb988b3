/** The cache in-process: the latest good snapshot and the staleness verdict it reports. */
import assert from "node:assert/strict";
import { feedTime, soloActor, summaryAt } from "./test_support.ts";
import { CacheProtocol, FrontProtocol } from "./protocol.ts";
import type { z } from "zod";
import { waitFor } from "../tests/helpers/system.ts";
import { installFakeTime } from "../tests/helpers/fake_time.ts";

// Loading the actor module once before the clock is faked keeps its later dynamic import quick.
await import("./cache.ts");

interface FakeCache {
  /** A snapshot summary at feed second `s`, arriving at the cache at `atMs` (performance.now()). */
  put(s: number, pilots: number, atMs: number): Promise<void>;
  /** A repeat of feed second `s` reported by the fetcher, arriving at `atMs`. */
  seen(s: number, atMs: number): Promise<void>;
  status(): Promise<CacheStatus>;
  /** Sets the host's clock (Date) ahead or back by `ms`; performance.now() goes on as it was. */
  jumpDate(ms: number): void;
}

type CacheStatus = z.infer<(typeof CacheProtocol)["cache.status"]["reply"]>;

/**
 * The cache in-process under fake timers: it times sightings on arrival by performance.now(), so the
 * test moves that clock to each arrival. Date is moved along with it; the cache must not rely on it.
 */
async function withFakeCache(config: object, body: (cache: FakeCache) => Promise<void>): Promise<void> {
  const system = soloActor("cache", { config });
  const clock = installFakeTime();
  try {
    const started = system.start();
    await clock.tickAsync(0);
    await started;
    const cache = system.ref("cache", CacheProtocol);
    const arrive = async (atMs: number) => {
      await clock.tickAsync(atMs - performance.now());
    };
    const settled = async <T>(pending: Promise<T>) => {
      await clock.tickAsync(0);
      return await pending;
    };
    await body({
      async put(s, pilots, atMs) {
        await arrive(atMs);
        cache.tell("cache.put", {
          summary: summaryAt(s, pilots),
          fetch: { source: "test", fetchedAt: Date.now(), fetchMs: 5, bytes: 100 },
        });
        await clock.tickAsync(0);
      },
      async seen(s, atMs) {
        await arrive(atMs);
        cache.tell("cache.seen", { updateTimestamp: feedTime(s) });
        await clock.tickAsync(0);
      },
      status: () => settled(cache.ask("cache.status", {}, { timeoutMs: 1_000 })),
      jumpDate: (ms) => clock.setSystemTime(Date.now() + ms),
    });
  } finally {
    const stopped = system.stop();
    await clock.runAllAsync();
    await stopped;
    clock.uninstall();
  }
}

Deno.test("the cache keeps the last good snapshot and reports why the feed is stale", async () => {
  await withFakeCache({}, async (cache) => {
    assert.deepEqual(await cache.status(), {
      latest: null,
      latestAgeMs: null,
      feed: { stale: false },
      store: { backend: "memory", degraded: false, reason: null },
    });
    await cache.put(0, 1500, 1_000);
    await cache.put(15, 1480, 16_000);
    let report = await cache.status();
    assert.equal(report.latest?.summary.updateTimestamp, feedTime(15));
    assert.equal(report.latestAgeMs, 0);
    assert.deepEqual(report.feed, { stale: false });

    // The count collapses: the 1,480-pilot snapshot stays the latest, and the feed is stale.
    await cache.put(30, 0, 31_000);
    report = await cache.status();
    assert.equal(report.latest?.summary.pilots, 1480);
    assert.equal(report.latestAgeMs, 15_000, "the latest is the one that arrived 15 s ago");
    assert.deepEqual(report.feed, {
      stale: true,
      reason: `pilot count collapsed from 1480 to 0 at ${feedTime(30)}`,
    });

    // A normal snapshot clears it; then the fetcher keeps seeing that one for over two minutes.
    await cache.put(45, 1490, 46_000);
    for (let at = 61_000; at <= 196_000; at += 15_000) await cache.seen(45, at);
    report = await cache.status();
    assert.equal(report.latest?.summary.updateTimestamp, feedTime(45));
    assert.deepEqual(report.feed, { stale: true, reason: "same update_timestamp for 150 s" });

    // Back in time: refused, flagged; the newest good one stays.
    await cache.put(60, 1490, 200_000);
    await cache.put(50, 1490, 215_000);
    report = await cache.status();
    assert.equal(report.latest?.summary.updateTimestamp, feedTime(60));
    assert.deepEqual(report.feed, {
      stale: true,
      reason: `snapshot went back in time (${feedTime(50)} after ${feedTime(60)})`,
    });
  });
});

Deno.test("staleAfterMs sets how long one update_timestamp may repeat before the feed is stale", async () => {
  await withFakeCache({ staleAfterMs: 20_000 }, async (cache) => {
    await cache.put(0, 100, 1_000);
    await cache.seen(0, 21_000);
    assert.deepEqual((await cache.status()).feed, { stale: false });
    await cache.seen(0, 21_001);
    assert.deepEqual((await cache.status()).feed, { stale: true, reason: "same update_timestamp for 20 s" });
  });
});

Deno.test("the host's clock set ahead or back between sightings changes no verdict", async () => {
  await withFakeCache({ staleAfterMs: 20_000 }, async (cache) => {
    await cache.put(0, 100, 1_000);
    cache.jumpDate(6 * 3_600_000);
    await cache.seen(0, 6_000);
    assert.deepEqual((await cache.status()).feed, { stale: false }, "6 h ahead");
    await cache.put(15, 100, 16_000);
    cache.jumpDate(-12 * 3_600_000);
    await cache.seen(15, 21_000);
    const report = await cache.status();
    assert.deepEqual(report.feed, { stale: false }, "12 h back");
    assert.equal(report.latestAgeMs, 5_000);
    // A feed that really stands still is caught all the same, after staleAfterMs.
    await cache.seen(15, 36_001);
    assert.deepEqual((await cache.status()).feed, { stale: true, reason: "same update_timestamp for 20 s" });
  });
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

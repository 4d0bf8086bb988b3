/**
 * Fault cases: clocks that jump. The feed's clock (`update_timestamp` jumping forward hours across
 * midnight, then back) under the real service; the host's clock (Date jumping forward and back by hours
 * while snapshots flow, the timers and performance.now() going on as they were) under the collector run
 * in this process, where Date can be faked. Either way every snapshot is stored once (G1, G2), a repeat
 * of an update_timestamp goes no further than the fetcher, retention (days of the feed's clock) drops
 * nothing of the day the feed is on, and the feed is judged stale only when it is.
 */
import assert from "node:assert/strict";
// @ts-types="@types/sinonjs__fake-timers"
import FakeTimers from "@sinonjs/fake-timers";
import { collectorFrontDeps, serveFront } from "../../actors/front_deps.ts";
import { collectorTree } from "../../actors/tree.ts";
import { loadConfig } from "../../config.ts";
import { DEFAULT_STALENESS } from "../../feed/staleness.ts";
import { createApp } from "../../routes/app.ts";
import type { StatusReport } from "../../routes/deps.ts";
import type { ChildSpecInput } from "../../supervision/spec.ts";
import { ActorSystem } from "../../supervision/system.ts";
import { requirePostgres } from "../helpers/postgres.ts";
import { storedTimestamps, withStore } from "../helpers/replay_check.ts";
import { startService } from "../helpers/service.ts";
import { assertLedger, describeBody, type SentSnapshot, settle } from "./ledger.ts";
import { feedStub, simBodies } from "./inputs.ts";
import { type CaseStore, cleanRun, untilSettled, withCaseStore } from "./runs.ts";

const HOUR_MS = 3_600_000;

/** A body with its `update_timestamp` moved by `shiftMs`, everything else as it was. */
function shifted(bytes: Uint8Array, shiftMs: number): Uint8Array {
  const feed = JSON.parse(new TextDecoder().decode(bytes)) as { general: { update_timestamp: string } };
  const at = Date.parse(feed.general.update_timestamp) + shiftMs;
  feed.general.update_timestamp = new Date(at).toISOString().replace("Z", "0000Z");
  return new TextEncoder().encode(JSON.stringify(feed));
}

/** Writes `bodies` to a new replay folder in this order (`snap-000.json`, …) and describes them. */
async function replayFolder(bodies: Uint8Array[]): Promise<{ dir: string; sent: SentSnapshot[] }> {
  const dir = await Deno.makeTempDir({ prefix: "fault_feed_" });
  const sent: SentSnapshot[] = [];
  for (const [i, bytes] of bodies.entries()) {
    const name = `snap-${String(i).padStart(3, "0")}.json`;
    await Deno.writeFile(`${dir}/${name}`, bytes);
    sent.push(describeBody(name, bytes));
  }
  return { dir, sent };
}

/**
 * Thirty simulator snapshots from 2025-08-06 23:55Z, 15 s apart; the feed's clock runs 20 hours fast
 * for snapshots 10–14 (into the next day), then is right again. Two snapshots are sent twice.
 */
function jumpingFeed(): { bodies: Uint8Array[]; last: string } {
  const start = Date.UTC(2025, 7, 6, 23, 55);
  const plain = simBodies({ count: 30, pilots: 200, startTime: start });
  const bodies = plain.map((bytes, i) => (i >= 10 && i < 15 ? shifted(bytes, 20 * HOUR_MS) : bytes));
  // A repeat on each side of the jump back.
  bodies.splice(13, 0, bodies[12]);
  bodies.splice(22, 0, bodies[21]);
  const last = new Date(start + 29 * 15_000).toISOString().replace("Z", "000Z");
  return { bodies, last };
}

Deno.test({
  name:
    "fault suite: the feed's clock jumps 20 hours ahead and back: stored once, retention keeps the day, " +
    "staleness follows the feed back",
  ...requirePostgres,
  fn: async () => {
    const { bodies, last } = jumpingFeed();
    const { dir, sent } = await replayFolder(bodies);
    try {
      const clean = await cleanRun(dir, sent);
      await withCaseStore(async (store) => {
        const service = await startService({
          ...store.env,
          FEED: dir,
          POLL_INTERVAL_MS: "100",
          // Days of the feed's clock: the jump lands on the next day, which must not drop the first.
          POSITION_RETENTION_DAYS: "1",
          EVENT_RETENTION_DAYS: "1",
        });
        let status: StatusReport;
        try {
          await untilSettled(store.url, sent, service);
          status = await service.waitForJson<StatusReport>(
            "/api/status",
            "every body fetched and the last one at the cache",
            (s) => s.snapshots.fetched === bodies.length && s.feed.lastUpdateTimestamp === last,
            10_000,
          );
        } finally {
          assert.equal(await service.stop(), 0);
        }
        const distinct = [...new Set(sent.map((s) => s.updateTimestamp))];
        assert.deepEqual(await storedTimestamps(store.url), distinct, "each update_timestamp stored once");
        assert.equal(status.snapshots.duplicates, 2, "both repeats dropped as duplicates");
        assert.equal(status.feed.stale, false, JSON.stringify(status.degraded));
        assertLedger("feed clock +20 h and back", await settle(store.url, sent, clean), 0);
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "fault suite: after the feed's clock is set back, snapshots record positions again once it is plain",
  ...requirePostgres,
  // Found by this case: the processor skipped every snapshot not newer than its diff state, so after
  // the return nothing was diffed for 20 h ("positions at 0 of 15"). It now follows the feed back after
  // `clockSetBackAfter` snapshots in a row behind (the cache's rule, feed/staleness.ts) and diffs afresh
  // from there; the ones before that are taken for a lagging mirror's copies, as they may be.
  fn: async () => {
    const { bodies } = jumpingFeed();
    const { dir, sent } = await replayFolder(bodies);
    try {
      await withCaseStore(async (store) => {
        const service = await startService({ ...store.env, FEED: dir, POLL_INTERVAL_MS: "100" });
        try {
          await untilSettled(store.url, sent, service);
        } finally {
          assert.equal(await service.stop(), 0);
        }
        // The snapshots after the return: the last fifteen distinct timestamps, all on the right clock.
        const after = [...new Set(sent.map((s) => s.updateTimestamp))].slice(-15);
        const [{ n }] = await withStore(store.url, (db) =>
          db.query<{ n: number }>(
            `select count(distinct at)::int as n from positions where at between $1 and $2`,
            [after[0], after[after.length - 1]],
          ));
        console.log(`positions at ${n} of ${after.length} snapshots after the return`);
        assert.equal(n, after.length - (DEFAULT_STALENESS.clockSetBackAfter - 1));
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

/** How long without a new snapshot, or with one update_timestamp repeating, makes the feed stale here. */
const STALE_MS = 5_000;

interface InProcess {
  status(): Promise<StatusReport>;
  /** Polls /api/status until `check` holds (real time; fails after `timeoutMs`). */
  until(what: string, check: (s: StatusReport) => boolean, timeoutMs?: number): Promise<StatusReport>;
}

/**
 * The collector of main.ts with every actor inline on this thread, so that a fake Date reaches all of
 * them, and its HTTP front answering through `app.request`. Fed from `statusUrl`, storing into `store`.
 */
async function withInProcessCollector(
  store: CaseStore,
  statusUrl: string,
  fn: (collector: InProcess) => Promise<void>,
): Promise<void> {
  const config = loadConfig({
    ...store.env,
    FEED: "live",
    VATSIM_STATUS_URL: statusUrl,
    POLL_INTERVAL_MS: "100",
    FEED_STALE_AFTER_MS: String(STALE_MS),
    // Days of the feed's clock, which the host's jumps must not move.
    POSITION_RETENTION_DAYS: "1",
    EVENT_RETENTION_DAYS: "1",
  });
  const tree = collectorTree(config);
  const children = tree.children.map((child) =>
    ({ ...child, isolation: "inline", heartbeatMs: 0, permissions: undefined }) as ChildSpecInput
  );
  const system = new ActorSystem({ ...tree, children }, { log: { level: "fatal", format: "pretty" } });
  const app = createApp(collectorFrontDeps(system, {
    ...serveFront(system),
    version: "test",
    startedAt: Date.now(),
    controlToken: null,
    faultInjection: false,
    feedSource: "live",
    staleAfterMs: STALE_MS,
  }));
  const status = async () => await (await app.request("/api/status")).json() as StatusReport;
  await system.start();
  try {
    await fn({
      status,
      async until(what, check, timeoutMs = 20_000) {
        let last: StatusReport | undefined;
        const until = performance.now() + timeoutMs;
        while (last === undefined || !check(last)) {
          if (performance.now() > until) {
            throw new Error(`timed out waiting for ${what}: ${JSON.stringify(last)}`);
          }
          await new Promise((resolve) => setTimeout(resolve, 50));
          last = await status();
        }
        return last;
      },
    });
  } finally {
    await system.stop();
  }
}

Deno.test({
  name: "fault suite: the host's clock jumps 6 hours ahead and 12 back while snapshots flow: stored once, " +
    "retention keeps the day, the feed is stale only when it stops",
  ...requirePostgres,
  fn: async () => {
    const bodies = simBodies({ count: 15, pilots: 150 });
    const { dir, sent } = await replayFolder(bodies);
    const stub = feedStub(bodies.slice(0, 5).map((body) => ({ body })));
    // Only Date is fake: timers and performance.now() go on in real time, as when an operator or NTP
    // sets the system clock. It advances with real time between the jumps.
    const clock = FakeTimers.withGlobal(globalThis).install({
      toFake: ["Date"],
      shouldAdvanceTime: true,
      advanceTimeDelta: 10,
    });
    const jump = (ms: number) => clock.setSystemTime(Date.now() + ms);
    try {
      const clean = await cleanRun(dir, sent);
      await withCaseStore(async (store) => {
        await withInProcessCollector(store, stub.statusUrl, async ({ status, until }) => {
          const at = (i: number) => sent[i].updateTimestamp;
          const fresh = (s: StatusReport) => !s.feed.stale;
          const repeats = async (n: number) => {
            const { snapshots } = await status();
            return await until(`${n} repeats`, (s) => s.snapshots.duplicates >= snapshots.duplicates + n);
          };

          await until(
            "five snapshots in",
            (s) => s.snapshots.stored === 5 && s.feed.lastUpdateTimestamp === at(4),
          );
          // The feed repeats its last snapshot (the stub serves it again) while the clock jumps ahead: the
          // repeats straddle the jump, but the feed has been still for far less than STALE_MS.
          jump(6 * HOUR_MS);
          let report = await repeats(3);
          assert.ok(fresh(report), `6 h ahead: ${JSON.stringify(report.degraded)}`);

          stub.push(...bodies.slice(5, 10).map((body) => ({ body })));
          await until(
            "ten snapshots in",
            (s) => s.snapshots.stored === 10 && s.feed.lastUpdateTimestamp === at(9),
          );
          jump(-12 * HOUR_MS);
          report = await repeats(3);
          assert.ok(fresh(report), `12 h back: ${JSON.stringify(report.degraded)}`);

          stub.push(...bodies.slice(10).map((body) => ({ body })));
          await until(
            "every snapshot in",
            (s) => s.snapshots.stored === 15 && s.feed.lastUpdateTimestamp === at(14),
          );
          // Now the feed stops answering, and the clock goes back once more: the silence is still noticed
          // after STALE_MS of real time, not six hours later.
          stub.push(...Array.from({ length: 10_000 }, () => ({ status: 503 })));
          jump(-6 * HOUR_MS);
          report = await until("stale: no new snapshot", (s) => s.feed.stale, 4 * STALE_MS);
          assert.ok(
            report.degraded.some((d) => /^feed: stale \(no new snapshot for \d+ s\)$/.test(d)),
            JSON.stringify(report.degraded),
          );
          assert.ok(report.snapshots.duplicates >= 6, "repeats went no further than the fetcher");
        });
        // The system has stopped, the store after writing what it had been sent.
        assertLedger("host clock +6 h, -12 h, -6 h", await settle(store.url, sent, clean), 0);
      });
    } finally {
      clock.uninstall();
      await stub.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

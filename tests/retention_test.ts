/**
 * Retention runs by itself: the real service replays recordings years apart with one day of retention,
 * and the store's daily upkeep drops the old position partitions and events on its own, visible in the
 * metrics and in what the database still holds.
 */
import assert from "node:assert/strict";
import { openDatabase } from "../db/database.ts";
import type { StatusReport } from "../routes/deps.ts";
import { FIXTURES_DIR } from "./helpers/fixtures.ts";
import { freshPgliteDir } from "./helpers/pglite.ts";
import { startService } from "./helpers/service.ts";

const OLD = "vatsim-data_2021-04-09T1543Z_pair-a.json";
const NEWER = "vatsim-data_2023-03-12T1724Z_busy-sunday.json";

/** A Prometheus sample's value in a scrape, or undefined when the series is missing. */
function sample(scrape: string, name: string): number | undefined {
  const line = scrape.split("\n").find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
}

Deno.test("the daily upkeep drops position partitions and events past retention, and says so in /metrics", async () => {
  const feed = await Deno.makeTempDir({ prefix: "retention_feed_" });
  for (const name of [OLD, NEWER]) await Deno.symlink(`${FIXTURES_DIR}${name}`, `${feed}/${name}`);
  const dataDir = await freshPgliteDir();
  try {
    const service = await startService({
      FEED: feed,
      DATA_DIR: dataDir,
      POLL_INTERVAL_MS: "200",
      POSITION_RETENTION_DAYS: "1",
      EVENT_RETENTION_DAYS: "1",
    });
    try {
      await service.waitForJson<StatusReport>(
        "/api/status",
        "both snapshots stored",
        (s) => s.snapshots.stored === 2,
      );
      const response = await fetch(`${service.url}/metrics`);
      const scrape = await response.text();
      assert.equal(response.status, 200);
      // 2021-04-09 and 2021-04-10 were made for the first snapshot; the second, in 2023, drops both.
      assert.equal(sample(scrape, "collector_position_partitions_dropped_total"), 2);
      assert.ok((sample(scrape, "collector_events_expired_total") ?? 0) > 0, "events of 2021 expired");
      const ranAt = sample(scrape, "collector_retention_last_run_timestamp_seconds") ?? 0;
      assert.ok(Math.abs(ranAt - Date.now() / 1000) < 120, `upkeep ran just now, not at ${ranAt}`);
    } finally {
      assert.equal(await service.stop(), 0);
    }
    const db = await openDatabase({ dataDir });
    try {
      const [left] = await db.query<{ positions: number; events: number }>(
        `select (select count(*)::int from positions where at < '2023-03-11') as positions,
                (select count(*)::int from events where at < '2023-03-11') as events`,
      );
      assert.deepEqual(left, { positions: 0, events: 0 });
      const [kept] = await db.query<{ n: number }>("select count(*)::int as n from positions");
      assert.ok(kept.n > 0, "the 2023 snapshot's positions are kept");
    } finally {
      await db.close();
    }
  } finally {
    await Deno.remove(feed, { recursive: true });
    await Deno.remove(dataDir, { recursive: true });
  }
});

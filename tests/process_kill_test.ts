/**
 * G1/G2 across a SIGKILL of the whole process mid-replay: the next process on the same DATA_DIR and
 * database replays the folder again, and no committed snapshot is lost or doubled.
 */
import assert from "node:assert/strict";
import type { StatusReport } from "../routes/deps.ts";
import { FIXTURES_DIR } from "./helpers/fixtures.ts";
import { requirePostgres, withTempDatabase } from "./helpers/postgres.ts";
import {
  cleanRunCounts,
  FIXTURE_TIMESTAMPS,
  networkCounts,
  replayDone,
  spoolFiles,
  storedTimestamps,
} from "./helpers/replay_check.ts";
import { startService } from "./helpers/service.ts";

Deno.test({
  name: "a SIGKILL mid-replay into PostgreSQL loses and doubles nothing once the next process has run",
  ...requirePostgres,
  fn: async () => {
    const clean = await withTempDatabase(cleanRunCounts);
    await withTempDatabase(async (url) => {
      const dataDir = await Deno.makeTempDir({ prefix: "sigkill_" });
      try {
        const env = { FEED: FIXTURES_DIR, DATA_DIR: dataDir, DATABASE_URL: url };
        const first = await startService({ ...env, POLL_INTERVAL_MS: "600" });
        let storedBeforeKill: number;
        try {
          const status = await first.waitForJson<StatusReport>(
            "/api/status",
            "a snapshot stored",
            (s) => s.snapshots.stored >= 1,
          );
          storedBeforeKill = status.snapshots.stored;
        } finally {
          await first.kill();
        }
        const committed = await storedTimestamps(url);
        assert.ok(committed.length >= 1 && committed.length < FIXTURE_TIMESTAMPS.length, "killed mid-replay");
        assert.ok(committed.length >= storedBeforeKill);

        const second = await startService({ ...env, POLL_INTERVAL_MS: "100" });
        try {
          const report = await replayDone(second);
          assert.ok(report.snapshots.duplicates >= committed.length, "committed ones are duplicates");
        } finally {
          assert.equal(await second.stop(), 0);
        }
        assert.deepEqual(spoolFiles(dataDir), []);
        assert.deepEqual(await storedTimestamps(url), FIXTURE_TIMESTAMPS);
        assert.deepEqual(await networkCounts(url), clean);
      } finally {
        await Deno.remove(dataDir, { recursive: true });
      }
    });
  },
});

Deno.test("a SIGKILL mid-replay into embedded PGlite loses and doubles nothing once the next process has run", async () => {
  const clean = await cleanRunCounts();
  const dataDir = await Deno.makeTempDir({ prefix: "sigkill_pglite_" });
  try {
    const env = { FEED: FIXTURES_DIR, DATA_DIR: dataDir };
    const first = await startService({ ...env, POLL_INTERVAL_MS: "600" });
    try {
      await first.waitForJson<StatusReport>(
        "/api/status",
        "a snapshot stored",
        (s) => s.snapshots.stored >= 1,
      );
    } finally {
      await first.kill();
    }
    const committed = await storedTimestamps({ dataDir });
    assert.ok(committed.length >= 1 && committed.length < FIXTURE_TIMESTAMPS.length, "killed mid-replay");
    // The killed process's lock on the data folder is stale: the next one must take over by itself.
    const second = await startService({ ...env, POLL_INTERVAL_MS: "100" });
    try {
      await replayDone(second);
    } finally {
      assert.equal(await second.stop(), 0);
    }
    assert.deepEqual(spoolFiles(dataDir), []);
    assert.deepEqual(await storedTimestamps({ dataDir }), FIXTURE_TIMESTAMPS);
    assert.deepEqual(await networkCounts({ dataDir }), clean);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

/**
 * Fault tests of G1/G2 with the real service and a real PostgreSQL of the test's own (never the shared
 * server, which other runs use): the database stopped mid-replay and started again, and the spool it
 * filled meanwhile surviving a SIGKILL of the process.
 */
import assert from "node:assert/strict";
import type { StatusReport } from "../routes/deps.ts";
import { FIXTURES_DIR } from "./helpers/fixtures.ts";
import { PostgresCluster, requirePostgresBinaries } from "./helpers/postgres_cluster.ts";
import {
  cleanRunCounts,
  FIXTURE_TIMESTAMPS,
  networkCounts,
  replayDone,
  spoolFiles,
  storedTimestamps,
  withSql,
} from "./helpers/replay_check.ts";
import { type RunningService, startService } from "./helpers/service.ts";

/** A cluster with two empty databases: `clean` for an undisturbed run, `faulty` for the test's. */
async function withCluster(
  fn: (cluster: PostgresCluster, urls: { clean: string; faulty: string }) => Promise<void>,
): Promise<void> {
  const cluster = await PostgresCluster.create();
  const dataDir = await Deno.makeTempDir({ prefix: "outage_" });
  try {
    await cluster.start();
    await withSql(cluster.url, async (sql) => {
      await sql`create database clean`;
      await sql`create database faulty`;
    });
    const url = (name: string) => cluster.url.replace(/\/postgres$/, `/${name}`);
    await fn(cluster, { clean: url("clean"), faulty: url("faulty") });
  } catch (error) {
    throw new Error(
      `${(error as Error).message}\n--- server log ---\n${(await cluster.log()).slice(-3000)}`,
      {
        cause: error,
      },
    );
  } finally {
    await cluster.destroy();
    await Deno.remove(dataDir, { recursive: true });
  }
}

const spooledCount = (s: StatusReport) =>
  Number(/store: (\d+) messages spooled/.exec(s.degraded.join("\n"))?.[1] ?? 0);

/** Starts the replay slowly enough to stop the database after the first snapshot, and does. */
async function replayUntilOutage(
  cluster: PostgresCluster,
  env: Record<string, string>,
): Promise<{ service: RunningService; spooled: StatusReport }> {
  const service = await startService({
    FEED: FIXTURES_DIR,
    POLL_INTERVAL_MS: "700",
    SPOOL_RETRY_MS: "200",
    // A call caught by the shutdown can hang until this deadline before it fails, and under load two or
    // three of them may come before the breaker opens: at the default 10 s they outlast the wait below.
    DATABASE_TIMEOUT_MS: "3000",
    ...env,
  });
  try {
    await service.waitForJson<StatusReport>(
      "/api/status",
      "the first snapshot stored",
      (s) => s.snapshots.stored >= 1,
    );
    await cluster.stop();
    // Every later snapshot was fetched and waits in the spool: none was dropped on the floor.
    const spooled = await service.waitForJson<StatusReport>(
      "/api/status",
      "the rest of the replay spooled, the breaker open",
      (s) =>
        s.snapshots.fetched === FIXTURE_TIMESTAMPS.length + 1 &&
        spooledCount(s) > 0 &&
        s.snapshots.stored + spooledCount(s) === FIXTURE_TIMESTAMPS.length &&
        s.degraded.some((d) => /breaker database (open|half-open)/.test(d)),
      30_000,
    );
    return { service, spooled };
  } catch (error) {
    await service.kill();
    throw error;
  }
}

Deno.test({
  name: "PostgreSQL stopped mid-replay and started again: every snapshot stored once, in feed order",
  ...requirePostgresBinaries,
  fn: () =>
    withCluster(async (cluster, urls) => {
      const clean = await cleanRunCounts(urls.clean);
      const dataDir = await Deno.makeTempDir({ prefix: "outage_" });
      try {
        const { service } = await replayUntilOutage(cluster, {
          DATA_DIR: dataDir,
          DATABASE_URL: urls.faulty,
        });
        try {
          assert.ok(spoolFiles(dataDir).length > 0, "the spool is on disk");
          await cluster.start();
          await replayDone(service);
          assert.ok(service.logs.some((l) => /spooled messages/.test(l.message)), "the spool was drained");
        } finally {
          assert.equal(await service.stop(), 0);
        }
        assert.deepEqual(spoolFiles(dataDir), []);
        assert.deepEqual(await storedTimestamps(urls.faulty), FIXTURE_TIMESTAMPS);
        assert.deepEqual(await networkCounts(urls.faulty), clean);
      } finally {
        await Deno.remove(dataDir, { recursive: true });
      }
    }),
});

Deno.test({
  name: "snapshots spooled while PostgreSQL is down survive a SIGKILL and are written by the next process",
  ...requirePostgresBinaries,
  fn: () =>
    withCluster(async (cluster, urls) => {
      const clean = await cleanRunCounts(urls.clean);
      const dataDir = await Deno.makeTempDir({ prefix: "outage_" });
      // The second process replays nothing: whatever it writes can only have come from the spool.
      const emptyFeed = await Deno.makeTempDir({ prefix: "empty_feed_" });
      try {
        const { service, spooled } = await replayUntilOutage(cluster, {
          DATA_DIR: dataDir,
          DATABASE_URL: urls.faulty,
        });
        await service.kill();
        assert.equal(spoolFiles(dataDir).length, spooledCount(spooled));
        await cluster.start();

        const next = await startService({ FEED: emptyFeed, DATA_DIR: dataDir, DATABASE_URL: urls.faulty });
        try {
          await next.waitForJson<StatusReport>(
            "/api/status",
            "the spool written",
            (s) =>
              s.snapshots.stored === spooledCount(spooled) && !s.degraded.some((d) => d.startsWith("store:")),
          );
        } finally {
          assert.equal(await next.stop(), 0);
        }
        assert.deepEqual(spoolFiles(dataDir), []);
        assert.deepEqual(await storedTimestamps(urls.faulty), FIXTURE_TIMESTAMPS);
        assert.deepEqual(await networkCounts(urls.faulty), clean);
      } finally {
        await Deno.remove(dataDir, { recursive: true });
        await Deno.remove(emptyFeed, { recursive: true });
      }
    }),
});

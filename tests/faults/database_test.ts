/**
 * Fault cases: the database under the running service, on a PostgreSQL cluster of the case's own (the
 * shared server is never stopped): stopped with `pg_ctl stop -m immediate` mid-replay and started again,
 * and frozen with SIGSTOP for longer than the store's timeouts, then let go. Meanwhile snapshots wait in
 * the spool in DATA_DIR; afterwards every one is written once, in feed order (G1, G2, G6).
 */
import assert from "node:assert/strict";
import type { StatusReport } from "../../routes/deps.ts";
import type { ServiceHealth } from "../../routes/services.ts";
import { requirePostgres } from "../helpers/postgres.ts";
import { PostgresCluster, requirePostgresBinaries } from "../helpers/postgres_cluster.ts";
import { spoolFiles, storedTimestamps, type TableCounts } from "../helpers/replay_check.ts";
import { type RunningService, startService } from "../helpers/service.ts";
import { assertLedger, type SentSnapshot, settle } from "./ledger.ts";
import { simFolder } from "./inputs.ts";
import { type CaseStore, cleanRun, untilSettled } from "./runs.ts";

/** Database calls give up after this (2.5 s with the driver's grace; the breaker allows twice that). */
const DATABASE_TIMEOUT_MS = 2_000;

interface Input {
  dir: string;
  sent: SentSnapshot[];
  clean: TableCounts;
}

/** A new cluster and DATA_DIR for one case; the server log is added to a failure's message. */
async function withOwnCluster(fn: (cluster: PostgresCluster, store: CaseStore) => Promise<void>) {
  const cluster = await PostgresCluster.create();
  const dataDir = await Deno.makeTempDir({ prefix: "fault_case_" });
  try {
    await cluster.start();
    await fn(cluster, { url: cluster.url, dataDir, env: { DATA_DIR: dataDir, DATABASE_URL: cluster.url } });
  } catch (error) {
    const log = (await cluster.log()).slice(-3000);
    throw new Error(`${(error as Error).message}\n--- server log ---\n${log}`, { cause: error });
  } finally {
    await cluster.destroy();
    await Deno.remove(dataDir, { recursive: true });
  }
}

/**
 * Replays the folder into the case's cluster and runs `outage` once the first snapshots are stored; then
 * waits until everything sent is in and the spool is empty, stops the service (exit 0), and settles.
 */
async function replayThrough(
  input: Input,
  name: string,
  outage: (cluster: PostgresCluster, service: RunningService, dataDir: string) => Promise<void>,
): Promise<void> {
  await withOwnCluster(async (cluster, store) => {
    const service = await startService({
      ...store.env,
      FEED: input.dir,
      POLL_INTERVAL_MS: "150",
      SPOOL_RETRY_MS: "200",
      DATABASE_TIMEOUT_MS: String(DATABASE_TIMEOUT_MS),
    });
    try {
      await service.waitForJson<StatusReport>(
        "/api/status",
        "three snapshots stored",
        (s) => s.snapshots.stored >= 3,
      );
      await outage(cluster, service, store.dataDir);
      await untilSettled(store.url, input.sent, service);
      await service.waitForJson<StatusReport>(
        "/api/status",
        "the spool written and the breaker closed",
        (s) => !s.degraded.some((d) => d.startsWith("store:")),
      );
      // A restart is allowed (nothing may be lost either way), but it is worth seeing.
      const { body } = await service.getJson<{ services: ServiceHealth[] }>("/api/services/health");
      console.log(`  ${name}: restarts ${body.services.map((s) => `${s.name} ${s.restarts}`).join(", ")}`);
    } finally {
      assert.equal(await service.stop(), 0, "SIGTERM after the outage ends the service with exit 0");
    }
    assert.deepEqual(spoolFiles(store.dataDir), [], "nothing is left in the spool");
    const ledger = await settle(store.url, input.sent, input.clean);
    // Written in the order the feed sent them: the spool is drained oldest first.
    const feedOrder = input.sent.flatMap((s) => s.updateTimestamp === null ? [] : [s.updateTimestamp]);
    assert.deepEqual(await storedTimestamps(store.url), feedOrder, "stored in feed order");
    assertLedger(name, ledger, 1);
  });
}

/** Waits until at least `n` snapshots wait in the spool on disk, or fails after `timeoutMs`. */
async function spooled(service: RunningService, dataDir: string, n: number, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs;
  while (spoolFiles(dataDir).length < n) {
    if (Date.now() > until) throw new Error(`${spoolFiles(dataDir).length} of ${n} snapshots spooled`);
    // Still answering while the database is away; fails at once if the process has ended.
    await service.getJson("/health/live");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

Deno.test({
  name: "fault suite: PostgreSQL stopped abruptly or frozen mid-replay loses and doubles nothing",
  ignore: requirePostgres.ignore || requirePostgresBinaries.ignore,
  fn: async (t) => {
    const junk = new TextEncoder().encode(`{"general":{"update_timestamp":17},"pilots":[]}`);
    const { dir, sent } = await simFolder({ count: 40, pilots: 300, extra: { "snap-007-junk.json": junk } });
    try {
      const input = { dir, sent, clean: await cleanRun(dir, sent) };

      await t.step(
        "pg_ctl stop -m immediate, then started again",
        () =>
          replayThrough(input, "PostgreSQL stopped -m immediate", async (cluster, service, dataDir) => {
            await cluster.stopImmediate();
            await spooled(service, dataDir, 4);
            await cluster.start();
          }),
      );

      await t.step(
        "SIGSTOP for longer than the store's timeouts, then SIGCONT",
        () =>
          replayThrough(input, "PostgreSQL frozen (SIGSTOP)", async (cluster, service, dataDir) => {
            const frozen = await cluster.freeze();
            try {
              // Each of these waited out its deadline on the frozen server before it was spooled.
              await spooled(service, dataDir, 3);
              const { body } = await service.getJson<StatusReport>("/api/status");
              assert.ok(
                body.degraded.some((d) => /^store: \d+ messages spooled/.test(d)),
                JSON.stringify(body.degraded),
              );
            } finally {
              cluster.thaw(frozen);
            }
          }),
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

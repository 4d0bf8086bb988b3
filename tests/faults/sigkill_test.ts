/**
 * Fault case: the process SIGKILLed at random points of a replay, ten times in a row on the same
 * DATA_DIR and database, then a run to the end: nothing committed is lost or doubled (G1, G2). The kill
 * delays come from a printed seed; FAULT_SEED=<seed> replays them.
 */
import type postgres from "postgres";
import type { StatusReport } from "../../routes/deps.ts";
import { Prng } from "../../sim/prng.ts";
import { requirePostgres } from "../helpers/postgres.ts";
import { withSql } from "../helpers/replay_check.ts";
import { type RunningService, startService } from "../helpers/service.ts";
import { assertLedger, settle } from "./ledger.ts";
import { simFolder } from "./inputs.ts";
import { caseSeed, cleanRun, committedCount, runToEnd, untilCommitted, withCaseStore } from "./runs.ts";

const KILLS = 10;

/**
 * Where a kill lands: during start-up (migrations, the spool left by the last kill, the replay of what
 * is stored already), or once this process has committed a new snapshot, when the next ones are on
 * their way through fetcher, processor, spool and transaction; once all are in, after a duplicate.
 */
async function killSomewhere(
  service: RunningService,
  sql: postgres.Sql,
  random: Prng,
  snapshots: number,
): Promise<string> {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  if (random.chance(0.3)) {
    const delayMs = random.int(0, 1_500);
    await sleep(delayMs);
    await service.kill();
    return `${delayMs} ms into start-up`;
  }
  const delayMs = random.int(0, 400);
  const before = await committedCount(sql);
  if (before < snapshots) await untilCommitted(sql, before);
  else {
    await service.waitForJson<StatusReport>("/api/status", "a duplicate", (s) => s.snapshots.duplicates > 0);
  }
  await sleep(delayMs);
  await service.kill();
  return `${delayMs} ms after ${before < snapshots ? "a new snapshot committed" : "a duplicate"}`;
}

Deno.test({
  name: "fault suite: SIGKILL at random points ten times in a row, then a run to the end",
  ...requirePostgres,
  fn: async () => {
    // Simulator snapshots, with a body among them that is not one: it must be quarantined.
    const junk = new TextEncoder().encode(`{"general":"not a snapshot","pilots":[]}`);
    const { dir, sent } = await simFolder({ count: 32, pilots: 400, extra: { "snap-009-junk.json": junk } });
    try {
      const env = { FEED: dir, POLL_INTERVAL_MS: "100" };
      const snapshots = sent.filter((body) => body.updateTimestamp !== null).length;
      const clean = await cleanRun(dir, sent);
      const seed = caseSeed("sigkill");
      const random = new Prng(seed);
      await withCaseStore((store) =>
        withSql(store.url, async (sql) => {
          for (let kill = 1; kill <= KILLS; kill++) {
            const service = await startService({ ...store.env, ...env });
            let where: string;
            try {
              where = await killSomewhere(service, sql, random, snapshots);
            } finally {
              await service.kill(); // a no-op once killed
            }
            console.log(`  kill ${kill}: ${where}; ${await committedCount(sql)} of ${snapshots} in`);
          }
          await runToEnd(store, env, sent);
          assertLedger(`SIGKILL x${KILLS} (seed ${seed})`, await settle(store.url, sent, clean), 1);
        })
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

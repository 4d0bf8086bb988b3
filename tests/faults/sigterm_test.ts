/**
 * Fault case: SIGTERM while snapshots are being ingested, at seeded random points. Each stop exits 0
 * with an empty spool, and every snapshot the fetcher had taken from the feed by then is committed (the
 * stop drains fetcher → processor → store in that order); a last run then loses and doubles nothing.
 */
import assert from "node:assert/strict";
import type { StatusReport } from "../../routes/deps.ts";
import { Prng } from "../../sim/prng.ts";
import { requirePostgres } from "../helpers/postgres.ts";
import { spoolFiles, withSql } from "../helpers/replay_check.ts";
import { startService } from "../helpers/service.ts";
import { assertLedger, settle } from "./ledger.ts";
import { simFolder } from "./inputs.ts";
import {
  caseSeed,
  cleanRun,
  committedCount,
  runToEnd,
  unsettled,
  untilCommitted,
  withCaseStore,
} from "./runs.ts";

const STOPS = 3;

Deno.test({
  name: "fault suite: SIGTERM during ingest exits 0 with everything fetched committed",
  ...requirePostgres,
  fn: async () => {
    const junk = new TextEncoder().encode(`["not", "a", "snapshot"]`);
    const { dir, sent } = await simFolder({ count: 24, pilots: 600, extra: { "snap-002-junk.json": junk } });
    try {
      const env = { FEED: dir, POLL_INTERVAL_MS: "100" };
      const clean = await cleanRun(dir, sent);
      const seed = caseSeed("sigterm");
      const random = new Prng(seed);
      await withCaseStore((store) =>
        withSql(store.url, async (sql) => {
          for (let stop = 1; stop <= STOPS; stop++) {
            const service = await startService({ ...store.env, ...env });
            let status: StatusReport;
            let delayMs: number;
            try {
              // Once this process has committed a new snapshot, more are on their way through the actors.
              await untilCommitted(sql, await committedCount(sql));
              delayMs = random.int(0, 300);
              await new Promise((resolve) => setTimeout(resolve, delayMs));
              status = (await service.getJson<StatusReport>("/api/status")).body;
            } catch (error) {
              await service.kill();
              throw error;
            }
            assert.equal(await service.stop(), 0, "SIGTERM ends the service with exit 0");
            // The folder is replayed in order, so the first `fetched` files were taken from the feed.
            const taken = new Set(sent.slice(0, status.snapshots.fetched).map((s) => s.label));
            const open = await unsettled(store.url, sent);
            console.log(
              `  stop ${stop}: ${delayMs} ms after a new commit; ${status.snapshots.fetched} fetched, ` +
                `${sent.length - open.length} of ${sent.length} in`,
            );
            assert.deepEqual(open.filter((label) => taken.has(label)), [], "what was fetched is committed");
            assert.deepEqual(spoolFiles(store.dataDir), [], "a graceful stop leaves nothing in the spool");
          }
          await runToEnd(store, env, sent);
          assertLedger(`SIGTERM x${STOPS} (seed ${seed})`, await settle(store.url, sent, clean), 1);
        })
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

/**
 * A snapshot the database refuses for good (its data, not its availability) is quarantined whole, as the
 * message the store was sent, with the database's reason; the snapshots around it are stored as usual.
 */
import assert from "node:assert/strict";
import { noSightings } from "../db/network.ts";
import { requirePostgres, withTempDatabase } from "../tests/helpers/postgres.ts";
import { withSql } from "../tests/helpers/replay_check.ts";
import { StoreProtocol } from "./protocol.ts";
import { decodeSpooled } from "./spooled_message.ts";
import { feedTime, soloActor, summaryAt } from "./test_support.ts";

const REFUSED_PILOTS = 13;

function snapshotAt(s: number, pilots: number) {
  return {
    fetch: { source: `test:${s}`, fetchedAt: Date.now(), fetchMs: null, bytes: 100 },
    summary: summaryAt(s, pilots),
    rejected: [],
    rejectedTotal: 0,
    anomalies: [],
    changes: {
      at: feedTime(s),
      graceMs: 120_000,
      events: [],
      flights: noSightings(),
      continuedControllers: [],
    },
  };
}

Deno.test({
  name: "a snapshot the database refuses for good is quarantined whole with the reason, not dropped",
  ...requirePostgres,
  fn: () =>
    withTempDatabase(async (url) => {
      const dataDir = await Deno.makeTempDir({ prefix: "store_refusal_" });
      const system = soloActor("store", { config: { databaseUrl: url, dataDir } });
      await system.start();
      try {
        const store = system.ref("store", StoreProtocol);
        await store.ask("store.ping", {}, { timeoutMs: 30_000 });
        // 22023 (invalid parameter value): a data error, which no retry would change.
        await withSql(url, async (sql) => {
          await sql.unsafe(`
            create function refuse_13() returns trigger language plpgsql as $$
            begin
              if new.pilots = ${REFUSED_PILOTS} then
                raise exception 'thirteen pilots refused' using errcode = '22023';
              end if;
              return new;
            end $$;
            create trigger refuse_13 before insert on snapshots for each row execute function refuse_13();`);
        });
        for (const [s, pilots] of [[0, 10], [15, REFUSED_PILOTS], [30, 11]]) {
          store.tell("store.snapshot", snapshotAt(s, pilots));
        }
        const rows = await withSql(url, async (sql) => {
          const until = Date.now() + 20_000;
          for (;;) {
            const stored = await sql`select pilots from snapshots order by update_timestamp`;
            const held = await sql`select scope, reason, raw, update_timestamp from quarantine`;
            if (stored.length === 2 && held.length === 1) return { stored, held };
            if (Date.now() > until) throw new Error(`stored ${stored.length}, quarantined ${held.length}`);
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
        });
        assert.deepEqual(rows.stored.map((r) => r.pilots), [10, 11]);
        const [held] = rows.held;
        assert.equal(held.scope, "snapshot");
        assert.match(held.reason, /^snapshot not stored, the database refused it: .*thirteen pilots refused/);
        const decoded = decodeSpooled(new Uint8Array(held.raw));
        assert.ok(decoded.ok && decoded.message.kind === "store.snapshot");
        assert.equal(decoded.message.body.summary.pilots, REFUSED_PILOTS);
        assert.equal(decoded.message.body.summary.updateTimestamp, feedTime(15));
        // Nothing left behind in the spool.
        assert.deepEqual(
          [...Deno.readDirSync(`${dataDir}/spool`)].filter((e) => e.name.endsWith(".json")),
          [],
        );
      } finally {
        await system.stop();
        await Deno.remove(dataDir, { recursive: true });
      }
    }),
});

/**
 * The store's reads for the data routes: a read the database refuses (its data, its statement) is the
 * answer to that read, not a sign the database is down, so it opens no breaker; and the answer, which
 * reaches HTTP clients, says why without the statement.
 */
import assert from "node:assert/strict";
import { requirePostgres, withTempDatabase } from "../tests/helpers/postgres.ts";
import { withSql } from "../tests/helpers/replay_check.ts";
import { StoreProtocol } from "./protocol.ts";
import { soloActor } from "./test_support.ts";

Deno.test({
  name: "reads the database refuses open no breaker, and their answers carry no SQL",
  ...requirePostgres,
  fn: () =>
    withTempDatabase(async (url) => {
      const dataDir = await Deno.makeTempDir({ prefix: "store_query_" });
      const system = soloActor("store", { config: { databaseUrl: url, dataDir } });
      await system.start();
      try {
        const store = system.ref("store", StoreProtocol);
        // Connected and migrated.
        await store.ask("store.ping", {}, { timeoutMs: 30_000 });
        await withSql(url, (sql) => sql`alter table snapshots rename to snapshots_away`);
        // More refusals in a row than the breaker's five failures.
        for (let i = 0; i < 7; i++) {
          const answer = await store.ask("store.query", { name: "flights", filter: {} }, {
            timeoutMs: 10_000,
          });
          assert.equal(answer.ok, false);
          if (answer.ok) return;
          assert.match(answer.error, /relation "snapshots" does not exist/);
          assert.doesNotMatch(answer.error, /\(in: |select /i, "no statement in the answer");
        }
        await withSql(url, (sql) => sql`alter table snapshots_away rename to snapshots`);
        // A ping goes through the same breaker: it would be refused had the reads opened it.
        const ping = await store.ask("store.ping", {}, { timeoutMs: 10_000 });
        assert.equal(ping.kind, "postgres");
      } finally {
        await system.stop();
        await Deno.remove(dataDir, { recursive: true });
      }
    }),
});

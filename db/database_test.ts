import assert from "node:assert/strict";
import { DatabaseError, openDatabase } from "./database.ts";
import { driverCases } from "../tests/helpers/databases.ts";

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const failure = (work: Promise<unknown>) =>
  work.then(() => assert.fail("expected a failure"), (e: unknown) => e);

for (const driver of driverCases) {
  const test = (name: string, fn: () => Promise<void>) =>
    Deno.test({ name: `${name} [${driver.kind}]`, ignore: driver.ignore, fn });

  test("parameters and results have the same types", () =>
    driver.withDatabase(async (db) => {
      const text = `Zoë "double" 'single' back\\slash ✈ {x} NULL`;
      const [row] = await db.query(
        `select $1::int as int, $2::float8 as float, $3::text as text, $4::bool as yes, $5::bool as no,
          $6::text as nothing, $7::timestamptz as at, $8::bytea as bytes, $9::bytea as empty,
          $10::int[] as ints, $11::text[] as texts, 9007199254740991::int8 as big, 1.5::numeric as exact,
          array[1, null]::int8[] as longs, array[true, null]::bool[] as flags, array[]::int[] as none,
          to_char($12::timestamptz at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as micros`,
        [
          42,
          -1.25,
          text,
          true,
          false,
          null,
          new Date("2021-04-24T15:28:14.692Z"),
          new Uint8Array([0, 1, 127, 128, 255]),
          new Uint8Array(),
          [1, -2, null],
          ["a", "b,c", "{x}", '"q"', "back\\slash", "", "NULL", null, " padded "],
          "2021-04-24T15:28:14.692531Z",
        ],
      );
      assert.deepEqual(row, {
        int: 42,
        float: -1.25,
        text,
        yes: true,
        no: false,
        nothing: null,
        at: new Date("2021-04-24T15:28:14.692Z"),
        bytes: new Uint8Array([0, 1, 127, 128, 255]),
        empty: new Uint8Array(),
        ints: [1, -2, null],
        texts: ["a", "b,c", "{x}", '"q"', "back\\slash", "", "NULL", null, " padded "],
        big: 9007199254740991,
        exact: "1.5",
        longs: [1, null],
        flags: [true, null],
        none: [],
        micros: "2021-04-24T15:28:14.692531Z",
      });
    }));

  test("arrays feed unnest for bulk writes", () =>
    driver.withDatabase(async (db) => {
      await db.query("create table t (id int primary key, name text)");
      const insert = "insert into t select * from unnest($1::int[], $2::text[])";
      await db.query(insert, [[1, 2, 3], ["a", null, "c,d"]]);
      await db.query(insert, [[], []]);
      assert.deepEqual(await db.query("select id, name from t order by id"), [
        { id: 1, name: "a" },
        { id: 2, name: null },
        { id: 3, name: "c,d" },
      ]);
    }));

  test("a failed statement is a DatabaseError naming it", () =>
    driver.withDatabase(async (db) => {
      const error = await failure(db.query("select nope\n  from nowhere\n  where x = $1", [1]));
      assert.ok(error instanceof DatabaseError);
      assert.equal(error.code, "42P01");
      assert.equal(error.statement, "select nope from nowhere where x = $1");
      assert.match(error.message, /relation "nowhere" does not exist \(in: select nope from nowhere/);
      assert.ok(error.cause instanceof Error);

      const long = await failure(db.query(`select ${"1 + ".repeat(50)} nope`));
      assert.ok(long instanceof DatabaseError && long.statement !== undefined);
      assert.ok(long.statement.length <= 80 && long.statement.endsWith("…"));

      const undefinedParam = await failure(db.query("select $1::int", [undefined]));
      assert.ok(undefinedParam instanceof DatabaseError);
      assert.match(undefinedParam.message, /parameter \$1 is undefined/);
    }));

  test("a transaction commits when fn resolves and rolls back when it throws", () =>
    driver.withDatabase(async (db) => {
      await db.query("create table t (id int primary key)");
      const result = await db.transaction(async (tx) => {
        await tx.query("insert into t values (1)");
        return "kept";
      });
      assert.equal(result, "kept");

      const boom = new Error("boom");
      const thrown = await failure(db.transaction(async (tx) => {
        await tx.query("insert into t values (2)");
        throw boom;
      }));
      assert.equal(thrown, boom);

      // fn swallowed a failed statement: the commit cannot keep anything and says so.
      const swallowed = await failure(db.transaction(async (tx) => {
        await tx.query("insert into t values (3)");
        await tx.query("insert into t values (1)").catch(() => undefined);
      }));
      assert.ok(swallowed instanceof DatabaseError);
      assert.match(swallowed.message, /rolled back/);

      let leaked: { query(text: string): Promise<unknown> } | undefined;
      await db.transaction((tx) => Promise.resolve(leaked = tx));
      assert.match(String(await failure(leaked?.query("select 1") ?? Promise.resolve())), /already ended/);

      assert.deepEqual(await db.query("select id from t order by id"), [{ id: 1 }]);
    }));

  test("concurrent transactions do not see each other's writes", () =>
    driver.withDatabase(async (db) => {
      await db.query("create table log (id serial primary key, tx text not null)");
      const writer = (name: string) =>
        db.transaction(async (tx) => {
          for (let step = 0; step < 3; step++) {
            await tx.query("insert into log (tx) values ($1)", [name]);
            await delay(20); // every chance for the other transaction to run in between
          }
          const [row] = await tx.query<{ n: number }>("select count(*) as n from log where tx <> $1", [name]);
          return row?.n;
        });
      const seen = await Promise.all([writer("a"), writer("b")]);
      // 0: the other had not committed; 3: it had committed before. Anything else is interleaving.
      for (const n of seen) assert.ok(n === 0 || n === 3, `saw ${n} rows of the other transaction`);
      const order = (await db.query<{ tx: string }>("select tx from log order by id")).map((r) => r.tx).join(
        "",
      );
      // PGlite has one session, so its transactions must run one after the other.
      if (db.kind === "pglite") assert.match(order, /^(aaabbb|bbbaaa)$/);
      else assert.equal(order.length, 6);
    }));

  test("a call that waits too long times out and leaves the database usable", () =>
    driver.withDatabase(async (db) => {
      await db.query("create table t (id int primary key, v int not null)");
      await db.query("insert into t values (1, 0)");
      const holder = db.transaction(async (tx) => {
        await tx.query("update t set v = v + 1 where id = 1");
        await delay(1_500); // holds the row lock (PostgreSQL) or the engine (PGlite)
      });
      await delay(50);
      const started = performance.now();
      const blocked = await failure(db.query("update t set v = 10 where id = 1"));
      const waited = performance.now() - started;
      assert.ok(blocked instanceof DatabaseError && blocked.timedOut, String(blocked));
      assert.ok(waited >= 250 && waited < 1_200, `timed out after ${waited} ms`); // not when the holder let go
      await holder;
      assert.deepEqual(await db.query("select v from t"), [{ v: 1 }]);

      // A running statement can only be stopped by a server: PGlite runs it on this very thread.
      if (db.kind === "postgres") {
        const sleepStarted = performance.now();
        const slept = await failure(db.query("select pg_sleep(5)"));
        assert.ok(slept instanceof DatabaseError && slept.timedOut, String(slept));
        assert.ok(performance.now() - sleepStarted < 2_000);
        assert.deepEqual(await db.query("select 1 as one"), [{ one: 1 }]);
      }
    }, { queryTimeoutMs: 300 }));
}

Deno.test("openDatabase refuses a non-positive timeout", async () => {
  await assert.rejects(openDatabase({ dataDir: "", queryTimeoutMs: 0 }), RangeError);
});

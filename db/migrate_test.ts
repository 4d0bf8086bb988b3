import assert from "node:assert/strict";
import type { Database } from "./database.ts";
import { migrate, MigrationError } from "./migrate.ts";
import { MIGRATIONS, type MigrationSource } from "../sql/migrations.ts";
import { driverCases } from "../tests/helpers/databases.ts";

const PROJECT_MIGRATIONS = new URL("../sql/migrations/", import.meta.url);

async function projectFiles(): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(PROJECT_MIGRATIONS)) {
    if (entry.isFile && entry.name.endsWith(".sql")) files.push(entry.name);
  }
  return files.sort();
}

const sources = (files: Record<string, string>): MigrationSource[] =>
  Object.entries(files).map(([file, sql]) => ({ file, sql }));

const sha256 = async (bytes: Uint8Array<ArrayBuffer>) =>
  new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)).toHex();

Deno.test("sql/migrations.ts lists every file of sql/migrations/, in order, with its exact bytes", async () => {
  const files = await projectFiles();
  const listed = MIGRATIONS.map((migration) => migration.file);
  const missing = files.filter((file) => !listed.includes(file));
  assert.deepEqual(
    missing,
    [],
    `add ${missing.join(", ")} to sql/migrations.ts (an import with { type: "text" } and a MIGRATIONS entry)`,
  );
  assert.deepEqual(
    listed,
    files,
    "sql/migrations.ts names a file that is not there, or lists them out of order",
  );
  for (const migration of MIGRATIONS) {
    const bytes = await Deno.readFile(new URL(migration.file, PROJECT_MIGRATIONS));
    // The recorded checksum is over the file's bytes: the imported text must encode back to exactly them.
    assert.equal(
      await sha256(new TextEncoder().encode(migration.sql)),
      await sha256(bytes),
      `${migration.file} differs from its text import`,
    );
  }
});

const tables = async (db: Database) =>
  (await db.query<{ name: string }>(
    "select table_name as name from information_schema.tables where table_schema = 'public' order by 1",
  )).map((row) => row.name);

for (const driver of driverCases) {
  const test = (name: string, fn: () => Promise<void>) =>
    Deno.test({ name: `${name} [${driver.kind}]`, ignore: driver.ignore, fn });

  test("the project's migrations apply once, and a second run applies nothing", () =>
    driver.withDatabase(async (db) => {
      const versions = (await projectFiles()).map((file) => file.slice(0, -".sql".length));
      assert.deepEqual(await migrate(db), { applied: versions, current: versions.at(-1) });
      assert.deepEqual(await migrate(db), { applied: [], current: versions.at(-1) });
      const present = await tables(db);
      for (const table of ["schema_migrations", "snapshots", "quarantine"]) {
        assert.ok(present.includes(table));
      }
    }));

  test("0006 on a database that holds sessions: same last_seen, none present, the clock at the newest snapshot", () =>
    driver.withDatabase(async (db) => {
      const before0006 = MIGRATIONS.filter((m) => m.file < "0006");
      await migrate(db, { migrations: before0006 });
      await db.query(
        `insert into snapshots (update_timestamp, fetched_at, source, bytes, pilots, controllers, atis, prefiles,
          servers) values ('2026-01-01T10:00:15Z', now(), 'x', 0, 2, 0, 0, 0, 0)`,
      );
      await db.query(
        `insert into flights (cid, callsign, logon_time, first_seen, last_seen, name, server, pilot_rating,
          latitude, longitude, altitude, groundspeed, heading, transponder, position_at, status, completed_at)
        values
          (1, 'AAA1', '2026-01-01T09:00:00Z', '2026-01-01T09:00:15Z', '2026-01-01T10:00:15Z', 'a', 's', 0,
            1, 2, 3000, 250, 90, '2000', '2026-01-01T10:00:00Z', 'active', null),
          (2, 'BBB2', '2026-01-01T08:00:00Z', '2026-01-01T08:00:15Z', '2026-01-01T09:30:00Z', 'b', 's', 0,
            null, null, null, null, null, null, null, 'completed', '2026-01-01T09:40:00Z')`,
      );
      const read = () =>
        db.query<{ callsign: string; last_seen: string; status: string }>(
          `select callsign, to_char(last_seen at time zone 'UTC', 'HH24:MI:SS') as last_seen, status
          from flights order by callsign`,
        );
      const stored = await read();

      await migrate(db);
      assert.deepEqual(await read(), stored);
      const [counts] = await db.query<{ present: number; clock: string }>(
        `select (select count(*)::int from flight_sessions where present) as present,
          (select to_char(at at time zone 'UTC', 'HH24:MI:SS') from network_clock) as clock`,
      );
      assert.deepEqual(counts, { present: 0, clock: "10:00:15" });
      const columns = await db.query<{ name: string }>(
        "select column_name as name from information_schema.columns where table_name = 'flights'",
      );
      assert.ok(!columns.some((c) => c.name === "position_at" || c.name === "latitude"));
    }));

  test("a migration edited after it was applied is refused, naming the file", () =>
    driver.withDatabase(async (db) => {
      await migrate(db, { migrations: sources({ "0001_a.sql": "create table a (x int);\n" }) });
      const edited = sources({ "0001_a.sql": "create table a (x bigint);\n" });
      const error = await migrate(db, { migrations: edited }).then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof MigrationError, String(error));
      assert.equal(error.file, "0001_a.sql");
      assert.match(error.message, /migration 0001_a\.sql changed after it was applied/);
    }));

  test("a failing migration names its file and statement and leaves nothing half-done", () =>
    driver.withDatabase(async (db) => {
      const ok = "create table ok (x int);";
      const bad = sources({
        "0001_ok.sql": ok,
        "0002_bad.sql": "create table half (x int);\n-- the mistake:\ninsert into missing values (1);\n",
      });
      const error = await migrate(db, { migrations: bad }).then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof MigrationError, String(error));
      assert.equal(error.file, "0002_bad.sql");
      assert.equal(error.statement, "insert into missing values (1)");
      assert.match(
        error.message,
        /^migration 0002_bad\.sql failed at statement 2: relation "missing" does not/,
      );
      assert.deepEqual(await tables(db), ["ok", "schema_migrations"]);

      const fixed = sources({ "0001_ok.sql": ok, "0002_bad.sql": "create table half (x int);\n" });
      assert.deepEqual(await migrate(db, { migrations: fixed }), {
        applied: ["0002_bad"],
        current: "0002_bad",
      });
    }));

  test("migrations apply in name order, whatever order they are listed in", () =>
    driver.withDatabase(async (db) => {
      const listed = sources({
        "0002_b.sql": "create table b (x int); insert into b select x from a;",
        "0001_a.sql": "create table a (x int); insert into a values (7);",
      });
      assert.deepEqual(await migrate(db, { migrations: listed }), {
        applied: ["0001_a", "0002_b"],
        current: "0002_b",
      });
      assert.deepEqual(await db.query("select x from b"), [{ x: 7 }]);
    }));

  test("concurrent migrators apply each migration exactly once", () =>
    driver.withDatabase(async (db, open) => {
      const migrations = sources({
        "0001_a.sql": "create table a (x int);",
        "0002_b.sql": "create table b (x int);",
        "0003_c.sql": "create table c (x int); insert into c values (1);",
      });
      const other = await open();
      try {
        const results = await Promise.all([migrate(db, { migrations }), migrate(other, { migrations })]);
        const applied = results.flatMap((result) => result.applied).sort();
        assert.deepEqual(applied, ["0001_a", "0002_b", "0003_c"]);
        for (const result of results) assert.equal(result.current, "0003_c");
        assert.deepEqual(await db.query("select x from c"), [{ x: 1 }]);
      } finally {
        if (other !== db) await other.close();
      }
    }));
}

import assert from "node:assert/strict";
import type { Database } from "./database.ts";
import { migrate, MigrationError } from "./migrate.ts";
import { driverCases } from "../tests/helpers/databases.ts";

const PROJECT_MIGRATIONS = new URL("../sql/migrations/", import.meta.url);

async function projectVersions(): Promise<string[]> {
  const versions: string[] = [];
  for await (const entry of Deno.readDir(PROJECT_MIGRATIONS)) {
    if (entry.name.endsWith(".sql")) versions.push(entry.name.slice(0, -4));
  }
  return versions.sort();
}

/** A temp folder of migrations; returns its URL and a function that rewrites one file. */
async function migrationsDir(files: Record<string, string>) {
  const path = await Deno.makeTempDir({ prefix: "migrations_" });
  const write = (name: string, sql: string) => Deno.writeTextFile(`${path}/${name}`, sql);
  for (const [name, sql] of Object.entries(files)) await write(name, sql);
  return { url: new URL(`file://${path}/`), write, remove: () => Deno.remove(path, { recursive: true }) };
}

const tables = async (db: Database) =>
  (await db.query<{ name: string }>(
    "select table_name as name from information_schema.tables where table_schema = 'public' order by 1",
  )).map((row) => row.name);

for (const driver of driverCases) {
  const test = (name: string, fn: () => Promise<void>) =>
    Deno.test({ name: `${name} [${driver.kind}]`, ignore: driver.ignore, fn });

  test("the project's migrations apply once, and a second run applies nothing", () =>
    driver.withDatabase(async (db) => {
      const versions = await projectVersions();
      assert.deepEqual(await migrate(db), { applied: versions, current: versions.at(-1) });
      assert.deepEqual(await migrate(db), { applied: [], current: versions.at(-1) });
      const present = await tables(db);
      for (const table of ["schema_migrations", "snapshots", "quarantine"]) {
        assert.ok(present.includes(table));
      }
    }));

  test("a migration edited after it was applied is refused, naming the file", async () => {
    const dir = await migrationsDir({ "0001_a.sql": "create table a (x int);\n" });
    try {
      await driver.withDatabase(async (db) => {
        await migrate(db, { dir: dir.url });
        await dir.write("0001_a.sql", "create table a (x bigint);\n");
        const error = await migrate(db, { dir: dir.url }).then(() => undefined, (e: unknown) => e);
        assert.ok(error instanceof MigrationError, String(error));
        assert.equal(error.file, "0001_a.sql");
        assert.match(error.message, /migration 0001_a\.sql changed after it was applied/);
      });
    } finally {
      await dir.remove();
    }
  });

  test("a failing migration names its file and statement and leaves nothing half-done", async () => {
    const dir = await migrationsDir({
      "0001_ok.sql": "create table ok (x int);",
      "0002_bad.sql": "create table half (x int);\n-- the mistake:\ninsert into missing values (1);\n",
    });
    try {
      await driver.withDatabase(async (db) => {
        const error = await migrate(db, { dir: dir.url }).then(() => undefined, (e: unknown) => e);
        assert.ok(error instanceof MigrationError, String(error));
        assert.equal(error.file, "0002_bad.sql");
        assert.equal(error.statement, "insert into missing values (1)");
        assert.match(
          error.message,
          /^migration 0002_bad\.sql failed at statement 2: relation "missing" does not/,
        );
        assert.deepEqual(await tables(db), ["ok", "schema_migrations"]);

        await dir.write("0002_bad.sql", "create table half (x int);\n");
        assert.deepEqual(await migrate(db, { dir: dir.url }), { applied: ["0002_bad"], current: "0002_bad" });
      });
    } finally {
      await dir.remove();
    }
  });

  test("concurrent migrators apply each migration exactly once", async () => {
    const dir = await migrationsDir({
      "0001_a.sql": "create table a (x int);",
      "0002_b.sql": "create table b (x int);",
      "0003_c.sql": "create table c (x int); insert into c values (1);",
    });
    try {
      await driver.withDatabase(async (db, open) => {
        const other = await open();
        try {
          const results = await Promise.all([
            migrate(db, { dir: dir.url }),
            migrate(other, { dir: dir.url }),
          ]);
          const applied = results.flatMap((result) => result.applied).sort();
          assert.deepEqual(applied, ["0001_a", "0002_b", "0003_c"]);
          for (const result of results) assert.equal(result.current, "0003_c");
          assert.deepEqual(await db.query("select x from c"), [{ x: 1 }]);
        } finally {
          if (other !== db) await other.close();
        }
      });
    } finally {
      await dir.remove();
    }
  });
}

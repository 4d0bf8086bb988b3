/**
 * Runs one test body against both drivers: a throwaway PostgreSQL database and a fresh PGlite copy.
 * Each case opens, hands over and closes its own database, so tests stay sanitizer-clean.
 */
import { type Database, openDatabase, type OpenDatabaseOptions } from "../../db/database.ts";
import { migrate } from "../../db/migrate.ts";
import { freshPgliteDir } from "./pglite.ts";
import { requirePostgres, withTempDatabase } from "./postgres.ts";

/** Options a test may set on the database it gets. */
export type TestDatabaseOptions = Omit<OpenDatabaseOptions, "url" | "dataDir">;

/** One driver to run a test body on. */
export interface DriverCase {
  kind: Database["kind"];
  /** Spread into `Deno.test({...})`. */
  ignore: boolean;
  /** Opens a fresh empty database, runs fn, closes and removes it. `open` gives more handles on it. */
  withDatabase<T>(
    fn: (db: Database, open: () => Promise<Database>) => Promise<T>,
    options?: TestDatabaseOptions,
  ): Promise<T>;
}

const postgresCase: DriverCase = {
  kind: "postgres",
  ignore: requirePostgres.ignore,
  withDatabase: (fn, options) =>
    withTempDatabase(async (url) => {
      const open = () => openDatabase({ ...options, url, dataDir: "" });
      const db = await open();
      try {
        return await fn(db, open);
      } finally {
        await db.close();
      }
    }),
};

const pgliteCase: DriverCase = {
  kind: "pglite",
  ignore: false,
  async withDatabase(fn, options) {
    const dataDir = await freshPgliteDir();
    try {
      const db = await openDatabase({ ...options, dataDir });
      try {
        // PGlite has one session per data folder: another handle would corrupt it, so share this one.
        return await fn(db, () => Promise.resolve(db));
      } finally {
        await db.close();
      }
    } finally {
      await Deno.remove(dataDir, { recursive: true });
    }
  },
};

/** Both drivers; loop over them to register the same test body twice. */
export const driverCases: readonly DriverCase[] = [postgresCase, pgliteCase];

/**
 * Registers `name` once per driver (`name [postgres]`, `name [pglite]`), each run on a fresh database
 * with every migration applied.
 */
export function testOnMigratedDatabases(name: string, fn: (db: Database) => Promise<void>): void {
  for (const driver of driverCases) {
    Deno.test({
      name: `${name} [${driver.kind}]`,
      ignore: driver.ignore,
      fn: () =>
        driver.withDatabase(async (db) => {
          await migrate(db);
          await fn(db);
        }),
    });
  }
}

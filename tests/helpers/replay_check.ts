/**
 * What the fault tests check after replaying the fixture folder through the real service: the rows it
 * left in PostgreSQL or PGlite, compared with those of a clean, undisturbed run of the same folder.
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import type { StatusReport } from "../../routes/deps.ts";
import { openDatabase, type Queryable } from "../../db/database.ts";
import { FIXTURES_DIR } from "./fixtures.ts";
import { type RunningService, startService } from "./service.ts";

/** The feed timestamps of the folder's snapshots, in feed order. */
export const FIXTURE_TIMESTAMPS = [
  "2021-04-09T15:43:09.863925Z",
  "2021-04-09T16:19:39.863076Z",
  "2021-04-24T15:28:14.692530Z",
  "2023-03-12T17:24:18.673757Z",
  "2025-08-06T06:54:57.998404Z",
];

/** The network tables, whose row counts must match a clean run's: none lost, none doubled. */
const NETWORK_TABLES = [
  "flights",
  "flight_plans",
  "positions",
  "controller_sessions",
  "atis",
  "frequency_changes",
  "events",
] as const;

export type TableCounts = Record<(typeof NETWORK_TABLES)[number], number>;

export async function withSql<T>(url: string, fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return await fn(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Where a run stored its data: a PostgreSQL URL, or the DATA_DIR of its embedded PGlite. */
export type StoreTarget = string | { dataDir: string };

/** Runs fn on the store of a run (a PostgreSQL URL or a PGlite DATA_DIR) and closes it. */
export async function withStore<T>(target: StoreTarget, fn: (db: Queryable) => Promise<T>): Promise<T> {
  const db = await openDatabase(typeof target === "string" ? { url: target, dataDir: "" } : target);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** The stored snapshots' feed timestamps, in the order they were committed. */
export async function storedTimestamps(target: StoreTarget): Promise<string[]> {
  return await withStore(target, async (db) => {
    const rows = await db.query<{ ts: string }>(
      `select to_char(update_timestamp at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as ts
      from snapshots order by id`,
    );
    return rows.map((row) => row.ts);
  });
}

/** Row counts of every network table. */
export async function countRows(db: Queryable): Promise<TableCounts> {
  const counts = {} as TableCounts;
  for (const table of NETWORK_TABLES) {
    const [{ n }] = await db.query<{ n: number }>(`select count(*)::int as n from ${table}`);
    counts[table] = n;
  }
  return counts;
}

/** Row counts of every network table of a run's store. */
export async function networkCounts(target: StoreTarget): Promise<TableCounts> {
  return await withStore(target, countRows);
}

/** Waits until every snapshot of the folder is stored or found stored by this process. */
export async function replayDone(service: RunningService, timeoutMs = 60_000): Promise<StatusReport> {
  return await service.waitForJson<StatusReport>(
    "/api/status",
    "every snapshot stored",
    (s) =>
      s.snapshots.fetched === FIXTURE_TIMESTAMPS.length + 1 &&
      s.snapshots.stored + s.snapshots.duplicates === FIXTURE_TIMESTAMPS.length &&
      !s.degraded.some((d) => d.startsWith("store:")),
    timeoutMs,
  );
}

/** Replays the folder undisturbed into `databaseUrl` (PGlite when none) and returns the network tables' counts. */
export async function cleanRunCounts(databaseUrl?: string): Promise<TableCounts> {
  const dataDir = await Deno.makeTempDir({ prefix: "clean_run_" });
  try {
    const service = await startService({
      FEED: FIXTURES_DIR,
      POLL_INTERVAL_MS: "100",
      DATA_DIR: dataDir,
      ...(databaseUrl === undefined ? {} : { DATABASE_URL: databaseUrl }),
    });
    try {
      await replayDone(service);
    } finally {
      assert.equal(await service.stop(), 0);
    }
    const target = databaseUrl ?? { dataDir };
    assert.deepEqual(await storedTimestamps(target), FIXTURE_TIMESTAMPS);
    const counts = await networkCounts(target);
    assert.ok(
      counts.flights > 0 && counts.events > 0,
      `a clean run stores flights: ${JSON.stringify(counts)}`,
    );
    return counts;
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
}

/** The spooled records (not temp files or the attempt marker) a service left in its DATA_DIR. */
export function spoolFiles(dataDir: string): string[] {
  try {
    return [...Deno.readDirSync(`${dataDir}/spool`)].map((entry) => entry.name).filter((name) =>
      name.endsWith(".json")
    ).sort();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
}

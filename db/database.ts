/**
 * The database handle the store uses: one interface over PostgreSQL (npm `postgres`) and embedded
 * PGlite, chosen by whether a URL is given. Every call has a deadline and fails with a DatabaseError.
 */
import { openPglite } from "./pglite_driver.ts";
import { openPostgres } from "./postgres_driver.ts";

export { DatabaseError } from "./errors.ts";

/**
 * Runs one SQL statement with `$1…` parameters and returns its rows.
 *
 * Parameters may be numbers, strings, booleans, null, `Date`, `Uint8Array` (bytea) and arrays of
 * numbers or strings (`unnest($1::int[])`); `undefined` is refused. Both drivers return the same
 * shapes: int2/int4/int8/float as number (int8 beyond 2^53 loses precision), numeric as string,
 * bytea as `Uint8Array`, timestamps as `Date`, arrays with SQL nulls as `null`. A `Date` holds only
 * milliseconds: to keep microseconds, send ISO text (`$1::timestamptz`) and read with `to_char(…)`.
 * One statement per call; inside a transaction use its `tx`.
 */
export interface Queryable {
  query<T extends Record<string, unknown> = Record<string, unknown>>(
    text: string,
    params?: unknown[],
  ): Promise<T[]>;
}

/** A connection pool (PostgreSQL) or the embedded engine (PGlite). */
export interface Database extends Queryable {
  readonly kind: "postgres" | "pglite";
  /**
   * Runs fn in one transaction; commits when it resolves, rolls back when it throws. Inside fn use
   * `tx`, never the database itself: on PGlite a call on the database waits for the transaction to
   * end, so it would time out.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Where the data lives and how long calls may take. */
export interface OpenDatabaseOptions {
  /** `postgres://user:password@host:port/database`; unset means embedded PGlite in `dataDir`. */
  url?: string;
  /** PGlite keeps its files in `${dataDir}/pglite`. */
  dataDir: string;
  /** Longest a statement may take, waiting for a connection included (default 10 000). */
  queryTimeoutMs?: number;
  /** Longest connecting to PostgreSQL may take (default 5 000). */
  connectTimeoutMs?: number;
}

/** Settings after defaults, as the drivers receive them. */
export interface DriverSettings {
  dataDir: string;
  queryTimeoutMs: number;
  connectTimeoutMs: number;
}

/**
 * Opens PostgreSQL when `url` is set (and checks it answers), otherwise PGlite in `dataDir`.
 *
 * @example
 * ```ts
 * const db = await openDatabase({ url: Deno.env.get("DATABASE_URL"), dataDir: "./data" });
 * try {
 *   const [row] = await db.query<{ n: number }>("select $1::int + 1 as n", [41]);
 * } finally {
 *   await db.close();
 * }
 * ```
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const settings: DriverSettings = {
    dataDir: options.dataDir,
    queryTimeoutMs: positive("queryTimeoutMs", options.queryTimeoutMs ?? 10_000),
    connectTimeoutMs: positive("connectTimeoutMs", options.connectTimeoutMs ?? 5_000),
  };
  return await (options.url === undefined ? openPglite(settings) : openPostgres(options.url, settings));
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number`);
  return value;
}

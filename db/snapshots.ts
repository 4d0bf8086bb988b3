/**
 * The store's writes and reads of snapshots and quarantine. Feed timestamps travel as ISO text and are
 * read back with to_char, because a JS Date would drop their microseconds.
 */
import type { Queryable } from "./database.ts";

const INSERT_SNAPSHOT = `
insert into snapshots (update_timestamp, fetched_at, source, bytes, fetch_ms, pilots, controllers, atis,
  prefiles, servers, connected_clients, unique_users)
values ($1::timestamptz, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
on conflict (update_timestamp) do nothing
returning id`;

// One statement, so the cap holds without a transaction. Ids only grow, so deleting every id at or
// below (new id - maxRows) leaves at most maxRows rows (exactly maxRows unless the sequence skipped
// ids), and costs an index range where counting the newest rows would walk up to 10 000 of them.
const INSERT_QUARANTINE = `
with added as (
  insert into quarantine (source, scope, section, reason, raw, raw_bytes, truncated, update_timestamp)
  values ($1, $2, $3, $4, $5, $6, $7, $8::timestamptz)
  returning id
)
delete from quarantine
where id <= (select id from added) - $9`;

const TOTALS = `
select
  (select count(*) from snapshots) as stored,
  (select count(*) from quarantine) as quarantined,
  (select to_char(max(update_timestamp) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
     from snapshots) as latest`;

/** A UTC instant with at most microseconds; a zone-less text would be read in the session's time zone. */
const FEED_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

/** One fetched feed snapshot, as the store records it. */
export interface SnapshotRow {
  /** The feed's `update_timestamp`, ISO with 6 fractional digits, e.g. "2021-04-24T15:28:14.692530Z". */
  updateTimestamp: string;
  fetchedAt: Date;
  source: string;
  bytes: number;
  fetchMs: number | null;
  pilots: number;
  controllers: number;
  atis: number;
  prefiles: number;
  servers: number;
  connectedClients: number | null;
  uniqueUsers: number | null;
}

/** Records a snapshot once: a second one with the same `updateTimestamp` is a "duplicate" (G2). */
export async function insertSnapshot(db: Queryable, row: SnapshotRow): Promise<"stored" | "duplicate"> {
  const inserted = await db.query(INSERT_SNAPSHOT, [
    feedTimestamp(row.updateTimestamp),
    row.fetchedAt,
    row.source,
    row.bytes,
    row.fetchMs,
    row.pilots,
    row.controllers,
    row.atis,
    row.prefiles,
    row.servers,
    row.connectedClients,
    row.uniqueUsers,
  ]);
  return inserted.length === 1 ? "stored" : "duplicate";
}

/** A rejected snapshot (`section` null) or a rejected record of one section. */
export interface QuarantineRow {
  source: string;
  scope: "snapshot" | "record";
  section: string | null;
  reason: string;
  raw: Uint8Array | null;
  /** Null when the snapshot was too broken to read its timestamp. */
  updateTimestamp: string | null;
}

/** Bounds on the quarantine (G4). */
export interface QuarantineLimits {
  /** Raw bytes kept per row; the rest is cut and `truncated` set (default 1 MiB). */
  maxRawBytes?: number;
  /** Rows kept; the oldest beyond it are deleted by the same call (default 10 000). */
  maxRows?: number;
}

/** Quarantines a snapshot or record with its reason and raw bytes, within the limits. */
export async function insertQuarantine(
  db: Queryable,
  row: QuarantineRow,
  limits: QuarantineLimits = {},
): Promise<void> {
  const maxRawBytes = limits.maxRawBytes ?? 1024 * 1024;
  const maxRows = limits.maxRows ?? 10_000;
  if (!Number.isInteger(maxRawBytes) || maxRawBytes < 0) throw new RangeError("maxRawBytes must be >= 0");
  if (!Number.isInteger(maxRows) || maxRows < 1) throw new RangeError("maxRows must be >= 1");
  const size = row.raw?.byteLength ?? 0;
  await db.query(INSERT_QUARANTINE, [
    row.source,
    row.scope,
    row.section,
    row.reason,
    row.raw === null ? null : row.raw.subarray(0, maxRawBytes),
    size,
    size > maxRawBytes,
    row.updateTimestamp === null ? null : feedTimestamp(row.updateTimestamp),
    maxRows,
  ]);
}

/** What the store holds: snapshot and quarantine row counts, and the newest snapshot's timestamp. */
export interface SnapshotTotals {
  stored: number;
  quarantined: number;
  /** ISO with 6 fractional digits, as written; null when nothing is stored. */
  latest: string | null;
}

/** Counts for status and health routes. */
export async function snapshotTotals(db: Queryable): Promise<SnapshotTotals> {
  const [row] = await db.query<{ stored: number; quarantined: number; latest: string | null }>(TOTALS);
  return { stored: row?.stored ?? 0, quarantined: row?.quarantined ?? 0, latest: row?.latest ?? null };
}

function feedTimestamp(value: string): string {
  if (!FEED_TIMESTAMP.test(value)) {
    throw new RangeError(`update timestamp must be ISO 8601 in UTC with at most 6 decimals: ${value}`);
  }
  return value;
}

/** Whether the snapshot of this `update_timestamp` is stored. */
export async function holdsSnapshot(db: Queryable, updateTimestamp: string): Promise<boolean> {
  const rows = await db.query(`select 1 from snapshots where update_timestamp = $1::timestamptz`, [
    feedTimestamp(updateTimestamp),
  ]);
  return rows.length > 0;
}

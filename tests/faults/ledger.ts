/**
 * The fault suite's ledger: what the feed sent against what the database holds after a case. Snapshots
 * and records sent but neither stored nor quarantined are lost; a natural key stored twice, or more rows
 * than a clean run of the same input left, is doubled; fewer rows than that clean run is lost too.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import type { Queryable } from "../../db/database.ts";
import { parseSnapshot } from "../../feed/parse_snapshot.ts";
import { countRows, type StoreTarget, type TableCounts, withStore } from "../helpers/replay_check.ts";

/** The store keeps at most this much of a quarantined body (db/snapshots.ts). */
const QUARANTINE_RAW_CAP = 1024 * 1024;
const RECORD_SECTIONS = ["pilots", "controllers", "atis"] as const;
type RecordSection = (typeof RECORD_SECTIONS)[number];

/** One body the feed sent. */
export interface SentSnapshot {
  /** A file name or a request number, for messages. */
  label: string;
  /** Normalised `update_timestamp` when the parser takes the body as a v3 snapshot, else null. */
  updateTimestamp: string | null;
  /** For a body that is not a snapshot: how its quarantine row is recognised (digest and size). */
  quarantineKey: string;
  /** Records per section as sent, valid or not. */
  records: Record<RecordSection, number>;
}

/** Reads a body the way the processor does, to know what the store must end up holding for it. */
export function describeBody(label: string, bytes: Uint8Array): SentSnapshot {
  const parsed = parseSnapshot(bytes);
  const records = { pilots: 0, controllers: 0, atis: 0 };
  if (parsed.ok) {
    for (const section of RECORD_SECTIONS) {
      records[section] = parsed.snapshot[section].length +
        parsed.rejected.filter((r) => r.section === section).length;
    }
  }
  const digest = createHash("md5").update(bytes.subarray(0, QUARANTINE_RAW_CAP)).digest("hex");
  return {
    label,
    updateTimestamp: parsed.ok ? parsed.snapshot.general.update_timestamp : null,
    quarantineKey: `${digest}:${bytes.byteLength}`,
    records,
  };
}

/** Every `.json` file of a replay folder, in the order the fetcher sends them (code-point name order). */
export async function sentFromFolder(dir: string): Promise<SentSnapshot[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) if (entry.name.endsWith(".json")) names.push(entry.name);
  names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const sent: SentSnapshot[] = [];
  for (const name of names) sent.push(describeBody(name, await Deno.readFile(`${dir}/${name}`)));
  return sent;
}

export interface Ledger {
  lost: number;
  doubled: number;
  /** Distinct quarantined bodies and records (a body quarantined again by a later run counts once). */
  quarantined: number;
  /** The labels of the sent snapshots neither stored nor quarantined. */
  missing: string[];
  /** Where each non-zero figure came from, for failure messages. */
  detail: Record<string, number>;
}

/** Natural keys that must never be stored twice (G2). */
const NATURAL_KEYS: Record<string, string> = {
  snapshots: "update_timestamp",
  flights: "(cid, callsign, logon_time)",
  positions: "(flight_id, at)",
  controller_sessions: "(cid, callsign, logon_time)",
  events: "event_key",
};

const TIMESTAMP = `to_char(update_timestamp at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * Settles the ledger of `sent` against the store. With `clean`, the network tables' row counts of an
 * undisturbed run of the same input, every table must hold exactly as many rows.
 */
export async function settle(
  target: StoreTarget,
  sent: readonly SentSnapshot[],
  clean?: TableCounts,
): Promise<Ledger> {
  return await withStore(target, async (db) => {
    const detail: Record<string, number> = {};
    const missing: string[] = [];
    const add = (key: string, n: number) => n > 0 && (detail[key] = (detail[key] ?? 0) + n);

    const stored = new Map<string, Record<RecordSection, number>>();
    for (
      const row of await db.query<{ ts: string } & Record<RecordSection, number>>(
        `select ${TIMESTAMP} as ts, pilots, controllers, atis from snapshots`,
      )
    ) stored.set(row.ts, row);
    const bodies = await quarantinedBodies(db);
    const records = await quarantinedRecords(db);

    for (const body of new Map(sent.map((s) => [s.updateTimestamp ?? s.quarantineKey, s])).values()) {
      if (body.updateTimestamp === null) {
        if (!bodies.has(body.quarantineKey)) missing.push(body.label);
        continue;
      }
      const row = stored.get(body.updateTimestamp);
      if (row === undefined) {
        missing.push(body.label);
        continue;
      }
      // Each record sent is stored (counted in the snapshot's row) or quarantined alone (G3).
      for (const section of RECORD_SECTIONS) {
        const kept = row[section] + (records.get(`${body.updateTimestamp} ${section}`) ?? 0);
        add(`${section} records lost: ${body.label}`, body.records[section] - kept);
      }
    }

    for (const [table, key] of Object.entries(NATURAL_KEYS)) {
      const [{ n }] = await db.query<{ n: number }>(
        `select (count(*) - count(distinct ${key}))::int as n from ${table}`,
      );
      add(`${table} doubled`, n);
    }
    if (clean !== undefined) {
      const counts = await countRows(db);
      for (const [table, expected] of Object.entries(clean) as [keyof TableCounts, number][]) {
        add(`${table} rows missing against a clean run`, expected - counts[table]);
        add(`${table} rows doubled against a clean run`, counts[table] - expected);
      }
    }
    for (const label of missing) add(`snapshot lost: ${label}`, 1);
    const total = (pattern: RegExp) =>
      Object.entries(detail).filter(([k]) => pattern.test(k)).reduce((a, [, n]) => a + n, 0);
    return {
      lost: total(/lost|missing/),
      doubled: total(/doubled/),
      quarantined: bodies.size + [...records.values()].reduce((a, b) => a + b, 0),
      missing,
      detail,
    };
  });
}

/** The distinct whole bodies in the quarantine, by the key {@link describeBody} gives them. */
async function quarantinedBodies(db: Queryable): Promise<Set<string>> {
  const rows = await db.query<{ key: string }>(
    `select distinct md5(raw) || ':' || raw_bytes as key from quarantine where scope = 'snapshot'`,
  );
  return new Set(rows.map((row) => row.key));
}

/**
 * Quarantined records per `<update_timestamp> <section>`. They are written in the transaction that
 * stores their snapshot, which happens once, so unlike whole bodies they are never quarantined twice.
 */
async function quarantinedRecords(db: Queryable): Promise<Map<string, number>> {
  const rows = await db.query<{ ts: string; section: string; n: number }>(
    `select ${TIMESTAMP} as ts, section, count(*)::int as n
    from quarantine where scope = 'record' group by 1, 2`,
  );
  return new Map(rows.map((row) => [`${row.ts} ${row.section}`, row.n]));
}

/** Prints the case's line, then asserts lost 0, doubled 0 and the quarantine the case expects. */
export function assertLedger(name: string, ledger: Ledger, expectedQuarantined: number): void {
  console.log(
    `fault ${name}: lost ${ledger.lost}, doubled ${ledger.doubled}, ` +
      `quarantined ${ledger.quarantined} (expected ${expectedQuarantined})`,
  );
  const detail = JSON.stringify(ledger.detail, null, 1);
  assert.equal(ledger.lost, 0, `${name}: lost ${detail}`);
  assert.equal(ledger.doubled, 0, `${name}: doubled ${detail}`);
  assert.equal(ledger.quarantined, expectedQuarantined, `${name}: quarantined`);
}

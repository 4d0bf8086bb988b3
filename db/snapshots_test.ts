import assert from "node:assert/strict";
import {
  insertQuarantine,
  insertSnapshot,
  type QuarantineRow,
  type SnapshotRow,
  snapshotTotals,
} from "./snapshots.ts";
import { testOnMigratedDatabases } from "../tests/helpers/databases.ts";

const snapshot = (updateTimestamp: string): SnapshotRow => ({
  updateTimestamp,
  fetchedAt: new Date("2021-04-24T15:28:15.123Z"),
  source: "https://data.vatsim.net/v3/vatsim-data.json",
  bytes: 2_345_678,
  fetchMs: 412.5,
  pilots: 1500,
  controllers: 150,
  atis: 60,
  prefiles: 200,
  servers: 8,
  connectedClients: 1710,
  uniqueUsers: 1650,
});

const rejected = (reason: string, raw: Uint8Array | null): QuarantineRow => ({
  source: "test",
  scope: "record",
  section: "pilots",
  reason,
  raw,
  updateTimestamp: "2021-04-24T15:28:14.692530Z",
});

const test = testOnMigratedDatabases;

test("a snapshot is stored once; the same update_timestamp again is a duplicate", async (db) => {
  const row = snapshot("2021-04-24T15:28:14.692530Z");
  assert.equal(await insertSnapshot(db, row), "stored");
  assert.equal(await insertSnapshot(db, { ...row, bytes: 1 }), "duplicate");
  assert.equal(await db.transaction((tx) => insertSnapshot(tx, row)), "duplicate");
  const [stored] = await db.query(
    "select fetched_at, bytes, fetch_ms, pilots, unique_users, status from snapshots",
  );
  assert.deepEqual(stored, {
    fetched_at: row.fetchedAt,
    bytes: row.bytes,
    fetch_ms: 412.5,
    pilots: 1500,
    unique_users: 1650,
    status: "stored",
  });
  assert.deepEqual(await snapshotTotals(db), { stored: 1, quarantined: 0, latest: row.updateTimestamp });
});

test("timestamps keep their microseconds", async (db) => {
  const stamps = [
    "2021-04-24T15:28:14.000001Z",
    "2021-04-24T15:28:14.999999Z",
    "2021-04-24T15:28:14.692530Z",
  ];
  for (const [i, stamp] of stamps.entries()) {
    await insertSnapshot(db, snapshot(stamp));
    assert.equal((await snapshotTotals(db)).latest, stamps.slice(0, i + 1).sort().at(-1));
  }
  const [row] = await db.query<{ at: string }>(
    `select to_char(update_timestamp at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at
       from snapshots order by update_timestamp limit 1`,
  );
  assert.equal(row?.at, "2021-04-24T15:28:14.000001Z");
  await assert.rejects(insertSnapshot(db, snapshot("2021-04-24 15:28:14")), RangeError);
});

test("quarantine cuts raw bytes to the limit and keeps the original size", async (db) => {
  const raw = new Uint8Array(100).map((_, i) => i);
  await insertQuarantine(db, rejected("too long", raw), { maxRawBytes: 10 });
  await insertQuarantine(db, rejected("fits", raw.subarray(0, 5)), { maxRawBytes: 10 });
  await insertQuarantine(db, {
    ...rejected("no bytes", null),
    scope: "snapshot",
    section: null,
    updateTimestamp: null,
  });
  const rows = await db.query(
    "select reason, raw, raw_bytes, truncated, section, update_timestamp from quarantine order by id",
  );
  assert.deepEqual(rows, [
    {
      reason: "too long",
      raw: raw.slice(0, 10),
      raw_bytes: 100,
      truncated: true,
      section: "pilots",
      update_timestamp: new Date("2021-04-24T15:28:14.692Z"),
    },
    {
      reason: "fits",
      raw: raw.slice(0, 5),
      raw_bytes: 5,
      truncated: false,
      section: "pilots",
      update_timestamp: new Date("2021-04-24T15:28:14.692Z"),
    },
    {
      reason: "no bytes",
      raw: null,
      raw_bytes: 0,
      truncated: false,
      section: null,
      update_timestamp: null,
    },
  ]);
});

test("quarantine keeps only the newest maxRows rows", async (db) => {
  for (let i = 1; i <= 5; i++) await insertQuarantine(db, rejected(`r${i}`, null), { maxRows: 3 });
  const reasons = (await db.query<{ reason: string }>("select reason from quarantine order by id")).map((
    r,
  ) => r.reason);
  assert.deepEqual(reasons, ["r3", "r4", "r5"]);
  await insertQuarantine(db, rejected("only", null), { maxRows: 1 });
  assert.deepEqual(await snapshotTotals(db), { stored: 0, quarantined: 1, latest: null });
  await assert.rejects(insertQuarantine(db, rejected("x", null), { maxRows: 0 }), RangeError);
});

test("totals count snapshots and quarantine and report the latest snapshot", async (db) => {
  assert.deepEqual(await snapshotTotals(db), { stored: 0, quarantined: 0, latest: null });
  await insertSnapshot(db, snapshot("2021-04-24T15:28:29.000000Z"));
  await insertSnapshot(db, snapshot("2021-04-24T15:28:14.692530Z"));
  await insertQuarantine(db, rejected("bad", new Uint8Array([1])));
  assert.deepEqual(await snapshotTotals(db), {
    stored: 2,
    quarantined: 1,
    latest: "2021-04-24T15:28:29.000000Z",
  });
});

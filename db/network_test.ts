import assert from "node:assert/strict";
import { diffSnapshots, type DiffState, feedEventSchema } from "../feed/diff.ts";
import { type FeedSnapshot, parseSnapshot } from "../feed/parse_snapshot.ts";
import { testOnMigratedDatabases } from "../tests/helpers/databases.ts";
import { FIXTURES } from "../tests/helpers/fixtures.ts";
import { countRows } from "../tests/helpers/replay_check.ts";
import type { Database, Queryable } from "./database.ts";
import { snapshotChangesOf, snapshotChangesSchema, writeSnapshotChanges } from "./network.ts";
import {
  dropPositionPartitionsBefore,
  ensurePositionPartitions,
  positionPartitions,
} from "./position_partitions.ts";

async function readSnapshot(name: string): Promise<FeedSnapshot> {
  const result = parseSnapshot(await Deno.readFile(new URL(name, FIXTURES)));
  if (!result.ok) throw new Error(`${name}: ${result.reason}`);
  return result.snapshot;
}

const pairA = await readSnapshot("vatsim-data_2021-04-09T1543Z_pair-a.json");
const pairB = await readSnapshot("vatsim-data_2021-04-09T1619Z_pair-b.json");
const A = pairA.general.update_timestamp;
const B = pairB.general.update_timestamp;

/** Diffs and writes one snapshot in its own transaction, as the store does; returns the next state. */
async function replay(db: Database, state: DiffState | null, snapshot: FeedSnapshot): Promise<DiffState> {
  const diff = diffSnapshots(state, snapshot);
  // Through the bus schema, as the store receives it.
  const changes = snapshotChangesSchema.parse(snapshotChangesOf(diff));
  await db.transaction((tx) => writeSnapshotChanges(tx, changes));
  return diff.state;
}

async function count(db: Queryable, sql: string, params: unknown[] = []): Promise<number> {
  const [row] = await db.query<{ n: number }>(`select count(*)::int as n from ${sql}`, params);
  return row.n;
}

const test = testOnMigratedDatabases;

test("pair-a then pair-b: the session and plan numbers of issue 4, Done means 1", async (db) => {
  await replay(db, await replay(db, null, pairA), pairB);

  assert.equal(await count(db, "flights"), pairA.pilots.length + 377);
  const both = "flights where first_seen = $1::timestamptz and last_seen = $2::timestamptz";
  assert.equal(await count(db, both, [A, B]), 706);
  assert.equal(await count(db, "flights where status = 'completed' and completed_at = $1", [B]), 371);
  assert.equal(await count(db, "flights where first_seen = $1::timestamptz", [B]), 377);
  assert.equal(await count(db, "flights where status = 'active'"), pairB.pilots.length);

  // A new plan version of a session seen in both, filed in pair-b; `filed` ones had none before.
  const revised = `flight_plans p join flights f using (cid, callsign, logon_time)
    where f.first_seen = $1::timestamptz and f.last_seen = $2::timestamptz and p.filed_at = $2`;
  assert.equal(await count(db, revised, [A, B]), 183);
  const filed = `${revised} and not exists (select 1 from flight_plans q
    where q.cid = p.cid and q.callsign = p.callsign and q.logon_time = p.logon_time and q.filed_at < $2)`;
  assert.equal(await count(db, filed, [A, B]), 22);
  assert.equal(
    await count(db, "events where type = 'FLIGHT_PLAN_REVISED' and at = $1 and subject like '%|%|%'", [B]),
    183,
  );

  // 11 prefiles withdrawn; their plan versions say when.
  assert.equal(await count(db, "flight_plans where cancelled_at = $1::timestamptz", [B]), 11);
  assert.equal(await count(db, "events where type = 'FLIGHT_CANCELLED'"), 11);

  // Latest values follow pair-b; every active flight has a position, its newest one pair-b's.
  const unplaced =
    "flights f where status = 'active' and not exists (select 1 from positions p where p.flight_id = f.id)";
  assert.equal(await count(db, unplaced), 0);
  const [sample] = pairB.pilots;
  const [stored] = await db.query<{ departure: string | null; latitude: number }>(
    `select f.departure, p.latitude from flights f
    join lateral (select latitude from positions p where p.flight_id = f.id order by at desc limit 1) p on true
    where cid = $1 and callsign = $2 and logon_time = $3::timestamptz`,
    [sample.cid, sample.callsign, sample.logon_time],
  );
  assert.equal(stored.departure, sample.flight_plan?.departure ?? null);
  assert.ok(Math.abs(stored.latitude - sample.latitude) < 0.01);

  // Presence (migration 0006): exactly pair-b's sessions, the clock at pair-b; the ended ones keep pair-a.
  assert.equal(await count(db, "flight_sessions where present"), pairB.pilots.length);
  assert.equal(await count(db, "network_clock where at = $1::timestamptz", [B]), 1);
  assert.equal(await count(db, "flight_sessions where present and last_seen = $1::timestamptz", [B]), 377);
  assert.equal(
    await count(db, "flights where status = 'completed' and last_seen = $1::timestamptz", [A]),
    371,
  );

  const controllers = pairA.controllers.length + pairA.atis.length;
  assert.ok((await count(db, "controller_sessions")) >= controllers);
  assert.ok((await count(db, "atis where revision = 'initial'")) >= pairA.atis.length);
});

test("the same snapshot written twice: nothing changes the second time", async (db) => {
  const diff = diffSnapshots(null, pairA);
  const changes = snapshotChangesOf(diff);
  const first = await db.transaction((tx) => writeSnapshotChanges(tx, changes));
  assert.equal(first.flights, pairA.pilots.length);
  assert.equal(first.positions, pairA.pilots.length);
  const before = await countRows(db);
  const again = await db.transaction((tx) => writeSnapshotChanges(tx, changes));
  assert.deepEqual(again, {
    flights: 0,
    flightPlans: 0,
    positions: 0,
    controllerSessions: 0,
    atis: 0,
    frequencyChanges: 0,
    events: 0,
  });
  assert.deepEqual(await countRows(db), before);
});

test("a processor restart (fresh diff state) doubles nothing, on the same or the next snapshot", async (db) => {
  await replay(db, await replay(db, null, pairA), pairB);
  const before = await countRows(db);
  // Restarted over the snapshot already stored: every session, plan and logon is re-created.
  await replay(db, null, pairB);
  assert.deepEqual(await countRows(db), before);
  assert.equal(await count(db, "flights where status = 'active'"), pairB.pilots.length);
  assert.equal(await count(db, "events where type = 'FLIGHT_CREATED'"), before.flights);
});

test("restarted before pair-b: its sessions re-created, the 706 not doubled, the ended ones ended", async (db) => {
  await replay(db, null, pairA);
  await replay(db, null, pairB); // no state: nothing completes, the 706 are "created" again
  assert.equal(await count(db, "flights"), pairA.pilots.length + 377);
  assert.equal(await count(db, "events where type = 'FLIGHT_CREATED'"), pairA.pilots.length + 377);
  const both = "flights where first_seen = $1::timestamptz and last_seen = $2::timestamptz";
  assert.equal(await count(db, both, [A, B]), 706);
  // The sessions that ended meanwhile are still ended, from what the store holds.
  assert.equal(await count(db, "flights where status = 'completed' and completed_at = $1", [B]), 371);
  assert.equal(await count(db, "events where type = 'FLIGHT_COMPLETED' and at = $1", [B]), 371);
  assert.equal(await count(db, "flights where status = 'active'"), pairB.pilots.length);
  const [event] = await db.query<{ payload: unknown }>(
    "select payload from events where type = 'FLIGHT_COMPLETED' limit 1",
  );
  feedEventSchema.parse(event.payload);
  const loggedOff = await count(db, "events where type = 'CONTROLLER_LOGOFF'");
  assert.ok(loggedOff > 0);
  assert.equal(await count(db, "controller_sessions where logoff_at is not null"), loggedOff);
});

/** The time `seconds` after pair-a, as PostgreSQL's timestamptz reads it back (milliseconds). */
const afterA = (seconds: number) => new Date(Date.parse(A) + seconds * 1000).toISOString();

/** pair-a as it would read `seconds` later, with only the pilots `keep` chooses. */
function pairAAt(seconds: number, keep: (index: number) => boolean): FeedSnapshot {
  const at = afterA(seconds).replace(/Z$/, "000Z");
  return {
    ...pairA,
    general: { ...pairA.general, update_timestamp: at },
    pilots: pairA.pilots.filter((_, i) => keep(i)),
  };
}

test("presence: a session that leaves keeps the time it was last seen, and comes back present", async (db) => {
  const everyone = pairAAt(0, () => true);
  const withoutFirst = pairAAt(15, (i) => i !== 0);
  const back = pairAAt(30, () => true);
  const [gone] = pairA.pilots;
  const seenOf = async () => {
    const [row] = await db.query<{ last_seen: Date; present: boolean; status: string }>(
      `select f.last_seen, s.present, f.status from flights f join flight_sessions s using (id)
      where f.cid = $1 and f.callsign = $2`,
      [gone.cid, gone.callsign],
    );
    return { lastSeen: new Date(row.last_seen).toISOString(), present: row.present, status: row.status };
  };

  let state = await replay(db, null, everyone);
  state = await replay(db, state, withoutFirst);
  assert.deepEqual(await seenOf(), { lastSeen: afterA(0), present: false, status: "active" });
  // The others were not rewritten, yet read as seen in the newest snapshot.
  assert.equal(
    await count(db, "flights where last_seen = $1::timestamptz", [afterA(15)]),
    pairA.pilots.length - 1,
  );

  state = await replay(db, state, back);
  assert.deepEqual(await seenOf(), { lastSeen: afterA(30), present: true, status: "active" });
  assert.equal(await count(db, "flights"), pairA.pilots.length, "the same sessions, none re-created");

  // A copy from behind the clock (a feed set back) moves neither the clock nor who is present.
  await db.transaction((tx) =>
    writeSnapshotChanges(tx, snapshotChangesOf(diffSnapshots(null, withoutFirst)))
  );
  assert.equal(await count(db, "network_clock where at = $1::timestamptz", [afterA(30)]), 1);
  assert.deepEqual(await seenOf(), { lastSeen: afterA(30), present: true, status: "active" });

  // Gone for good: after the grace period the diff ends it at the time it was last seen.
  state = await replay(db, state, pairAAt(45, (i) => i !== 0));
  await replay(db, state, pairAAt(45 + 3_600, (i) => i !== 0));
  assert.deepEqual(await seenOf(), { lastSeen: afterA(30), present: false, status: "completed" });
});

test("the sweep ends a present session when snapshots stop naming it, from the time it was last seen", async (db) => {
  await replay(db, null, pairAAt(0, () => true));
  // A restarted processor (no state) an hour later sees only the second half: the first half ends.
  const half = Math.floor(pairA.pilots.length / 2);
  await replay(db, null, pairAAt(3_600, (i) => i >= half));
  assert.equal(
    await count(db, "flights where status = 'completed' and last_seen = $1::timestamptz", [afterA(0)]),
    half,
  );
  assert.equal(await count(db, "flight_sessions where present"), pairA.pilots.length - half);
  assert.equal(await count(db, "events where type = 'FLIGHT_COMPLETED'"), half);
});

test("position partitions: created ahead, rows moved out of the default, dropped for retention", async (db) => {
  await replay(db, null, pairA);
  const day = new Date("2021-04-09T00:00:00Z");
  const inDefault = () => count(db, "positions_default");
  assert.equal(await inDefault(), pairA.pilots.length);

  const created = await ensurePositionPartitions(
    db,
    new Date("2021-04-08T12:00:00Z"),
    new Date(day.getTime() + 2 * 86_400_000),
  );
  assert.deepEqual(created, ["positions_p20210408", "positions_p20210409", "positions_p20210410"]);
  assert.deepEqual(await ensurePositionPartitions(db, day, new Date(day.getTime() + 1)), []);
  assert.equal(await inDefault(), 0);
  assert.equal(await count(db, "positions_p20210409"), pairA.pilots.length);

  // New rows go straight to their day; a redelivery still conflicts.
  await replay(db, null, pairB);
  assert.equal(await inDefault(), 0);
  const total = await count(db, "positions");
  await replay(db, null, pairB);
  assert.equal(await count(db, "positions"), total);

  assert.deepEqual(await dropPositionPartitionsBefore(db, new Date("2021-04-10T00:00:00Z")), [
    "positions_p20210408",
    "positions_p20210409",
  ]);
  assert.deepEqual(await positionPartitions(db), ["positions_p20210410"]);
  assert.equal(await count(db, "positions"), 0);
});

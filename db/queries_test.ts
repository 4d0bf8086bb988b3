import assert from "node:assert/strict";
import { parseSnapshot } from "../feed/parse_snapshot.ts";
import { testOnMigratedDatabases } from "../tests/helpers/databases.ts";
import { FIXTURES } from "../tests/helpers/fixtures.ts";
import { PAIR_A, PAIR_B, replayFixtures } from "../tests/helpers/replay.ts";
import type { Database } from "./database.ts";
import { databaseQueries, joinReconnects, RECONNECT_GAP_MS } from "./queries.ts";

async function snapshotOf(name: string) {
  const parsed = parseSnapshot(await Deno.readFile(new URL(name, FIXTURES)));
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.snapshot;
}
const pairA = await snapshotOf(PAIR_A);
const pairB = await snapshotOf(PAIR_B);
const A = pairA.general.update_timestamp;
const B = pairB.general.update_timestamp;

const sorted = (values: Iterable<string>) => [...values].sort();
const countWhere = <T>(items: readonly T[], keep: (item: T) => boolean) => items.filter(keep).length;

async function replayPair(db: Database) {
  await replayFixtures(db, [PAIR_A, PAIR_B]);
  return databaseQueries(db);
}

testOnMigratedDatabases(
  "flights: the network at pair-b, at pair-a, and before anything was stored",
  async (db) => {
    const reads = await replayPair(db);

    const now = await reads.flights({ limit: 5_000 });
    assert.equal(now.snapshot, B);
    assert.equal(now.total, 1_083);
    assert.deepEqual(sorted(now.flights.map((f) => f.callsign)), sorted(pairB.pilots.map((p) => p.callsign)));
    // Each flight stands where the feed last put it (created sessions exactly; moved ones within the diff's thresholds).
    const feed = new Map(pairB.pilots.map((p) => [p.callsign, p]));
    for (const flight of now.flights) {
      const pilot = feed.get(flight.callsign)!;
      assert.equal(flight.cid, pilot.cid);
      assert.ok(flight.position, flight.callsign);
      assert.ok(Math.abs(flight.position.latitude - pilot.latitude) < 0.01, flight.callsign);
      assert.ok(Math.abs(flight.position.longitude - pilot.longitude) < 0.01, flight.callsign);
    }

    const then = await reads.flights({ at: A, limit: 5_000 });
    assert.equal(then.snapshot, A);
    assert.equal(then.total, pairA.pilots.length);
    assert.deepEqual(
      sorted(then.flights.map((f) => f.callsign)),
      sorted(pairA.pilots.map((p) => p.callsign)),
    );
    const atA = new Map(pairA.pilots.map((p) => [p.callsign, p]));
    for (const flight of then.flights) {
      assert.equal(flight.position?.at, A, flight.callsign);
      assert.equal(flight.position?.latitude, atA.get(flight.callsign)!.latitude);
    }

    // Between the two: pair-a was in force. Before the first: nothing.
    const between = new Date((Date.parse(A) + Date.parse(B)) / 2).toISOString();
    assert.equal((await reads.flights({ at: between, limit: 1 })).snapshot, A);
    assert.deepEqual(await reads.flights({ at: "2021-04-09T15:00:00Z" }), {
      snapshot: null,
      total: 0,
      limit: 1_000,
      offset: 0,
      flights: [],
    });
  },
);

testOnMigratedDatabases("flights: filters and paging agree with the feed", async (db) => {
  const reads = await replayPair(db);
  const plans = pairB.pilots.filter((p) => p.flight_plan !== null);

  const byDeparture = await reads.flights({ departure: "EGLL", limit: 5_000 });
  assert.equal(byDeparture.total, countWhere(plans, (p) => p.flight_plan!.departure === "EGLL"));
  assert.ok(byDeparture.total > 0);
  const byArrival = await reads.flights({ arrival: "KJFK" });
  assert.equal(byArrival.total, countWhere(plans, (p) => p.flight_plan!.arrival === "KJFK"));
  const byType = await reads.flights({ aircraft: "B738" });
  assert.equal(byType.total, countWhere(plans, (p) => p.flight_plan!.aircraft_short === "B738"));
  assert.ok(byType.total > 10);
  const byPrefix = await reads.flights({ callsign: "BAW" });
  assert.equal(byPrefix.total, countWhere(pairB.pilots, (p) => p.callsign.startsWith("BAW")));
  assert.ok(byPrefix.flights.every((f) => f.callsign.startsWith("BAW")));

  // Europe, and a box across the antimeridian.
  const europe = await reads.flights({ box: [-10, 35, 30, 60], limit: 5_000 });
  const inEurope = (p: { latitude: number; longitude: number }) =>
    p.latitude >= 35 && p.latitude <= 60 && p.longitude >= -10 && p.longitude <= 30;
  assert.equal(europe.total, countWhere(pairB.pilots, inEurope));
  const pacific = await reads.flights({ box: [170, -60, -170, 60], limit: 5_000 });
  assert.equal(
    pacific.total,
    countWhere(pairB.pilots, (p) => p.latitude >= -60 && p.latitude <= 60 && Math.abs(p.longitude) >= 170),
  );

  const pages = [];
  for (let offset = 0; offset < 1_083; offset += 400) {
    const page = await reads.flights({ limit: 400, offset });
    assert.equal(page.total, 1_083);
    pages.push(...page.flights.map((f) => `${f.callsign}|${f.logonTime}`));
  }
  assert.equal(new Set(pages).size, 1_083);
  assert.deepEqual((await reads.flights({ offset: 2_000 })).flights, []);
});

testOnMigratedDatabases("a flight, its plan and its track", async (db) => {
  const reads = await replayPair(db);
  // A session in both snapshots that moved and has a plan.
  const aByKey = new Map(pairA.pilots.map((p) => [`${p.cid}|${p.callsign}|${p.logon_time}`, p]));
  const pilot = pairB.pilots.find((p) => {
    const before = aByKey.get(`${p.cid}|${p.callsign}|${p.logon_time}`);
    return before && p.flight_plan && Math.abs(before.latitude - p.latitude) > 1;
  })!;
  const detail = await reads.flight(pilot.callsign);
  assert.ok(detail);
  assert.equal(detail.cid, pilot.cid);
  assert.equal(detail.status, "active");
  assert.equal(detail.firstSeen, A);
  assert.equal(detail.lastSeen, B);
  assert.equal(detail.departure, pilot.flight_plan!.departure);
  assert.equal(detail.plan?.route, pilot.flight_plan!.route);
  assert.ok(detail.planVersions >= 1);
  assert.equal(await reads.flight("NOSUCH1"), null);

  const track = await reads.track({ callsign: pilot.callsign });
  assert.ok(track);
  assert.equal(track.tracks.length, 1);
  assert.deepEqual(track.tracks[0].points.map((p) => p.at), [A, B]);
  assert.equal(track.tracks[0].points[1].latitude, pilot.latitude);
  const onlyB = await reads.track({ callsign: pilot.callsign, from: B });
  assert.deepEqual(onlyB?.tracks[0].points.map((p) => p.at), [B]);
  assert.equal(await reads.track({ callsign: pilot.callsign, to: "2021-04-09T15:00:00Z" }), null);
  assert.equal(await reads.track({ callsign: "NOSUCH1" }), null);

  // A callsign that ended in pair-a and came back as a new session in pair-b: two flights (36 min apart).
  const bKeys = new Set(pairB.pilots.map((p) => `${p.cid}|${p.callsign}|${p.logon_time}`));
  const again = pairB.pilots.find((p) =>
    pairA.pilots.some((a) =>
      a.callsign === p.callsign && a.cid === p.cid && !bKeys.has(`${a.cid}|${a.callsign}|${a.logon_time}`)
    )
  );
  assert.ok(again, "pair-b has a pilot who flew the same callsign in pair-a in another session");
  const both = await reads.track({ callsign: again.callsign, from: A, to: B });
  assert.equal(both?.tracks.length, 2);
  const latest = await reads.track({ callsign: again.callsign });
  assert.equal(latest?.tracks.length, 1);
  assert.deepEqual(latest?.tracks[0].sessions, [again.logon_time]);
});

Deno.test("joinReconnects: a session that starts within the gap of the last one is the same flight", () => {
  const at = (minutes: number) => new Date(Date.UTC(2024, 0, 1, 12, minutes)).toISOString();
  const session = (id: number, cid: number, from: number, to: number) => ({
    id,
    cid,
    logon_time: at(from),
    first_seen: at(from),
    last_seen: at(to),
  });
  const gap = RECONNECT_GAP_MS / 60_000;
  const flights = joinReconnects([
    session(1, 100, 0, 30),
    session(2, 200, 5, 20), // another pilot under the same callsign
    session(3, 100, 30 + gap, 50), // reconnected just within the gap
    session(4, 100, 50 + gap + 1, 70), // too late: a new flight
  ]);
  assert.deepEqual(flights.map((f) => f.map((s) => s.id)), [[1, 3], [2], [4]]);
});

testOnMigratedDatabases("controllers, their sessions and ATIS, now and at pair-a", async (db) => {
  const reads = await replayPair(db);

  const now = await reads.atcPositions({});
  assert.equal(now.snapshot, B);
  assert.deepEqual(
    sorted(now.controllers.map((c) => c.callsign)),
    sorted(pairB.controllers.map((c) => c.callsign)),
  );
  const feed = new Map(pairB.controllers.map((c) => [c.callsign, c]));
  for (const controller of now.controllers) {
    assert.equal(controller.frequency, feed.get(controller.callsign)!.frequency);
  }
  const then = await reads.atcPositions({ at: A });
  assert.equal(then.controllers.length, pairA.controllers.length);
  const atA = new Map(pairA.controllers.map((c) => [c.callsign, c]));
  for (const controller of then.controllers) {
    assert.equal(controller.frequency, atA.get(controller.callsign)!.frequency);
  }
  const centres = await reads.atcPositions({ facility: 6 });
  assert.equal(centres.controllers.length, countWhere(pairB.controllers, (c) => c.facility === 6));

  const atis = await reads.atis({});
  assert.equal(atis.atis.length, pairB.atis.length);
  const feedAtis = new Map(pairB.atis.map((a) => [a.callsign, a]));
  for (const station of atis.atis) {
    const fed = feedAtis.get(station.callsign)!;
    assert.deepEqual(station.lines, fed.text_atis ?? [], station.callsign);
  }
  assert.ok((await reads.atis({ callsign: "EG" })).atis.every((a) => a.callsign.startsWith("EG")));

  const online = await reads.controllerSessions({ online: true, station: "atis" });
  assert.equal(online.total, pairB.atis.length);
  const all = await reads.controllerSessions({ limit: 5_000 });
  const keys = (list: { cid: number; callsign: string; logon_time: string }[]) =>
    list.map((c) => `${c.cid}|${c.callsign}|${c.logon_time}`);
  const distinct = new Set([
    ...keys(pairA.controllers),
    ...keys(pairA.atis),
    ...keys(pairB.controllers),
    ...keys(pairB.atis),
  ]);
  assert.equal(all.total, distinct.size);
  const ended = await reads.controllerSessions({ online: false, to: A });
  assert.ok(ended.sessions.every((s) => s.logoffAt !== null && s.firstSeen <= A));
  const range = await reads.controllerSessions({ from: B, to: B, station: "controller" });
  assert.equal(range.total, pairB.controllers.length);
});

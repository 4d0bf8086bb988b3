import assert from "node:assert/strict";
import fc from "fast-check";
import { FIXTURES } from "../tests/helpers/fixtures.ts";
import { DEFAULT_GRACE_MS, diffSnapshots } from "./diff.ts";
import { type FeedEvent, feedEventSchema } from "./diff_events.ts";
import { feedTime, pilot, plan, prefile, snapshot } from "./diff_test_helpers.ts";
import { type FeedSnapshot, parseSnapshot } from "./parse_snapshot.ts";

async function readSnapshot(name: string): Promise<FeedSnapshot> {
  const result = parseSnapshot(await Deno.readFile(new URL(name, FIXTURES)));
  if (!result.ok) throw new Error(`${name}: ${result.reason}`);
  assert.equal(result.rejected.length, 0, `${name} has rejected records`);
  return result.snapshot;
}

const pairA = await readSnapshot("vatsim-data_2021-04-09T1543Z_pair-a.json");
const pairB = await readSnapshot("vatsim-data_2021-04-09T1619Z_pair-b.json");

function ofType<T extends FeedEvent["type"]>(
  events: FeedEvent[],
  type: T,
): Extract<FeedEvent, { type: T }>[] {
  return events.filter((e): e is Extract<FeedEvent, { type: T }> => e.type === type);
}

function count(events: FeedEvent[], type: FeedEvent["type"]): number {
  return ofType(events, type).length;
}

Deno.test("pair-a then pair-b: the session and flight-plan numbers of issue 4, Done means 1", () => {
  const first = diffSnapshots(null, pairA);
  const second = diffSnapshots(first.state, pairB);
  const { flights } = second.sessions;

  // Sessions are keyed by cid + callsign + logon_time. pair-b is 36.5 min after pair-a, far beyond the
  // grace period, so every session missing from pair-b is completed in this very diff.
  assert.equal(flights.continued.length, 706);
  assert.equal(flights.completed.length, 371);
  assert.equal(flights.created.length, 377);
  assert.equal(count(second.events, "FLIGHT_COMPLETED"), 371);
  assert.equal(count(second.events, "FLIGHT_CREATED"), 377);

  // A revision is a continuing session whose plan's revision_id changed (161), or which now has a plan
  // where it had none (22, `filed`). Nothing else is counted: no session lost its plan, every plan whose
  // fields changed also got a new revision_id, and created sessions bring their plan in FLIGHT_CREATED.
  const revisions = ofType(second.events, "FLIGHT_PLAN_REVISED").filter((e) => e.session.logon_time !== null);
  assert.equal(revisions.length, 183);
  assert.equal(revisions.filter((e) => e.filed).length, 22);
  const revisedSessions = new Set(revisions.map((e) => JSON.stringify(e.session)));
  assert.equal(revisedSessions.size, 183, "one revision per session");

  // Bounded state: the sessions missing from pair-b ended, so it holds exactly what pair-b holds.
  assert.equal(second.state.flights.size, pairB.pilots.length);
  assert.equal(second.state.prefiles.size, pairB.prefiles.length);
  assert.equal(second.state.controllers.size, pairB.controllers.length + pairB.atis.length);
  for (const event of second.events) feedEventSchema.parse(event);
  assert.ok(second.events.every((e) => e.at === pairB.general.update_timestamp));
});

Deno.test("pair-a then pair-b: prefiles either became flights or were cancelled", () => {
  const second = diffSnapshots(diffSnapshots(null, pairA).state, pairB);
  const connected = new Set(pairB.pilots.map((p) => `${p.cid}|${p.callsign}`));
  const stillFiled = new Set(pairB.prefiles.map((p) => `${p.cid}|${p.callsign}`));
  const gone = pairA.prefiles.filter((p) => !stillFiled.has(`${p.cid}|${p.callsign}`));
  const withdrawn = gone.filter((p) => !connected.has(`${p.cid}|${p.callsign}`));
  assert.equal(gone.length, 27);
  assert.equal(withdrawn.length, 11);
  assert.equal(second.sessions.flights.cancelled.length, 11);
  assert.equal(count(second.events, "FLIGHT_CANCELLED"), 11);
});

Deno.test("first snapshot: every flight created, every position kept, every controller logged on", () => {
  const first = diffSnapshots(null, pairA);
  assert.equal(first.sessions.flights.created.length, pairA.pilots.length);
  assert.equal(count(first.events, "FLIGHT_CREATED"), pairA.pilots.length);
  assert.equal(first.positions.length, pairA.pilots.length);
  assert.equal(count(first.events, "CONTROLLER_LOGON"), pairA.controllers.length + pairA.atis.length);
  assert.equal(count(first.events, "FLIGHT_COMPLETED"), 0);
  assert.equal(count(first.events, "FLIGHT_UPDATED"), 0);
  assert.equal(first.sessions.flights.continued.length, 0);
});

Deno.test("the same snapshot twice: no events and no positions the second time", () => {
  for (const s of [pairA, pairB]) {
    const first = diffSnapshots(null, s);
    const again = diffSnapshots(first.state, s);
    assert.deepEqual(again.events, []);
    assert.deepEqual(again.positions, []);
    assert.equal(again.sessions.flights.continued.length, s.pilots.length);
  }
});

Deno.test("the previous state is not modified", () => {
  const first = diffSnapshots(null, pairA);
  const before = structuredClone(first.state);
  diffSnapshots(first.state, pairB);
  assert.deepEqual(first.state, before);
});

Deno.test("a session missing within the grace period is kept, resumed, and completed only after it", () => {
  const s0 = diffSnapshots(null, snapshot(0, { pilots: [pilot()] }));
  const gone = diffSnapshots(s0.state, snapshot(1));
  assert.deepEqual(gone.events, []);
  assert.equal(gone.state.flights.size, 1);

  const back = diffSnapshots(gone.state, snapshot(1.5, { pilots: [pilot()] }));
  assert.deepEqual(back.events.map((e) => e.type === "FLIGHT_UPDATED" && e.changes), [["resumed"]]);
  assert.deepEqual(back.positions, []);

  const stillGone = diffSnapshots(diffSnapshots(back.state, snapshot(2)).state, snapshot(3.5));
  assert.deepEqual(stillGone.events, []);
  const ended = diffSnapshots(stillGone.state, snapshot(3.6));
  assert.equal(ended.events.length, 1);
  const [completed] = ended.events;
  assert.ok(completed.type === "FLIGHT_COMPLETED");
  assert.equal(completed.lastSeen, feedTime(1.5));
  assert.equal(ended.state.flights.size, 0);
});

Deno.test("a reconnect with a new logon_time is a new session; the old one completes after grace", () => {
  const s0 = diffSnapshots(null, snapshot(0, { pilots: [pilot()] }));
  const s1 = diffSnapshots(s0.state, snapshot(1, { pilots: [pilot({ logon_time: feedTime(1) })] }));
  assert.deepEqual(s1.events.map((e) => e.type), ["FLIGHT_CREATED"]);
  const s2 = diffSnapshots(s1.state, snapshot(3, { pilots: [pilot({ logon_time: feedTime(1) })] }));
  assert.deepEqual(s2.events.map((e) => e.type), ["FLIGHT_COMPLETED"]);
});

Deno.test("flight-plan revisions: filed, revised by revision_id, removed; attribute changes", () => {
  const s0 = diffSnapshots(null, snapshot(0, { pilots: [pilot({ flight_plan: null })] }));
  const filed = diffSnapshots(s0.state, snapshot(0.25, { pilots: [pilot({ flight_plan: plan(1) })] }));
  assert.deepEqual(filed.events.map((e) => e.type === "FLIGHT_PLAN_REVISED" && e.filed), [true]);
  const same = diffSnapshots(filed.state, snapshot(0.5, { pilots: [pilot({ flight_plan: plan(1) })] }));
  assert.deepEqual(same.events, []);
  const revised = diffSnapshots(same.state, snapshot(0.75, { pilots: [pilot({ flight_plan: plan(2) })] }));
  const [event] = revised.events;
  assert.ok(event.type === "FLIGHT_PLAN_REVISED" && !event.filed && event.previousRevisionId === 1);
  assert.equal(event.plan?.revision_id, 2);
  const removed = diffSnapshots(
    revised.state,
    snapshot(1, { pilots: [pilot({ flight_plan: null, server: "US-E" })] }),
  );
  assert.deepEqual(removed.events.map((e) => e.type), ["FLIGHT_UPDATED", "FLIGHT_PLAN_REVISED"]);
  const [updated, gone] = removed.events;
  assert.ok(updated.type === "FLIGHT_UPDATED" && updated.changes.join() === "server");
  assert.ok(gone.type === "FLIGHT_PLAN_REVISED" && gone.plan === null && gone.previousRevisionId === 2);
});

Deno.test("prefiles: filed and revised, taken up by a session, or cancelled after the grace period", () => {
  const taken = prefile({ cid: 7, callsign: "DLH7" });
  const dropped = prefile({ cid: 8, callsign: "AFR8" });
  const s0 = diffSnapshots(null, snapshot(0, { prefiles: [taken, dropped] }));
  assert.deepEqual(
    s0.events.map((e) => e.type === "FLIGHT_PLAN_REVISED" && e.filed && e.session.logon_time),
    [null, null],
  );
  const s1 = diffSnapshots(
    s0.state,
    snapshot(1, { pilots: [pilot({ cid: 7, callsign: "DLH7", logon_time: feedTime(1) })] }),
  );
  const [created] = s1.events;
  assert.ok(created.type === "FLIGHT_CREATED" && created.fromPrefile);
  assert.equal(s1.events.length, 1, "the missing prefile is still in its grace period");
  const s2 = diffSnapshots(s1.state, snapshot(4));
  assert.deepEqual(
    s2.events.map((e) => e.type === "FLIGHT_CANCELLED" ? e.prefile.callsign : e.type),
    ["FLIGHT_COMPLETED", "AFR8"],
  );
  assert.equal(s2.state.prefiles.size, 0);
});

Deno.test("diffSnapshots rejects a negative grace period", () => {
  assert.throws(() => diffSnapshots(null, pairA, { graceMs: -1 }), RangeError);
  assert.equal(DEFAULT_GRACE_MS, 120_000);
});

const pilotArbitrary = fc.record({
  cid: fc.integer({ min: 1, max: 20 }),
  callsign: fc.constantFrom("BAW1", "DLH2", "KLM3"),
  logon: fc.integer({ min: -60, max: 0 }),
  latitude: fc.double({ min: -89, max: 89, noNaN: true }),
  longitude: fc.double({ min: -179, max: 179, noNaN: true }),
  altitude: fc.integer({ min: -100, max: 45_000 }),
  revision: fc.option(fc.integer({ min: 0, max: 5 })),
}).map((p) =>
  pilot({
    cid: p.cid,
    callsign: p.callsign,
    logon_time: feedTime(p.logon),
    latitude: p.latitude,
    longitude: p.longitude,
    altitude: p.altitude,
    flight_plan: p.revision === null ? null : plan(p.revision),
  })
);
const snapshotArbitrary = (minutes: number) =>
  fc.array(pilotArbitrary, { maxLength: 15 }).map((pilots) => snapshot(minutes, { pilots }));

Deno.test("property: diffing a snapshot against itself yields nothing", () => {
  fc.assert(fc.property(snapshotArbitrary(0), (s) => {
    const again = diffSnapshots(diffSnapshots(null, s).state, s);
    assert.deepEqual(again.events, []);
    assert.deepEqual(again.positions, []);
  }));
});

Deno.test("property: deterministic, schema-valid, every session accounted for, state bounded", () => {
  fc.assert(fc.property(
    snapshotArbitrary(0),
    snapshotArbitrary(1),
    fc.integer({ min: 0, max: 5 * 60_000 }),
    (a, b, graceMs) => {
      const first = diffSnapshots(null, a, { graceMs });
      const second = diffSnapshots(first.state, b, { graceMs });
      assert.deepEqual(diffSnapshots(diffSnapshots(null, a, { graceMs }).state, b, { graceMs }), second);
      for (const event of [...first.events, ...second.events]) feedEventSchema.parse(event);

      // Each session of a either continues, completes, or waits in its grace period; the state holds
      // exactly b's sessions plus those waiting, so it never grows past what the network holds.
      const { created, continued, completed } = second.sessions.flights;
      const waiting = [...second.state.flights.values()].filter((f) =>
        f.lastSeen !== b.general.update_timestamp
      );
      assert.equal(first.state.flights.size, continued.length + completed.length + waiting.length);
      assert.equal(second.state.flights.size, created.length + continued.length + waiting.length);
      // b is one minute after a: a grace under a minute leaves nobody waiting, one over it completes nobody.
      if (graceMs < 60_000) assert.equal(waiting.length, 0);
      else assert.equal(completed.length, 0);
    },
  ));
});

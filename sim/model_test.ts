import assert from "node:assert/strict";
import { parseSnapshot } from "../feed/parse_snapshot.ts";
import { distanceNm } from "./geo.ts";
import { FeedModel, type V3Feed } from "./model.ts";

const encoder = new TextEncoder();

function parsed(model: FeedModel) {
  const result = parseSnapshot(model.renderBytes());
  if (!result.ok) throw new Error(result.reason);
  return result;
}

function timeTicks(model: FeedModel, ticks: number): number {
  const started = performance.now();
  for (let i = 0; i < ticks; i++) {
    model.tick();
    model.renderBytes();
  }
  return (performance.now() - started) / ticks;
}

for (const pilots of [2000, 10_000]) {
  Deno.test(`${pilots} pilots: every record passes parseSnapshot, and generation speed`, () => {
    const model = new FeedModel({ pilots, seed: 7 });
    for (let round = 0; round < 3; round++) {
      const result = parsed(model);
      assert.deepEqual(result.rejected, []);
      assert.deepEqual(result.flagged, []);
      assert.deepEqual(result.snapshot.pilots.length, pilots);
      assert(result.snapshot.controllers.length > 0 && result.snapshot.atis.length > 0);
      assert(result.snapshot.prefiles.length > 0);
      assert.deepEqual(result.snapshot.military_ratings.length, 5);
      model.tick();
    }
    timeTicks(model, 3); // warm up
    const ms = timeTicks(model, 10);
    console.log(
      `${pilots} pilots: tick + renderBytes ${ms.toFixed(1)} ms per snapshot, ` +
        `${Math.round(model.cadenceMs / ms)}× real time`,
    );
  });
}

Deno.test("render() is JSON.stringify(snapshot()) in the real feed's key order", () => {
  const model = new FeedModel({ pilots: 300, seed: 3 });
  model.tick();
  assert.deepEqual(model.render(), JSON.stringify(model.snapshot()));
  assert.deepEqual(model.renderBytes(), encoder.encode(model.render()));
  const feed = model.snapshot();
  assert.deepEqual(Object.keys(feed), [
    "general",
    "pilots",
    "controllers",
    "atis",
    "servers",
    "prefiles",
    "facilities",
    "ratings",
    "pilot_ratings",
    "military_ratings",
  ]);
  const fixture = JSON.parse(
    Deno.readTextFileSync(
      new URL(
        "../../shared/fixtures/vatsim/vatsim-data_2025-08-06T0654Z_current-schema.json",
        import.meta.url,
      ),
    ),
  );
  assert.deepEqual(Object.keys(feed.general), Object.keys(fixture.general));
  assert.deepEqual(Object.keys(feed.pilots[0]), Object.keys(fixture.pilots[0]));
  const withPlan = feed.pilots.find((p) => p.flight_plan !== null);
  assert.deepEqual(Object.keys(withPlan?.flight_plan ?? {}), Object.keys(fixture.pilots[0].flight_plan));
  assert.deepEqual(Object.keys(feed.controllers[0]), Object.keys(fixture.controllers[0]));
  assert.deepEqual(Object.keys(feed.atis[0]), Object.keys(fixture.atis[0]));
  assert.deepEqual(Object.keys(feed.servers[0]), Object.keys(fixture.servers[0]));
  assert.deepEqual(Object.keys(feed.prefiles[0]), Object.keys(fixture.prefiles[0]));
  assert.deepEqual(feed.facilities, fixture.facilities);
  assert.deepEqual(feed.ratings, fixture.ratings);
  assert.deepEqual(feed.pilot_ratings, fixture.pilot_ratings);
  assert.deepEqual(feed.military_ratings, fixture.military_ratings);
});

Deno.test("the same seed gives the same snapshots; another seed does not", () => {
  const a = new FeedModel({ pilots: 200, seed: 42 });
  const b = new FeedModel({ pilots: 200, seed: 42 });
  const c = new FeedModel({ pilots: 200, seed: 43 });
  for (let i = 0; i < 20; i++) [a, b, c].forEach((m) => m.tick());
  assert.deepEqual(a.render(), b.render());
  assert.notEqual(a.render(), c.render());
});

Deno.test("update_timestamp advances by the cadence", () => {
  const model = new FeedModel({ pilots: 10, cadenceMs: 15_000, startTime: Date.UTC(2025, 0, 1) });
  assert.deepEqual(model.snapshot().general.update_timestamp, "2025-01-01T00:00:00.0000000Z");
  assert.deepEqual(model.snapshot().general.update, "20250101000000");
  model.tick();
  assert.deepEqual(model.snapshot().general.update_timestamp, "2025-01-01T00:00:15.0000000Z");
});

Deno.test("pilots move plausibly: no teleports, altitudes 0–45,000 ft, bounded vertical rates", () => {
  const model = new FeedModel({ pilots: 1000, seed: 11 });
  const hours = model.cadenceMs / 3_600_000;
  const key = (p: V3Feed["pilots"][number]) => `${p.cid} ${p.callsign} ${p.logon_time}`;
  let previous = new Map(model.snapshot().pilots.map((p) => [key(p), p]));
  let compared = 0, climbing = 0, descending = 0, cruising = 0;
  for (let tick = 0; tick < 240; tick++) {
    model.tick();
    const pilots = model.snapshot().pilots;
    for (const p of pilots) {
      assert(p.altitude >= 0 && p.altitude <= 45_000, `${p.callsign} at ${p.altitude} ft`);
      assert(p.groundspeed >= 0 && p.groundspeed < 700, `${p.callsign} at ${p.groundspeed} kt`);
      assert(p.heading >= 0 && p.heading < 360);
      const before = previous.get(key(p));
      if (before === undefined) continue;
      compared++;
      const moved = distanceNm(
        { lat: before.latitude, lon: before.longitude },
        { lat: p.latitude, lon: p.longitude },
      );
      const allowed = Math.max(before.groundspeed, p.groundspeed) * hours * 1.01 + 0.01;
      assert(moved <= allowed, `${p.callsign} moved ${moved.toFixed(2)} nm, allowed ${allowed.toFixed(2)}`);
      const climb = p.altitude - before.altitude;
      // 6,000 ft/min at most, in either direction.
      assert(Math.abs(climb) <= 1500, `${p.callsign} changed ${climb} ft in one tick`);
      if (climb > 0) climbing++;
      else if (climb < 0) descending++;
      else if (p.altitude > 20_000) cruising++;
    }
    previous = new Map(pilots.map((p) => [key(p), p]));
  }
  assert(compared > 200_000, `only ${compared} comparisons`);
  assert(climbing > 1000 && descending > 1000 && cruising > 10_000, `${climbing} ${descending} ${cruising}`);
});

Deno.test("sessions end and start; prefiles connect; plans are amended; controllers and ATIS change", () => {
  const model = new FeedModel({ pilots: 2000, seed: 5 });
  const first = model.snapshot();
  const session = (p: { cid: number; callsign: string; logon_time: string }) =>
    `${p.cid} ${p.callsign} ${p.logon_time}`;
  const firstSessions = new Set(first.pilots.map(session));
  const firstPrefiles = new Map(first.prefiles.map((p) => [p.callsign, p]));
  const firstControllers = new Set(first.controllers.map(session));
  const firstAtis = new Map(first.atis.map((a) => [a.callsign, a.atis_code]));
  const firstRevisions = new Map(first.pilots.map((p) => [session(p), p.flight_plan?.revision_id]));
  const seenPilotCallsigns = new Set<string>();
  for (let i = 0; i < 240; i++) {
    model.tick();
    for (const p of model.snapshot().pilots) seenPilotCallsigns.add(p.callsign);
  }
  const last = model.snapshot();
  assert.deepEqual(last.pilots.length, 2000);
  const lastSessions = new Set(last.pilots.map(session));
  const ended = [...firstSessions].filter((s) => !lastSessions.has(s)).length;
  const started = [...lastSessions].filter((s) => !firstSessions.has(s)).length;
  assert(ended > 50 && started > 50, `ended ${ended}, started ${started}`);
  const connectedPrefiles = [...firstPrefiles.keys()].filter((c) => seenPilotCallsigns.has(c));
  assert(connectedPrefiles.length > 0, "no prefile ever connected");
  const lastControllers = new Set(last.controllers.map(session));
  assert([...firstControllers].some((s) => !lastControllers.has(s)), "no controller logged off");
  assert([...lastControllers].some((s) => !firstControllers.has(s)), "no controller logged on");
  const changed = last.atis.filter((a) =>
    firstAtis.has(a.callsign) && firstAtis.get(a.callsign) !== a.atis_code
  );
  assert(changed.length > 0, "no ATIS letter changed");
  for (const a of changed) assert(a.text_atis?.some((line) => line.includes(`INFO ${a.atis_code} `)));
  const amended = last.pilots.filter((p) => {
    const before = firstRevisions.get(session(p));
    return before !== undefined && p.flight_plan !== null && p.flight_plan.revision_id > before;
  });
  assert(amended.length > 0, "no flight plan was amended");
  // The cached JSON of amended and new sessions still matches the records.
  assert.equal(model.render(), JSON.stringify(last));
  assert.deepEqual(model.renderBytes(), encoder.encode(model.render()));
  const callsigns = last.pilots.map((p) => p.callsign);
  assert.deepEqual(new Set(callsigns).size, callsigns.length, "duplicate pilot callsigns");
});

Deno.test("pilots outside 0–10,000 are refused", () => {
  for (const pilots of [-1, 10_001, 1.5]) assert.throws(() => new FeedModel({ pilots }), RangeError);
});

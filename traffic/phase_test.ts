import assert from "node:assert/strict";
import fc from "fast-check";
import { AirportGrid } from "./airport_grid.ts";
import {
  classifyPhase,
  type FlightPhase,
  isGroundPhase,
  isOnGround,
  MOVEMENT_RADIUS_NM,
  movementBetween,
  PHASE_RULES,
  type PositionSample,
  verticalRate,
} from "./phase.ts";

/** One airport at 500 ft on the equator, and one with no known elevation far away. */
const FIELD = { icao: "TEST", elevationFt: 500, lat: 0, lon: 0 };
const UNKNOWN = { icao: "NOEL", elevationFt: null, lat: 0, lon: 60 };
const grid = new AirportGrid([FIELD, UNKNOWN], (a) => a);
const locate = (lat: number, lon: number, maxNm: number) => grid.nearest({ lat, lon }, maxNm);

/** A position `nm` east of the field (1° of longitude is 60 nm here), `minute` minutes in. */
const at = (minute: number, nm: number, altitude: number, groundspeed: number): PositionSample => ({
  at: minute * 60_000,
  latitude: 0,
  longitude: nm / 60,
  altitude,
  groundspeed,
});

Deno.test("a flight from the field out and back: every phase in turn", () => {
  const track = [
    at(0, 0, 500, 0), // parked
    at(5, 0.3, 500, 15), // taxiing out
    at(10, 0.5, 520, 140), // rolling, off the ground
    at(11, 3, 1_400, 160), // still low and climbing
    at(12, 8, 3_500, 220),
    at(20, 60, 30_000, 450),
    at(21, 67.5, 30_020, 450), // level within 300 ft/min
    at(30, 30, 12_000, 300),
    at(38, 8, 2_400, 180), // low near the field, descending
    at(45, 4, 2_400, 160), // level, still low: approach
    at(47, 0.5, 520, 40), // slowed on the runway
    at(48, 0.2, 500, 10),
    at(50, 0, 500, 0),
  ];
  // Each position read against the one before it, as the reads do.
  const readings = track.map((sample, i) => classifyPhase(sample, i === 0 ? null : track[i - 1], locate));
  const phases: FlightPhase[] = readings.map((r) => r.phase);
  assert.deepEqual(phases, [
    "on_ground",
    "taxi",
    "takeoff",
    "takeoff",
    "climb",
    "climb",
    "cruise",
    "descent",
    "approach",
    "approach",
    "landed",
    "taxi",
    "on_ground",
  ]);
  assert.equal(readings[4].heightFt, 3_000);
});

Deno.test("the vertical rate: feet per minute between kept positions, none over a long gap", () => {
  assert.equal(verticalRate(at(0, 0, 1_000, 200), at(2, 5, 3_000, 200)), 1_000);
  assert.equal(verticalRate(null, at(0, 0, 1_000, 200)), null);
  assert.equal(verticalRate(at(0, 0, 1_000, 200), at(11, 5, 3_000, 200)), null);
  assert.equal(verticalRate(at(1, 0, 1_000, 200), at(1, 5, 3_000, 200)), null);
});

Deno.test("far from any airport (or at one without an elevation) speed alone says ground", () => {
  const reading = classifyPhase(at(0, 600, 9_000, 30), null, locate);
  assert.equal(reading.near, null);
  assert.equal(reading.phase, "taxi");
  assert.equal(classifyPhase({ ...at(0, 0, 9_000, 30), longitude: 60 }, null, locate).heightFt, null);
  // Slow but 1,100 ft above the field: a helicopter, in the air (low near the field and not climbing).
  assert.equal(classifyPhase(at(0, 1, 1_600, 30), null, locate).phase, "approach");
});

const sample = fc.record({
  at: fc.integer({ min: 0, max: 3_600_000 }),
  latitude: fc.double({ min: -0.3, max: 0.3, noNaN: true }),
  longitude: fc.double({ min: -0.3, max: 0.3, noNaN: true }),
  altitude: fc.integer({ min: -100, max: 45_000 }),
  groundspeed: fc.integer({ min: 0, max: 600 }),
});

Deno.test("property: ground phases are exactly the slow, low positions", () => {
  fc.assert(fc.property(sample, fc.option(sample), (current, previous) => {
    const reading = classifyPhase(current, previous, locate);
    assert.equal(isGroundPhase(reading.phase), isOnGround(current.groundspeed, reading.heightFt));
    if (current.groundspeed >= PHASE_RULES.groundSpeedKt) assert.ok(!isGroundPhase(reading.phase));
  }));
});

Deno.test("property: a movement is a take-off or a landing, put at the field it stood on", () => {
  fc.assert(fc.property(sample, sample, (before, after) => {
    const movement = movementBetween(before, after, locate);
    const reading = classifyPhase(after, before, locate);
    if (movement?.kind === "departure") assert.equal(reading.phase, "takeoff");
    if (movement?.kind === "arrival") assert.equal(reading.phase, "landed");
    // Every landing within the movement radius of the field is an arrival there.
    if (
      reading.phase === "landed" && reading.near !== null && reading.near.distanceNm <= MOVEMENT_RADIUS_NM
    ) {
      assert.equal(movement?.kind, "arrival");
    }
    if (movement !== null) assert.equal(movement.airport, FIELD);
    // Taking off is the same pair as landing, read backwards.
    const reverse = movementBetween(after, before, locate);
    if (movement !== null) assert.notEqual(reverse?.kind ?? null, movement.kind);
  }));
});

Deno.test("a ground position further than the movement radius from the field is no movement", () => {
  assert.equal(movementBetween(at(0, 6, 500, 0), at(1, 7, 900, 140), locate), null);
  assert.deepEqual(movementBetween(at(0, 4, 500, 0), at(1, 5, 900, 140), locate), {
    kind: "departure",
    airport: FIELD,
    at: 60_000,
  });
});

import assert from "node:assert/strict";
import { MAX_CHANGE_ROWS, noSightings, snapshotChangesSchema } from "../db/network.ts";
import { bounded } from "./processor.ts";

Deno.test("a diff with more rows of a kind than one message may carry is cut to the bound, and the cut counted", () => {
  const at = "2024-05-01T12:00:00.000000Z";
  const key = (i: number) => ({ cid: 800_000 + i, callsign: `T${i}`, logon_time: at });
  const flights = noSightings();
  const over = MAX_CHANGE_ROWS + 7;
  for (let i = 0; i < over; i++) {
    flights.cid.push(800_000 + i);
    flights.callsign.push(`T${i}`);
    flights.logon_time.push(at);
    flights.latitude.push(51);
    flights.longitude.push(0);
    flights.altitude.push(1_000);
    flights.groundspeed.push(200);
    flights.heading.push(90);
    flights.transponder.push("2000");
    flights.first_sighting.push(i % 2 === 0);
  }
  const { changes, dropped } = bounded({
    at,
    graceMs: 120_000,
    events: [],
    flights,
    continuedControllers: Array.from({ length: over }, (_, i) => key(i)),
  });
  assert.equal(dropped, 14);
  for (const [name, column] of Object.entries(changes.flights)) {
    assert.equal(column.length, MAX_CHANGE_ROWS, name);
  }
  assert.equal(changes.flights.callsign.at(-1), `T${MAX_CHANGE_ROWS - 1}`);
  assert.equal(changes.continuedControllers.length, MAX_CHANGE_ROWS);
  // What is left fits the bus schema; one row more would not, nor columns of different lengths.
  assert.ok(snapshotChangesSchema.safeParse(changes).success);
  const tooMany = { ...changes, continuedControllers: [...changes.continuedControllers, key(0)] };
  assert.ok(!snapshotChangesSchema.safeParse(tooMany).success);
  const ragged = { ...changes, flights: { ...changes.flights, heading: changes.flights.heading.slice(1) } };
  assert.ok(!snapshotChangesSchema.safeParse(ragged).success);
});

Deno.test("the sighting columns refuse a bad value by its row, a non-list and one row too many", () => {
  const at = "2024-05-01T12:00:00.000000Z";
  const flights = {
    ...noSightings(),
    cid: [800_001, 800_002],
    callsign: ["T1", "T2"],
    logon_time: [at, at],
    latitude: [51, null],
    longitude: [0, null],
    altitude: [1_000, null],
    groundspeed: [200, null],
    heading: [90, null],
    transponder: ["2000", null],
    first_sighting: [true, false],
  };
  const changes = { at, graceMs: 120_000, events: [], flights, continuedControllers: [] };
  assert.ok(snapshotChangesSchema.safeParse(changes).success);
  const refused = (column: string, value: unknown) => {
    const result = snapshotChangesSchema.safeParse({ ...changes, flights: { ...flights, [column]: value } });
    assert.ok(!result.success, `${column}: ${JSON.stringify(value)} passed`);
    return result.error.issues[0];
  };
  assert.deepEqual(refused("cid", [800_001, 0]).path, ["flights", "cid", 1]);
  assert.deepEqual(refused("cid", [800_001, 1.5]).path, ["flights", "cid", 1]);
  assert.deepEqual(refused("logon_time", ["2024-05-01T12:00:00Z", at]).path, ["flights", "logon_time", 0]);
  assert.deepEqual(refused("latitude", [Number.NaN, null]).path, ["flights", "latitude", 0]);
  assert.deepEqual(refused("heading", [90, Infinity]).path, ["flights", "heading", 1]);
  assert.deepEqual(refused("transponder", ["2000", 2000]).path, ["flights", "transponder", 1]);
  assert.deepEqual(refused("first_sighting", [true, "f"]).path, ["flights", "first_sighting", 1]);
  assert.equal(refused("callsign", "T1,T2").message, "expected a list");
  const long = Array.from({ length: MAX_CHANGE_ROWS + 1 }, () => "T");
  assert.match(refused("callsign", long).message, new RegExp(`more than ${MAX_CHANGE_ROWS} rows`));
});

import assert from "node:assert/strict";
import { MAX_CHANGE_ROWS, snapshotChangesSchema } from "../db/network.ts";
import { bounded } from "./processor.ts";

Deno.test("a diff with more rows of a kind than one message may carry is cut to the bound, and the cut counted", () => {
  const at = "2024-05-01T12:00:00.000000Z";
  const key = (i: number) => ({ cid: 800_000 + i, callsign: `T${i}`, logon_time: at });
  const position = (i: number) => ({
    ...key(i),
    at,
    latitude: 51,
    longitude: 0,
    altitude: 1_000,
    groundspeed: 200,
    heading: 90,
    transponder: "2000",
  });
  const over = MAX_CHANGE_ROWS + 7;
  const { changes, dropped } = bounded({
    at,
    graceMs: 120_000,
    events: [],
    positions: Array.from({ length: over }, (_, i) => position(i)),
    continuedFlights: Array.from({ length: over }, (_, i) => key(i)),
    continuedControllers: [key(1)],
  });
  assert.equal(dropped, 14);
  assert.equal(changes.positions.length, MAX_CHANGE_ROWS);
  assert.equal(changes.continuedFlights.length, MAX_CHANGE_ROWS);
  assert.equal(changes.continuedControllers.length, 1);
  // What is left fits the bus schema; one row more would not.
  assert.ok(snapshotChangesSchema.safeParse(changes).success);
  const tooMany = { ...changes, positions: [...changes.positions, position(0)] };
  assert.ok(!snapshotChangesSchema.safeParse(tooMany).success);
});

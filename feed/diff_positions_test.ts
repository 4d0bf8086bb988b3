import assert from "node:assert/strict";
import { diffSnapshots } from "./diff.ts";
import {
  distanceMetres,
  POSITION_THRESHOLDS,
  positionChanged,
  type PositionSample,
} from "./diff_positions.ts";
import { pilot, snapshot } from "./diff_test_helpers.ts";

const parked: PositionSample = {
  latitude: 51.47,
  longitude: -0.45,
  altitude: 83,
  groundspeed: 0,
  heading: 270,
  transponder: "2000",
};

// One metre of latitude in degrees (a meridian degree is about 111,195 m on the mean sphere).
const METRE = 1 / 111_195;

Deno.test("distanceMetres: one degree of latitude is about 111 km; zero for the same point", () => {
  assert.equal(distanceMetres(parked, parked), 0);
  const degree = distanceMetres({ ...parked, latitude: 0 }, { ...parked, latitude: 1 });
  assert.ok(Math.abs(degree - 111_195) < 1, String(degree));
});

Deno.test("positionChanged: each threshold, just below and at it", () => {
  const { movedMetres, climbedFeet, groundspeedKnots } = POSITION_THRESHOLDS;
  assert.equal(positionChanged(parked, parked), false);
  assert.equal(positionChanged(parked, { ...parked, heading: 90 }), false, "heading alone is not a change");
  assert.equal(
    positionChanged(parked, { ...parked, latitude: parked.latitude + (movedMetres - 1) * METRE }),
    false,
  );
  assert.equal(
    positionChanged(parked, { ...parked, latitude: parked.latitude + (movedMetres + 1) * METRE }),
    true,
  );
  assert.equal(positionChanged(parked, { ...parked, altitude: parked.altitude + climbedFeet - 1 }), false);
  assert.equal(positionChanged(parked, { ...parked, altitude: parked.altitude - climbedFeet }), true);
  assert.equal(positionChanged(parked, { ...parked, groundspeed: groundspeedKnots - 1 }), false);
  assert.equal(positionChanged(parked, { ...parked, groundspeed: groundspeedKnots }), true);
  assert.equal(positionChanged(parked, { ...parked, transponder: "7700" }), true);
});

Deno.test("positions: slow drift is compared with the last kept row, so it is kept once it adds up", () => {
  let state = diffSnapshots(null, snapshot(0, { pilots: [pilot()] })).state;
  const kept: number[] = [];
  for (let step = 1; step <= 6; step++) {
    const at = snapshot(step * 0.25, { pilots: [pilot({ latitude: 51.47 + step * 40 * METRE })] });
    const diff = diffSnapshots(state, at);
    state = diff.state;
    if (diff.positions.length > 0) kept.push(step);
  }
  // 40 m a step: 120 m from the first row at step 3, then 120 m from that one at step 6.
  assert.deepEqual(kept, [3, 6]);
});

Deno.test("pair-a then pair-b: one position per session that moved or changed, none for the ended", async () => {
  const { FIXTURES } = await import("../tests/helpers/fixtures.ts");
  const { parseSnapshot } = await import("./parse_snapshot.ts");
  const read = async (name: string) => {
    const result = parseSnapshot(await Deno.readFile(new URL(name, FIXTURES)));
    if (!result.ok) throw new Error(result.reason);
    return result.snapshot;
  };
  const a = await read("vatsim-data_2021-04-09T1543Z_pair-a.json");
  const b = await read("vatsim-data_2021-04-09T1619Z_pair-b.json");
  const second = diffSnapshots(diffSnapshots(null, a).state, b);
  // Every one of the 377 new sessions gets its first row. Of the 706 continuing ones, 676 changed their
  // coordinates at all (SOURCES.md); 680 pass a threshold: those that moved at least 100 m plus a few
  // that stood still but changed squawk, altitude or speed. Ended sessions get no row.
  assert.equal(second.sessions.flights.created.length, 377);
  assert.equal(second.positions.length, 377 + 680);
  assert.ok(second.positions.every((row) => row.at === b.general.update_timestamp));
});

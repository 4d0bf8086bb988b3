import assert from "node:assert/strict";
import fc from "fast-check";
import { distanceNm, type LatLon } from "../sim/geo.ts";
import { AirportGrid } from "./airport_grid.ts";

const latLon = fc.record({
  lat: fc.double({ min: -90, max: 90, noNaN: true }),
  lon: fc.double({ min: -180, max: 180, noNaN: true }),
});
/** Points near one another, as airports are: a cluster around a centre that may sit on the antimeridian or a pole. */
const cluster = fc.record({
  centre: fc.oneof(
    latLon,
    fc.constantFrom({ lat: 0, lon: 180 }, { lat: 89.9, lon: 0 }, { lat: -65, lon: -179.9 }),
  ),
  offsets: fc.array(
    fc.tuple(fc.double({ min: -3, max: 3, noNaN: true }), fc.double({ min: -3, max: 3, noNaN: true })),
    {
      minLength: 0,
      maxLength: 40,
    },
  ),
}).map(({ centre, offsets }) => ({
  centre,
  points: offsets.map(([dLat, dLon]) => ({
    lat: Math.max(-90, Math.min(90, centre.lat + dLat)),
    lon: ((centre.lon + dLon + 540) % 360) - 180,
  })),
}));

function bruteForce(points: readonly LatLon[], at: LatLon, maxNm: number) {
  let best: { item: LatLon; distanceNm: number } | null = null;
  for (const item of points) {
    const nm = distanceNm(at, item);
    if (nm <= maxNm && (best === null || nm < best.distanceNm)) best = { item, distanceNm: nm };
  }
  return best;
}

Deno.test("the grid finds the same nearest point as looking at every one, poles and antimeridian included", () => {
  fc.assert(
    fc.property(
      cluster,
      fc.tuple(fc.double({ min: -2, max: 2, noNaN: true }), fc.double({ min: -2, max: 2, noNaN: true })),
      fc.constantFrom(3, 10, 50, 100, 400),
      ({ centre, points }, [dLat, dLon], maxNm) => {
        const at = {
          lat: Math.max(-90, Math.min(90, centre.lat + dLat)),
          lon: ((centre.lon + dLon + 540) % 360) - 180,
        };
        const grid = new AirportGrid(points, (p) => p);
        const found = grid.nearest(at, maxNm);
        const expected = bruteForce(points, at, maxNm);
        assert.equal(found?.distanceNm, expected?.distanceNm);
      },
    ),
    { numRuns: 500 },
  );
});

Deno.test("the grid answers null beyond the radius, and the item itself at its own position", () => {
  const heathrow = { icao: "EGLL", lat: 51.4706, lon: -0.461941 };
  const gatwick = { icao: "EGKK", lat: 51.148102, lon: -0.190278 };
  const grid = new AirportGrid([heathrow, gatwick], (a) => a);
  assert.equal(grid.nearest(heathrow, 1)?.item, heathrow);
  assert.equal(grid.nearest({ lat: 51.2, lon: -0.2 }, 10)?.item, gatwick);
  assert.equal(grid.nearest({ lat: 48, lon: 2 }, 100), null);
  assert.equal(grid.nearest({ lat: 48, lon: 2 }, 300)?.item, gatwick);
});

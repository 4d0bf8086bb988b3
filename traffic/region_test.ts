import assert from "node:assert/strict";
import fc from "fast-check";
import type { Box } from "../db/query_params.ts";
import { distanceNm } from "../sim/geo.ts";
import {
  airportInRegion,
  boxContains,
  expandBox,
  positionInRegion,
  regionBox,
  RegionSchema,
} from "./region.ts";
import { airportByIcao } from "./airports.ts";

Deno.test("boxes: inside, outside, and across the antimeridian", () => {
  assert.ok(boxContains([-10, 35, 30, 60], 50, 0));
  assert.ok(!boxContains([-10, 35, 30, 60], 50, 31));
  assert.ok(boxContains([170, -60, -170, 60], 0, 179));
  assert.ok(boxContains([170, -60, -170, 60], 0, -175));
  assert.ok(!boxContains([170, -60, -170, 60], 0, 0));
  assert.deepEqual(expandBox([175, 0, 179, 10], 120).map((x) => Math.round(x)), [173, -2, -179, 12]);
  assert.deepEqual(expandBox([-170, 80, 170, 85], 600).map((x) => Math.round(x)), [-180, 70, 180, 90]);
});

Deno.test("property: a box grown by n nm holds every point within n nm of a point in it", () => {
  const box = fc.record({
    west: fc.double({ min: -180, max: 180, noNaN: true }),
    south: fc.double({ min: -85, max: 80, noNaN: true }),
    width: fc.double({ min: 0, max: 40, noNaN: true }),
    height: fc.double({ min: 0, max: 5, noNaN: true }),
  });
  const fraction = fc.double({ min: 0, max: 1, noNaN: true });
  const step = fc.double({ min: -6, max: 6, noNaN: true });
  const nm = fc.double({ min: 1, max: 300, noNaN: true });
  fc.assert(
    fc.property(box, fraction, fraction, step, step, nm, (b, u, v, dLat, dLon, reach) => {
      const wrap = (lon: number) => ((lon + 540) % 360) - 180;
      const bounds: Box = [b.west, b.south, wrap(b.west + b.width), b.south + b.height];
      const inside = { lat: b.south + u * b.height, lon: wrap(b.west + v * b.width) };
      const point = { lat: Math.max(-90, Math.min(90, inside.lat + dLat)), lon: wrap(inside.lon + dLon) };
      if (distanceNm(inside, point) > reach) return;
      assert.ok(boxContains(expandBox(bounds, reach), point.lat, point.lon));
    }),
    { numRuns: 2_000 },
  );
});

Deno.test("regions: an ICAO prefix by code and nearest airport, a box by position", () => {
  const uk = RegionSchema.parse({ prefix: "EG" });
  assert.equal(RegionSchema.safeParse({ prefix: "QQ" }).success, false, "no airport has QQ");
  assert.equal(RegionSchema.safeParse({ box: [0, 10, 5, 5] }).success, false, "south above north");
  assert.ok(airportInRegion(uk, airportByIcao("EGCC")!));
  assert.ok(!airportInRegion(uk, airportByIcao("EHAM")!));
  assert.ok(positionInRegion(uk, 51.5, -0.1), "over London");
  assert.ok(!positionInRegion(uk, 52.3, 4.8), "over Amsterdam");
  assert.ok(!positionInRegion(uk, 45, -30), "mid-Atlantic: no airport within 100 nm");
  const [west, south, east, north] = regionBox(uk, 5);
  assert.ok(west < -6 && east > 1 && south < 50 && north > 58, "around the UK's airports");
  const box = RegionSchema.parse({ box: [-1, 51, 0, 52] });
  assert.ok(airportInRegion(box, airportByIcao("EGLL")!) && !airportInRegion(box, airportByIcao("EGCC")!));
});

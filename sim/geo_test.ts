import assert from "node:assert/strict";
import { bearingDeg, distanceNm, interpolate } from "./geo.ts";

const heathrow = { lat: 51.4706, lon: -0.461941 };
const kennedy = { lat: 40.639801, lon: -73.7789 };

Deno.test("distanceNm: Heathrow to Kennedy is about 2,990 nm", () => {
  const nm = distanceNm(heathrow, kennedy);
  assert(Math.abs(nm - 2990) < 15, `${nm}`);
  assert.equal(distanceNm(heathrow, heathrow), 0);
});

Deno.test("bearingDeg: westbound across the Atlantic starts north of west", () => {
  const course = bearingDeg(heathrow, kennedy);
  assert(course > 280 && course < 295, `${course}`);
  assert(Math.abs(bearingDeg({ lat: 0, lon: 0 }, { lat: 10, lon: 0 })) < 1e-9);
  assert(Math.abs(bearingDeg({ lat: 0, lon: 0 }, { lat: 0, lon: 10 }) - 90) < 1e-9);
});

Deno.test("interpolate: ends at the airports, and a fraction of the way is that fraction of the distance", () => {
  const total = distanceNm(heathrow, kennedy);
  assert(distanceNm(interpolate(heathrow, kennedy, 0), heathrow) < 1e-6);
  assert(distanceNm(interpolate(heathrow, kennedy, 1), kennedy) < 1e-6);
  const third = interpolate(heathrow, kennedy, 1 / 3);
  assert(Math.abs(distanceNm(heathrow, third) - total / 3) < 1e-6);
  // The great circle passes well north of both ends.
  assert(interpolate(heathrow, kennedy, 0.5).lat > 52);
});

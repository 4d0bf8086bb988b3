import assert from "node:assert/strict";
import { airports, selectAirports } from "./airports.ts";

const row = (ident: string, type: string, gps_code = ident) => ({
  ident,
  gps_code,
  type,
  name: ident,
  latitude_deg: "51.47",
  longitude_deg: "-0.46",
  elevation_ft: "83",
});

Deno.test("selectAirports keeps medium and large airports with an ICAO code", () => {
  const kept = selectAirports([
    row("EGLL", "large_airport"),
    row("EGKK", "medium_airport"),
    row("EG01", "medium_airport"),
    row("5A8", "medium_airport"),
    row("AF-0005", "medium_airport", "OAKS"),
    row("EGXX", "small_airport"),
    row("EGYY", "heliport"),
  ]);
  assert.deepEqual(kept.map((a) => a.icao), ["EGKK", "EGLL"]);
  assert.deepEqual(kept[1], {
    icao: "EGLL",
    name: "EGLL",
    lat: 51.47,
    lon: -0.46,
    elevationFt: 83,
    large: true,
  });
});

Deno.test("the packaged database gives thousands of airports, the big hubs among them", () => {
  const all = airports();
  assert(all.length > 4000, `${all.length} airports`);
  const icao = new Set(all.map((a) => a.icao));
  assert.equal(icao.size, all.length, "duplicate ICAO codes");
  for (const hub of ["EGLL", "KJFK", "EDDF", "RJTT", "YSSY", "OMDB", "SBGR"]) assert(icao.has(hub), hub);
  for (const a of all) {
    assert(a.lat >= -90 && a.lat <= 90 && a.lon >= -180 && a.lon <= 180, a.icao);
    assert(a.elevationFt > -1500 && a.elevationFt < 15_000, `${a.icao} at ${a.elevationFt} ft`);
  }
  console.log(`${all.length} airports kept, ${all.filter((a) => a.large).length} of them large`);
});

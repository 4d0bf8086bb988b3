import assert from "node:assert/strict";
import { airportByIcao, airportsWithPrefix, catalogueAirports, nearestAirport } from "./airports.ts";

const row = (
  ident: string,
  gps_code: string,
  type = "medium_airport",
  extra: Record<string, string> = {},
) => ({
  ident,
  gps_code,
  type,
  name: `${ident} field`,
  latitude_deg: "51.47",
  longitude_deg: "-0.46",
  elevation_ft: "83",
  iso_country: "GB",
  municipality: "",
  iata_code: "",
  ...extra,
});

Deno.test("the catalogue: ICAO codes from the GPS code or the ident, the GPS code winning a clash", () => {
  const countries = new Map([["GB", "United Kingdom"]]);
  const airports = catalogueAirports([
    row("EGLL", "EGLL", "large_airport", { iata_code: "LHR", municipality: "London" }),
    row("AF-0005", "OAKS"),
    row("URMG", ""), // claims URMG by its ident...
    row("RU-0035", "URMG", "medium_airport", { name: "Grozny" }), // ...which the GPS code of another takes
    row("5A8", "5A8"),
    row("EGXX", "EGXX", "small_airport"),
    row("EGNO", "EGNO", "medium_airport", { elevation_ft: "" }),
  ], countries);
  assert.deepEqual(airports.map((a) => a.icao), ["EGLL", "EGNO", "OAKS", "URMG"]);
  assert.deepEqual(airports[0], {
    icao: "EGLL",
    iata: "LHR",
    name: "EGLL field",
    municipality: "London",
    type: "large_airport",
    latitude: 51.47,
    longitude: -0.46,
    elevationFt: 83,
    country: { code: "GB", name: "United Kingdom" },
  });
  assert.equal(airports[1].elevationFt, null);
  assert.equal(airports[3].name, "Grozny");
});

Deno.test("the packaged data: Heathrow by code, by prefix, and nearest to its runways", () => {
  const heathrow = airportByIcao("EGLL");
  assert.equal(heathrow?.name, "London Heathrow Airport");
  assert.equal(heathrow?.country.name, "United Kingdom");
  assert.equal(heathrow?.elevationFt, 83);
  assert.equal(airportByIcao("ZZZZ"), undefined);
  const uk = airportsWithPrefix("EG");
  assert.ok(uk.length > 30 && uk.every((a) => a.icao.startsWith("EG")));
  assert.ok(airportsWithPrefix("K").length > 500);
  // The 27L threshold, 1.4 nm from the reference point.
  const near = nearestAirport(51.4648, -0.4341, 10);
  assert.equal(near?.item.icao, "EGLL");
  assert.ok(near!.distanceNm < 2);
  assert.equal(nearestAirport(45, -30, 100), null, "mid-Atlantic");
});

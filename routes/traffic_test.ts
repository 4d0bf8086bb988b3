/**
 * The traffic routes' HTTP side over fake reads: what each passes on, and its 400s and 404s. The reads
 * themselves are checked in db/traffic_test.ts and, through these routes, in tests/traffic_sim_test.ts.
 */
import assert from "node:assert/strict";
import type { DataQueries } from "../db/queries.ts";
import { AirportInfoSchema } from "../traffic/airports.ts";
import { createApp } from "./app.ts";
import { errorOf, fakeDeps, jsonOf, noData } from "./test_deps.ts";

/** Reads that answer with the filter they were given. */
function echoData(): DataQueries {
  const echo = (filter: unknown) => Promise.resolve({ filter });
  return {
    ...noData,
    movements: echo,
    trafficSummary: echo,
    trafficTrends: echo,
    arrivalForecast: echo,
    atcCoverage: echo,
  } as unknown as DataQueries;
}

const app = createApp(fakeDeps({ data: echoData() }));
const filterOf = async (path: string) =>
  ((await jsonOf(await app.request(path), 200)) as { filter: unknown }).filter;
const bad = async (path: string, parameter: string) => {
  const message = await errorOf(await app.request(path), 400, "invalid_parameter");
  assert.match(message, new RegExp(`parameter "${parameter}"`), path);
};

Deno.test("GET /api/airports/{icao}: the airport, any case; 404 for an unknown one", async () => {
  const airport = AirportInfoSchema.parse(await jsonOf(await app.request("/api/airports/egll"), 200));
  assert.deepEqual([airport.icao, airport.iata, airport.country.code], ["EGLL", "LHR", "GB"]);
  assert.match(await errorOf(await app.request("/api/airports/ZZZZ"), 404, "not_found"), /ZZZZ/);
  await bad("/api/airports/E$LL", "icao");
  await bad("/api/airports/EGLL?at=now", "at");
});

Deno.test("the airport routes pass the code, the window and the page on", async () => {
  assert.deepEqual(await filterOf("/api/traffic/movements/eham?from=2025-08-06T00:00:00Z&limit=10"), {
    airport: "EHAM",
    from: "2025-08-06T00:00:00Z",
    limit: 10,
  });
  assert.deepEqual(await filterOf("/api/traffic/trends/EHAM?days=3"), { airport: "EHAM", days: 3 });
  assert.deepEqual(await filterOf("/api/traffic/forecast/EHAM"), { airport: "EHAM" });
  await bad("/api/traffic/movements/EHAM?from=2025-08-07T00:00:00Z&to=2025-08-06T00:00:00Z", "from");
  await bad("/api/traffic/movements/EHAM?from=yesterday", "from");
  await bad("/api/traffic/trends/EHAM?days=29", "days");
  await bad("/api/traffic/forecast/EHAM?minutes=0", "minutes");
  await errorOf(await app.request("/api/traffic/forecast/QQQQ"), 404, "not_found");
});

Deno.test("GET /api/traffic/summary/{region}: an ICAO prefix or a box", async () => {
  assert.deepEqual(await filterOf("/api/traffic/summary/eg"), { region: { prefix: "EG" } });
  assert.deepEqual(await filterOf("/api/traffic/summary/-10,35,30,60"), {
    region: { box: [-10, 35, 30, 60] },
  });
  await bad("/api/traffic/summary/-10,35,30", "region");
  await bad("/api/traffic/summary/0,60,10,50", "region");
  await bad("/api/traffic/summary/EGLLX", "region");
  assert.match(await errorOf(await app.request("/api/traffic/summary/QQ"), 404, "not_found"), /QQ/);
});

Deno.test("GET /api/atc/coverage: window, callsign prefix and page", async () => {
  assert.deepEqual(await filterOf("/api/atc/coverage?callsign=eg&offset=5"), { callsign: "EG", offset: 5 });
  await bad("/api/atc/coverage?facility=5", "facility");
  await bad("/api/atc/coverage?from=2025-08-07T00:00:00Z&to=2025-08-06T00:00:00Z", "from");
});

/**
 * The traffic routes against a simulated network whose truth is known: 30 pilots flying between five
 * airports for 30 h at a 60 s cadence. Every snapshot goes through the real parse, diff and write path
 * (tests/helpers/replay.ts); the model's own phase changes are the expected movements, its flights the
 * expected arrivals, and the controllers in its snapshots the expected coverage.
 */
import assert from "node:assert/strict";
import type { Database } from "../db/database.ts";
import { migrate } from "../db/migrate.ts";
import { databaseQueries } from "../db/queries.ts";
import {
  ArrivalForecastSchema,
  AtcCoverageSchema,
  MovementPageSchema,
  TrafficSummarySchema,
  TrafficTrendsSchema,
} from "../db/traffic_schemas.ts";
import { createApp } from "../routes/app.ts";
import { fakeDeps, jsonOf } from "../routes/test_deps.ts";
import type { FeedModel } from "../sim/model.ts";
import { driverCases } from "./helpers/databases.ts";
import {
  climbing,
  countByAirport,
  expectedCoverage,
  type ExpectedEta,
  matchMovements,
  storeSimulation,
} from "./helpers/traffic_truth.ts";

const AIRPORTS = ["EDDF", "EGCC", "EGLL", "EHAM", "LFPG"];
const CADENCE_MS = 60_000;
const HOUR_MS = 3_600_000;
const HOURS = 30;
/** The forecast is asked every 2 h from the 6th hour, while there is still an hour left to see it come true. */
const FORECAST_HOURS = [6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28];
/**
 * How a landing may differ from its ETA, which holds the present ground speed. Past its climb a
 * simulated flight only slows down (to 250 kt at 10,000 ft, 150 kt near the ground, on a 3° descent),
 * so it lands at its ETA or later: the slowing costs a jet at 480 kt about 9 min, so up to 12. In the
 * climb it speeds up first, so its ETA comes late (by an hour, just off the ground at 150 kt): only the
 * 12 min bound holds for it.
 */
const MAX_LATE_MINUTES = 12;
const CADENCE_MINUTES = CADENCE_MS / 60_000;

type Get = (path: string) => Promise<unknown>;

/** Flies and stores the network, asking for the forecast at the FORECAST_HOURS. */
async function simulate(db: Database, get: Get) {
  const etas: ExpectedEta[] = [];
  const run = await storeSimulation(db, {
    pilots: 30,
    seed: 11,
    cadenceMs: CADENCE_MS,
    hours: HOURS,
    airports: AIRPORTS,
    afterSnapshot: async (model, tick) => {
      if (FORECAST_HOURS.includes(tick / 60)) etas.push(...await askForecasts(get, model));
    },
  });
  return { ...run, etas };
}

type Run = Awaited<ReturnType<typeof simulate>>;

/**
 * The forecast of each airport now, which must list exactly the model's flights in the air there due
 * within 60 min by their remaining distance and speed, by ETA. Returns every flight in the air to the
 * five, listed or not, with the model's ETA, to be held against when it lands.
 */
async function askForecasts(get: Get, model: FeedModel): Promise<ExpectedEta[]> {
  const etas: ExpectedEta[] = [];
  for (const icao of AIRPORTS) {
    const forecast = ArrivalForecastSchema.parse(await get(`/api/traffic/forecast/${icao}`));
    assert.equal(Date.parse(forecast.snapshot!), model.now);
    const flying = model.flights.filter((f) => f.phase === "airborne" && f.arr.icao === icao);
    const due = flying.map((f) => ({ f, minutes: (f.distanceNm - f.flownNm) / f.groundspeed * 60 }))
      .filter((d) => d.minutes <= 60).sort((a, b) => a.minutes - b.minutes);
    assert.deepEqual(forecast.arrivals.map((a) => a.callsign), due.map((d) => d.f.callsign), icao);
    forecast.arrivals.forEach((arrival, i) => {
      // The same formula over positions stored to 5 decimals (about a metre): equal within a second.
      assert.ok(Math.abs(arrival.minutes - due[i].minutes) < 1 / 60, arrival.callsign);
    });
    for (const f of flying) {
      const minutes = (f.distanceNm - f.flownNm) / f.groundspeed * 60;
      const listed = minutes <= 60;
      etas.push({
        airport: icao,
        callsign: f.callsign,
        askedAt: model.now,
        minutes,
        listed,
        climbing: climbing(f),
      });
    }
  }
  return etas;
}

async function checkMovements(get: Get, run: Run): Promise<void> {
  const since = run.nowMs - 24 * HOUR_MS;
  let departures = 0, arrivals = 0;
  for (const icao of AIRPORTS) {
    const page = MovementPageSchema.parse(await get(`/api/traffic/movements/${icao}?limit=5000`));
    assert.deepEqual([Date.parse(page.from!), Date.parse(page.to!)], [since, run.nowMs]);
    const expected = run.truth.filter((m) => m.airport === icao && m.at >= since);
    const { unmatched, unexpected, worstMs } = matchMovements(expected, page.movements, CADENCE_MS);
    assert.deepEqual(unmatched, [], `${icao}: movements the model made that were not found`);
    assert.deepEqual(unexpected, [], `${icao}: movements found that the model did not make`);
    assert.equal(worstMs, 0, "each at the very snapshot that first showed it");
    assert.equal(page.total, expected.length);
    departures += page.departures;
    arrivals += page.arrivals;
  }
  const made = run.truth.filter((m) => m.at >= since);
  const of = (kind: string) => made.filter((m) => m.kind === kind).length;
  console.log(
    `last 24 h at the 5 airports: the model made ${of("departure")} departures and ${of("arrival")} ` +
      `arrivals; the routes found ${departures} and ${arrivals}, all matched, none extra`,
  );
  assert.ok(departures > 100 && arrivals > 100);
  // A window of all 30 h holds every movement, the first hours' included.
  const from = new Date(run.startMs).toISOString();
  const page = MovementPageSchema.parse(await get(`/api/traffic/movements/EGLL?from=${from}&limit=5000`));
  assert.equal(page.total, run.truth.filter((m) => m.airport === "EGLL").length);
}

async function checkTrends(get: Get, run: Run): Promise<void> {
  for (const icao of AIRPORTS) {
    for (const days of [1, 7]) {
      const trends = TrafficTrendsSchema.parse(await get(`/api/traffic/trends/${icao}?days=${days}`));
      assert.equal(trends.hours.length, 24);
      trends.hours.forEach((hour, i) => {
        const from = Date.parse(hour.from);
        assert.equal(from, run.nowMs - (24 - i) * HOUR_MS);
        const count = (daysBack: number, kind?: string) =>
          run.truth.filter((m) => {
            const at = m.at + daysBack * 24 * HOUR_MS;
            return m.airport === icao && at > from && at <= from + HOUR_MS && (kind ?? m.kind) === m.kind;
          }).length;
        assert.deepEqual(
          [hour.departures, hour.arrivals, hour.movements, hour.observed],
          [count(0, "departure"), count(0, "arrival"), count(0), true],
          `${icao} ${hour.from}`,
        );
        // The day before was stored only from the simulation's start: its first 18 hours were never seen.
        const seen = from - 24 * HOUR_MS >= run.startMs;
        assert.deepEqual(hour.usual, { days: seen ? 1 : 0, mean: seen ? count(1) : null, stdDev: null });
      });
    }
  }
}

function checkForecasts(run: Run): void {
  let landedSoon = 0;
  const late: number[] = [];
  const checked: ExpectedEta[] = [];
  for (const eta of run.etas) {
    const landing = run.truth.find((m) =>
      m.kind === "arrival" && m.airport === eta.airport && m.callsign === eta.callsign && m.at > eta.askedAt
    );
    if (landing === undefined) continue;
    const minutes = (landing.at - eta.askedAt) / 60_000;
    if (minutes <= 60) landedSoon++;
    // Those listed, and those left out (due after 60 min by their ETA) that landed within 60 all the same.
    if (!eta.listed && minutes > 60) continue;
    const lateBy = minutes - eta.minutes;
    late.push(lateBy);
    checked.push(eta);
    assert.ok(lateBy <= MAX_LATE_MINUTES, JSON.stringify({ eta, minutes }));
    if (!eta.climbing) assert.ok(lateBy >= -CADENCE_MINUTES, JSON.stringify({ eta, minutes }));
    if (!eta.listed) assert.ok(eta.climbing, "only a climbing flight's ETA is too late to be listed");
  }
  const listed = run.etas.filter((e) => e.listed);
  const range = (values: number[]) =>
    `${Math.min(...values).toFixed(1)} to ${Math.max(...values).toFixed(1)} min`;
  console.log(
    `forecast asked ${FORECAST_HOURS.length} times at 5 airports: ${listed.length} flights listed, ` +
      `${landedSoon} landed within 60 min of being asked, ${
        late.length - listed.length
      } of those not listed ` +
      `(climbing); landed minus ETA: ${range(late.filter((_, i) => !checked[i].climbing))} past the climb, ` +
      `${range(late.filter((_, i) => checked[i].climbing))} climbing`,
  );
  assert.ok(listed.length >= 20);
}

async function checkSummary(get: Get, run: Run): Promise<void> {
  const since = run.nowMs - 24 * HOUR_MS;
  const recent = run.truth.filter((m) => m.at >= since);
  const box = TrafficSummarySchema.parse(await get("/api/traffic/summary/-6,44,13,57"));
  const flights = run.model.flights;
  const airborne = flights.filter((f) => f.phase === "airborne").length;
  assert.deepEqual([box.now.airborne, box.now.onGround], [airborne, flights.length - airborne]);
  assert.equal(Object.values(box.now.phases).reduce((sum, n) => sum + n, 0), flights.length);
  assert.deepEqual([box.departures, box.arrivals], [
    recent.filter((m) => m.kind === "departure").length,
    recent.filter((m) => m.kind === "arrival").length,
  ]);
  assert.deepEqual(box.busiest.map(({ name: _, ...counts }) => counts), countByAirport(recent));
  const uk = TrafficSummarySchema.parse(await get("/api/traffic/summary/eg"));
  assert.deepEqual(
    uk.busiest.map(({ name: _, ...counts }) => counts),
    countByAirport(recent.filter((m) => m.airport.startsWith("EG"))),
  );
}

async function checkCoverage(get: Get, run: Run): Promise<void> {
  const [from, to] = [run.startMs, run.nowMs].map((ms) => new Date(ms).toISOString());
  const coverage = AtcCoverageSchema.parse(await get(`/api/atc/coverage?from=${from}&to=${to}&limit=5000`));
  const expected = expectedCoverage(run.sightings, run.startMs, run.nowMs);
  const found = new Map(coverage.positions.map((p) => [`${p.day}|${p.callsign}|${p.facility}`, p.seconds]));
  assert.deepEqual([...found.keys()].sort(), [...expected.keys()].sort());
  for (const [key, seconds] of expected) assert.ok(Math.abs(found.get(key)! - seconds) < 1e-3, key);
  assert.equal(coverage.total, expected.size);
  const perFacility = coverage.facilities.reduce((sum, f) => sum + f.seconds, 0);
  const perPosition = coverage.positions.reduce((sum, p) => sum + p.seconds, 0);
  assert.ok(Math.abs(perFacility - perPosition) < 1e-3 && perPosition > 0);
}

const postgres = driverCases.find((driver) => driver.kind === "postgres")!;

Deno.test({
  name: "movements, trends, forecast, summary and coverage match what the simulator flew",
  ignore: postgres.ignore,
  fn: () =>
    postgres.withDatabase(async (db) => {
      await migrate(db);
      const app = createApp(fakeDeps({ data: databaseQueries(db) }));
      const get: Get = async (path) => await jsonOf(await app.request(path), 200);
      const run = await simulate(db, get);
      await checkMovements(get, run);
      await checkTrends(get, run);
      checkForecasts(run);
      await checkSummary(get, run);
      await checkCoverage(get, run);
    }),
});

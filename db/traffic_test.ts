/**
 * The traffic reads on both drivers, over a few hours of simulated traffic (tests/traffic_sim_test.ts
 * holds them to a longer run over HTTP), and on an empty database.
 */
import assert from "node:assert/strict";
import { testOnMigratedDatabases } from "../tests/helpers/databases.ts";
import { expectedCoverage, matchMovements, storeSimulation } from "../tests/helpers/traffic_truth.ts";
import { PHASE_RULES } from "../traffic/phase.ts";
import { databaseQueries } from "./queries.ts";

const AIRPORTS = ["EGLL", "EHAM", "LFPG"];

testOnMigratedDatabases("before the first snapshot every traffic read answers empty", async (db) => {
  const reads = databaseQueries(db);
  const movements = await reads.movements({ airport: "EGLL" });
  assert.deepEqual([movements.from, movements.total, movements.movements], [null, 0, []]);
  const summary = await reads.trafficSummary({ region: { prefix: "EG" } });
  assert.deepEqual([summary.snapshot, summary.now.airborne, summary.busiest], [null, 0, []]);
  assert.deepEqual((await reads.trafficTrends({ airport: "EGLL" })).hours, []);
  assert.deepEqual((await reads.arrivalForecast({ airport: "EGLL" })).arrivals, []);
  assert.equal((await reads.atcCoverage({})).from, null);
});

testOnMigratedDatabases(
  "four hours of simulated traffic read back: movements, forecast, trends, coverage",
  async (db) => {
    const run = await storeSimulation(db, {
      pilots: 12,
      seed: 4,
      cadenceMs: 60_000,
      hours: 4,
      airports: AIRPORTS,
    });
    const reads = databaseQueries(db);
    const from = new Date(run.startMs).toISOString();
    let found = 0;
    for (const airport of AIRPORTS) {
      const page = await reads.movements({ airport, from, limit: 500 });
      const { unmatched, unexpected } = matchMovements(
        run.truth.filter((m) => m.airport === airport),
        page.movements,
        0,
      );
      assert.deepEqual([unmatched, unexpected], [[], []], airport);
      found += page.total;
      // Paging: the same movements, newest first, a few at a time.
      const first = await reads.movements({ airport, from, limit: 2 });
      assert.deepEqual(first.movements, page.movements.slice(0, 2));
      const rest = await reads.movements({ airport, from, limit: 500, offset: 2 });
      assert.deepEqual(rest.movements, page.movements.slice(2));

      const forecast = await reads.arrivalForecast({ airport, minutes: 360 });
      const flying = run.model.flights.filter((f) => f.phase === "airborne" && f.arr.icao === airport);
      assert.deepEqual(forecast.arrivals.map((a) => a.callsign).sort(), flying.map((f) => f.callsign).sort());

      const trends = await reads.trafficTrends({ airport, days: 1 });
      const last24 = run.truth.filter((m) => m.airport === airport && m.at > run.nowMs - 86_400_000);
      assert.equal(trends.hours.reduce((sum, h) => sum + h.movements, 0), last24.length);
      // Stored for 4 h only: the last 4 hours observed, the others not, and never a day before.
      assert.deepEqual(trends.hours.map((h) => h.observed), trends.hours.map((_, i) => i >= 20));
      assert.ok(trends.hours.every((h) => h.usual.days === 0 && h.usual.mean === null));
    }
    assert.equal(found, run.truth.length);
    assert.ok(found > 20, `${found} movements`);

    const summary = await reads.trafficSummary({ region: { box: [-2, 47, 6, 54] }, from });
    assert.deepEqual([summary.departures, summary.arrivals], [
      run.truth.filter((m) => m.kind === "departure").length,
      run.truth.filter((m) => m.kind === "arrival").length,
    ]);

    const coverage = await reads.atcCoverage({ from, limit: 5_000 });
    const expected = expectedCoverage(run.sightings, run.startMs, run.nowMs);
    const seconds = (list: { seconds: number }[]) => list.reduce((sum, p) => sum + p.seconds, 0);
    const total = [...expected.values()].reduce((sum, s) => sum + s, 0);
    assert.ok(total > 0 && Math.abs(seconds(coverage.positions) - total) < 1e-3);
    assert.ok(Math.abs(seconds(coverage.facilities) - total) < 1e-3);
    const prefix = coverage.positions[0].callsign.slice(0, 2);
    const some = await reads.atcCoverage({ from, callsign: prefix, limit: 5_000 });
    assert.ok(some.positions.length > 0 && some.positions.every((p) => p.callsign.startsWith(prefix)));
  },
);

Deno.test("the partial indexes of 0005 hold exactly the positions the reads call slow", async () => {
  const migration = await Deno.readTextFile(
    new URL("../sql/migrations/0005_ground_positions.sql", import.meta.url),
  );
  const predicates = [...migration.matchAll(/where groundspeed < (\d+)/g)].map((m) => Number(m[1]));
  assert.deepEqual(predicates, [PHASE_RULES.groundSpeedKt, PHASE_RULES.groundSpeedKt]);
});

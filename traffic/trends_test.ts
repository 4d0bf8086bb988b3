import assert from "node:assert/strict";
import fc from "fast-check";
import { DAY_MS, HOUR_MS, hourlyTrends, meanAndDeviation, QUARTER_MS, slotOf, trendStart } from "./trends.ts";

const NOW = Date.parse("2025-08-07T12:00:00Z");
/** Every quarter of `days` + 1 days observed. */
const allQuarters = (days: number) => new Set(Array.from({ length: (days + 1) * 96 }, (_, i) => i));

Deno.test("slots are open at their start and closed at their end", () => {
  assert.equal(slotOf(0, 0, HOUR_MS), -1);
  assert.equal(slotOf(1, 0, HOUR_MS), 0);
  assert.equal(slotOf(HOUR_MS, 0, HOUR_MS), 0);
  assert.equal(slotOf(HOUR_MS + 1, 0, HOUR_MS), 1);
});

Deno.test("each hour counts its movements next to the same hour of the days before", () => {
  const hourEnding = (ms: number) => ms - 30 * 60_000;
  const movements = [
    { kind: "departure" as const, at: NOW }, // the newest snapshot: in the last hour
    { kind: "arrival" as const, at: hourEnding(NOW) },
    { kind: "arrival" as const, at: hourEnding(NOW) - DAY_MS },
    { kind: "arrival" as const, at: hourEnding(NOW) - 2 * DAY_MS },
    { kind: "departure" as const, at: hourEnding(NOW) - 2 * DAY_MS },
    { kind: "departure" as const, at: NOW - 2 * DAY_MS },
    { kind: "departure" as const, at: hourEnding(NOW) - 3 * DAY_MS }, // before the window: left out
    { kind: "departure" as const, at: NOW - 24 * HOUR_MS }, // where the last 24 h start: yesterday's last hour
  ];
  const hours = hourlyTrends({ nowMs: NOW, days: 2, movements, observedQuarters: allQuarters(2) });
  assert.equal(hours.length, 24);
  assert.deepEqual(hours[0].from, "2025-08-06T12:00:00.000Z");
  const last = hours[23];
  assert.deepEqual([last.from, last.to], ["2025-08-07T11:00:00.000Z", "2025-08-07T12:00:00.000Z"]);
  assert.deepEqual([last.departures, last.arrivals, last.movements, last.observed], [1, 1, 2, true]);
  // Yesterday 2, the day before 3: mean 2.5, sample standard deviation √0.5.
  assert.deepEqual(last.usual, { days: 2, mean: 2.5, stdDev: Math.sqrt(0.5) });
  assert.equal(hours[0].movements, 0);
});

Deno.test("an hour of a day before that was not observed in full is left out of the usual", () => {
  const observed = allQuarters(2);
  // Yesterday's last hour lost one quarter (the collector was down for 15 min): only the day before counts.
  const yesterdayLastHour = 2 * 24 - 1;
  observed.delete(yesterdayLastHour * 4 + 2);
  const movements = [{ kind: "arrival" as const, at: NOW - DAY_MS - 60_000 }];
  const hours = hourlyTrends({ nowMs: NOW, days: 2, movements, observedQuarters: observed });
  assert.deepEqual(hours[23].usual, { days: 1, mean: 0, stdDev: null });
  const none = hourlyTrends({ nowMs: NOW, days: 2, movements, observedQuarters: new Set() });
  assert.deepEqual(none[23].usual, { days: 0, mean: null, stdDev: null });
  assert.equal(none[23].observed, false);
  assert.equal(trendStart(NOW, 2), NOW - 3 * DAY_MS);
  assert.equal(QUARTER_MS * 4, HOUR_MS);
});

Deno.test("property: the mean lies within the values and the deviation is that of the definition", () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 2, maxLength: 28 }), (values) => {
      const { mean, stdDev } = meanAndDeviation(values);
      assert.ok(mean !== null && stdDev !== null);
      assert.ok(mean >= Math.min(...values) - 1e-9 && mean <= Math.max(...values) + 1e-9);
      const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1);
      assert.ok(Math.abs(stdDev ** 2 - variance) < 1e-6 * Math.max(1, variance));
      if (values.every((v) => v === values[0])) assert.equal(stdDev, 0);
    }),
  );
});

Deno.test("property: every movement of the last 24 h is counted once", () => {
  const movement = fc.record({
    kind: fc.constantFrom("departure" as const, "arrival" as const),
    at: fc.integer({ min: NOW - 3 * DAY_MS, max: NOW }),
  });
  fc.assert(fc.property(fc.array(movement, { maxLength: 200 }), (movements) => {
    const hours = hourlyTrends({ nowMs: NOW, days: 1, movements, observedQuarters: allQuarters(1) });
    const counted = hours.reduce((sum, h) => sum + h.movements, 0);
    assert.equal(counted, movements.filter((m) => m.at > NOW - DAY_MS).length);
  }));
});

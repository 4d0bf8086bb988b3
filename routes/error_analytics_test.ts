import assert from "node:assert/strict";
import { createApp } from "./app.ts";
import { ErrorJournal } from "./journal.ts";
import { errorOf, fakeDeps, jsonOf } from "./test_deps.ts";
import {
  BreakerListSchema,
  ErrorAnalyticsSchema,
  ErrorHistorySchema,
  ErrorTrendsSchema,
  RecoveryListSchema,
} from "./error_analytics.ts";

const NOW = Date.UTC(2026, 0, 1, 12, 30);
const MINUTE = 60_000;

function appWith(journal: ErrorJournal) {
  return createApp(fakeDeps({ journal }), { now: () => NOW });
}

Deno.test("the error routes count by class and actor per window and per hour, and list the history", async () => {
  const journal = new ErrorJournal();
  journal.record({
    at: NOW - 5 * MINUTE,
    class: "feed",
    actor: "fetcher",
    message: "feed fetch failed",
    count: 3,
  });
  journal.record({ at: NOW - 2 * 60 * MINUTE, class: "database", actor: "store", message: "down" });
  journal.record({ at: NOW - 30 * 60 * MINUTE, class: "http", actor: null, message: "too old for a day" });
  const app = appWith(journal);

  const analytics = ErrorAnalyticsSchema.parse(await jsonOf(await app.request("/api/errors/analytics"), 200));
  assert.equal(analytics.lastHour.total, 3);
  assert.deepEqual(analytics.lastHour.byActor, { fetcher: 3 });
  assert.equal(analytics.lastDay.total, 4);
  assert.equal(analytics.lastDay.byClass.database, 1);
  assert.equal(analytics.lastDay.byClass.http, 0);

  const trends = ErrorTrendsSchema.parse(await jsonOf(await app.request("/api/errors/trends"), 200));
  assert.equal(trends.hours.length, 24);
  assert.equal(trends.hours.at(-1)?.hour, "2026-01-01T12:00:00.000Z");
  assert.equal(trends.hours.at(-1)?.total, 3);
  assert.equal(trends.hours.at(-3)?.byClass.database, 1);

  const history = ErrorHistorySchema.parse(await jsonOf(await app.request("/api/errors?class=feed"), 200));
  assert.deepEqual(history.errors.map((e) => e.message), ["feed fetch failed"]);
  const all = ErrorHistorySchema.parse(await jsonOf(await app.request("/api/errors"), 200));
  assert.deepEqual(all.errors.map((e) => e.actor), ["fetcher", "store"]);
  await errorOf(await app.request("/api/errors?class=weather"), 400, "invalid_parameter");
});

Deno.test("circuit breakers and recoveries are listed", async () => {
  const app = appWith(new ErrorJournal());
  const breakers = BreakerListSchema.parse(
    await jsonOf(await app.request("/api/errors/circuit-breakers"), 200),
  );
  assert.ok(Array.isArray(breakers.breakers));
  const recoveries = RecoveryListSchema.parse(await jsonOf(await app.request("/api/errors/recovery"), 200));
  assert.deepEqual(recoveries.recoveries, []);
});

import assert from "node:assert/strict";
import { DeadLetters } from "../runtime/dead_letters.ts";
import { MetricsRegistry } from "../runtime/metrics.ts";
import { createApp } from "./app.ts";
import { DeadLetterListSchema, EventAnalyticsSchema } from "./event_analytics.ts";
import { errorOf, fakeDeps, jsonOf } from "./test_deps.ts";

Deno.test("events per type with their rate, and handling times per actor and kind", async () => {
  const metrics = new MetricsRegistry();
  metrics.add("events_total", { actor: "processor", type: "FLIGHT_CREATED" }, 120);
  metrics.add("events_total", { actor: "processor", type: "CONTROLLER_LOGON" }, 6);
  for (let i = 0; i < 99; i++) {
    metrics.observe("message_handle_seconds", { actor: "store", kind: "store.snapshot" }, 0.04);
  }
  metrics.observe("message_handle_seconds", { actor: "store", kind: "store.snapshot" }, 0.9);
  const startedAt = Date.UTC(2026, 0, 1, 12);
  const app = createApp(fakeDeps({ metrics, startedAt }), { now: () => startedAt + 120_000 });
  const body = EventAnalyticsSchema.parse(await jsonOf(await app.request("/api/events/analytics"), 200));
  assert.equal(body.uptimeSeconds, 120);
  assert.deepEqual(body.events, [
    { type: "FLIGHT_CREATED", total: 120, perMinute: 60 },
    { type: "CONTROLLER_LOGON", total: 6, perMinute: 3 },
  ]);
  assert.deepEqual(body.handlers, [{
    actor: "store",
    kind: "store.snapshot",
    handled: 100,
    meanMs: 48.6,
    p50AtMostMs: 50,
    p99AtMostMs: 50,
  }]);
});

Deno.test("dead letters by reason, newest first, bounded by limit", async () => {
  const deadLetters = new DeadLetters();
  for (const [i, reason] of (["unknown_kind", "mailbox_full", "mailbox_full"] as const).entries()) {
    deadLetters.record({ at: 1_000 * i, id: `m${i}`, kind: "x", from: "a", to: "b", reason, detail: "" });
  }
  const app = createApp(fakeDeps({ deadLetters }));
  const body = DeadLetterListSchema.parse(
    await jsonOf(await app.request("/api/events/dead-letters?limit=2"), 200),
  );
  assert.equal(body.total, 3);
  assert.deepEqual(body.byReason, { unknown_kind: 1, mailbox_full: 2 });
  assert.deepEqual(body.recent.map((l) => l.id), ["m2", "m1"]);
  await errorOf(await app.request("/api/events/dead-letters?limit=x"), 400, "invalid_parameter");
});

import assert from "node:assert/strict";
import type { ActorHealth } from "../runtime/actor_process.ts";
import { MetricsRegistry } from "../runtime/metrics.ts";
import { ErrorJournal } from "./journal.ts";
import { actorHealth } from "./test_deps.ts";

const T0 = Date.UTC(2026, 0, 1, 12);
const breaker = (state: "closed" | "open" | "half-open", at: number) => ({
  name: "database",
  state,
  failures: state === "closed" ? 0 : 3,
  currentResetTimeoutMs: 5_000,
  nextTrialInMs: null,
  opens: 1,
  lastFailure: state === "closed" ? null : "connection refused",
  lastTransitionAt: at,
});

Deno.test("counter rises become classified entries; the first look and a reset counter do not", () => {
  const journal = new ErrorJournal();
  const metrics = new MetricsRegistry();
  metrics.add("feed_fetch_errors_total", { actor: "fetcher" }, 5);
  journal.observe([], metrics, T0);
  assert.deepEqual(journal.since(0), []);
  metrics.add("feed_fetch_errors_total", { actor: "fetcher" }, 2);
  metrics.add("records_rejected_total", { actor: "processor" }, 3);
  metrics.add("http_requests_total", { method: "GET", route: "/api/flights", status: "503" });
  metrics.add("http_requests_total", { method: "GET", route: "/api/flights", status: "200" });
  journal.observe([], metrics, T0 + 1_000);
  const got = journal.since(0).map((e) => [e.class, e.actor, e.count]);
  assert.deepEqual(got, [["feed", "fetcher", 2], ["validation", "processor", 3], ["http", null, 1]]);
});

Deno.test("a restart is an entry and a recovery once the actor runs again; a breaker outage is timed", () => {
  const journal = new ErrorJournal();
  const metrics = new MetricsRegistry();
  const store = (over: Partial<ActorHealth>): ActorHealth => ({ ...actorHealth("store"), ...over });
  journal.observe(
    [store({ restarts: 0, lastRestartReasons: [], breakers: [breaker("closed", T0)] })],
    metrics,
    T0,
  );
  const crashed = {
    status: "restarting" as const,
    restarts: 1,
    lastRestartReasons: [{ at: new Date(T0 + 1_000).toISOString(), reason: "crashed: boom", manual: false }],
    breakers: [breaker("open", T0 + 1_500)],
  };
  journal.observe([store(crashed)], metrics, T0 + 2_000);
  journal.observe(
    [store({ ...crashed, status: "running", breakers: [breaker("half-open", T0 + 6_500)] })],
    metrics,
    T0 + 3_000,
  );
  journal.observe(
    [store({ ...crashed, status: "running", breakers: [breaker("closed", T0 + 7_000)] })],
    metrics,
    T0 + 8_000,
  );
  assert.deepEqual(journal.since(0).map((e) => [e.class, e.message]), [
    ["runtime", "crashed: boom"],
    ["database", "breaker database opened: connection refused"],
  ]);
  assert.deepEqual(journal.recoveries().map((r) => [r.kind, r.what, r.durationMs]), [
    ["restart", "crashed: boom", 2_000],
    ["breaker", "database", 5_500],
  ]);
});

Deno.test("the journal keeps only the newest entries", () => {
  const journal = new ErrorJournal(3);
  for (let i = 0; i < 5; i++) journal.record({ at: T0 + i, class: "http", actor: null, message: `${i}` });
  assert.deepEqual(journal.since(0).map((e) => e.message), ["2", "3", "4"]);
});

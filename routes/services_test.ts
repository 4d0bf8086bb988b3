import assert from "node:assert/strict";
import { createApp } from "./app.ts";
import { actorHealth, errorOf, fakeDeps, jsonOf } from "./test_deps.ts";

const fetcherHealth = {
  name: "fetcher",
  status: "running",
  restarts: 1,
  lastRestartReasons: [{ at: "2024-05-01T12:01:00.000Z", reason: "manual restart", manual: true }],
  mailbox: { depth: 2, capacity: 100 },
  heartbeatAgeMs: 40,
  breaker: null,
  zombies: [],
  handled: 7,
};

Deno.test("GET /api/services/health lists every actor with exactly the contract fields", async () => {
  const app = createApp(fakeDeps());
  const body = await jsonOf(await app.request("/api/services/health"), 200);
  assert.deepEqual(body, {
    services: [fetcherHealth, { ...fetcherHealth, name: "store", status: "stopped" }],
  });
});

Deno.test("GET /api/services/{name}/health shows one actor, its breaker and its zombies", async () => {
  const breaker = {
    name: "feed",
    state: "open" as const,
    failures: 5,
    currentResetTimeoutMs: 30_000,
    nextTrialInMs: 12_000,
    opens: 2,
    lastFailure: "timeout",
    lastTransitionAt: 1714564800000,
  };
  const zombie = { actor: "fetcher", incarnation: 1, threadId: 42, since: 1714564800000, reason: "hung" };
  const deps = fakeDeps();
  deps.supervision.health = () => [{ ...actorHealth("fetcher"), breaker, zombies: [zombie] }];
  const body = await jsonOf(await createApp(deps).request("/api/services/fetcher/health"), 200);
  assert.deepEqual(body, {
    ...fetcherHealth,
    breaker,
    zombies: [{ incarnation: 1, threadId: 42, since: "2024-05-01T12:00:00.000Z", reason: "hung" }],
  });
});

Deno.test("GET /api/services/{name}/health is 404 for an unknown actor", async () => {
  const app = createApp(fakeDeps());
  const message = await errorOf(await app.request("/api/services/ghost/health"), 404, "not_found");
  assert.match(message, /ghost/);
});

Deno.test("GET /api/services/{name}/health is 400 for a malformed name, naming the parameter", async () => {
  const app = createApp(fakeDeps());
  for (const name of ["Fetcher", "9lives", "a%20b", "x".repeat(64), "a.b", "%C3%A9t%C3%A9"]) {
    const message = await errorOf(
      await app.request(`/api/services/${name}/health`),
      400,
      "invalid_parameter",
    );
    assert.match(message, /parameter "name"/);
  }
  await jsonOf(await app.request(`/api/services/${"x".repeat(63)}/health`), 404);
});

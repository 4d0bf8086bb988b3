import assert from "node:assert/strict";
import { createApp } from "./app.ts";
import { bearer, errorOf, fakeDeps, jsonOf } from "./test_deps.ts";

const post = (app: ReturnType<typeof createApp>, path: string, init: RequestInit = {}) =>
  app.request(path, { method: "POST", headers: bearer(), ...init });

Deno.test("GET /api/supervision/tree returns the live tree", async () => {
  const deps = fakeDeps();
  const body = await jsonOf(await createApp(deps).request("/api/supervision/tree"), 200);
  assert.deepEqual(body, deps.supervision.tree());
});

Deno.test("POST restart, stop and start answer with the status after the action", async () => {
  const deps = fakeDeps();
  const app = createApp(deps);
  const restart = await jsonOf(await post(app, "/api/supervision/actors/fetcher/restart"), 200);
  assert.deepEqual(restart, { name: "fetcher", action: "restart", status: "running" });
  const stop = await jsonOf(await post(app, "/api/supervision/actors/fetcher/stop"), 200);
  assert.deepEqual(stop, { name: "fetcher", action: "stop", status: "stopped" });
  const start = await jsonOf(await post(app, "/api/supervision/actors/fetcher/start"), 200);
  assert.deepEqual(start, { name: "fetcher", action: "start", status: "running" });
  assert.deepEqual(deps.controlCalls, [
    { name: "fetcher", action: "restart" },
    { name: "fetcher", action: "stop" },
    { name: "fetcher", action: "start" },
  ]);
});

Deno.test("a control action on an unknown actor is 404, a conflicting one 409", async () => {
  const app = createApp(fakeDeps());
  assert.match(
    await errorOf(await post(app, "/api/supervision/actors/ghost/stop"), 404, "not_found"),
    /ghost/,
  );
  const message = await errorOf(await post(app, "/api/supervision/actors/fetcher/start"), 409, "conflict");
  assert.equal(message, "fetcher is already running");
});

Deno.test("a control action with a malformed name is 400 and never reaches the supervisor", async () => {
  const deps = fakeDeps();
  const message = await errorOf(
    await post(createApp(deps), "/api/supervision/actors/Fetcher/restart"),
    400,
    "invalid_parameter",
  );
  assert.match(message, /parameter "name"/);
  assert.deepEqual(deps.controlCalls, []);
});

Deno.test("an unknown action is 404, a GET on an action 405 with Allow", async () => {
  const app = createApp(fakeDeps());
  await errorOf(await post(app, "/api/supervision/actors/fetcher/explode"), 404, "not_found");
  const response = await app.request("/api/supervision/actors/fetcher/restart");
  await errorOf(response, 405, "method_not_allowed");
  assert.equal(response.headers.get("Allow"), "POST");
});

Deno.test("with fault injection, POST fault sends the fault and answers 202", async () => {
  const deps = fakeDeps({ faultInjection: true });
  const app = createApp(deps);
  for (const kind of ["throw", "hang", "exit"] as const) {
    const response = await post(app, "/api/supervision/actors/fetcher/fault", {
      body: JSON.stringify({ kind }),
    });
    assert.deepEqual(await jsonOf(response, 202), { name: "fetcher", fault: kind });
  }
  assert.deepEqual(deps.faultCalls.map((call) => call.kind), ["throw", "hang", "exit"]);
  await errorOf(
    await post(app, "/api/supervision/actors/ghost/fault", { body: '{"kind":"throw"}' }),
    404,
    "not_found",
  );
});

Deno.test("the fault route refuses bad bodies with 400 invalid_body", async () => {
  const deps = fakeDeps({ faultInjection: true });
  const app = createApp(deps);
  const path = "/api/supervision/actors/fetcher/fault";
  const bodies = ["{not json", "", '{"kind":"melt"}', "{}", '{"kind":"throw","extra":1}', "[]", "null"];
  for (const body of bodies) await errorOf(await post(app, path, { body }), 400, "invalid_body");
  assert.match(
    await errorOf(await post(app, path, { body: '{"kind":"melt"}' }), 400, "invalid_body"),
    /kind/,
  );
  await errorOf(
    await post(app, path, { body: JSON.stringify({ kind: "x".repeat(2000) }) }),
    413,
    "body_too_large",
  );
  assert.deepEqual(deps.faultCalls, []);
});

Deno.test("without fault injection the fault route does not exist", async () => {
  const deps = fakeDeps({ faultInjection: false });
  const app = createApp(deps);
  await errorOf(
    await post(app, "/api/supervision/actors/fetcher/fault", { body: '{"kind":"throw"}' }),
    404,
    "not_found",
  );
  // Not even an auth answer gives the route away.
  await errorOf(
    await app.request("/api/supervision/actors/fetcher/fault", { method: "POST" }),
    404,
    "not_found",
  );
  assert.deepEqual(deps.faultCalls, []);
});

Deno.test("POST …/breakers/{breaker}/reset sends the reset for a breaker the actor has; 404 otherwise", async () => {
  const deps = fakeDeps();
  const health = deps.supervision.health;
  const feed = {
    name: "feed",
    state: "open" as const,
    failures: 3,
    currentResetTimeoutMs: 30_000,
    nextTrialInMs: 12_000,
    opens: 1,
    lastFailure: "HTTP 503",
    lastTransitionAt: Date.parse("2024-05-01T12:02:00Z"),
  };
  deps.supervision.health = () => health().map((a) => a.name === "fetcher" ? { ...a, breakers: [feed] } : a);
  const app = createApp(deps);
  const reset = await jsonOf(await post(app, "/api/supervision/actors/fetcher/breakers/feed/reset"), 202);
  assert.deepEqual(reset, { name: "fetcher", breaker: "feed", stateBefore: "open" });
  assert.deepEqual(deps.breakerResets, [{ name: "fetcher", breaker: "feed" }]);

  const unknown = await errorOf(
    await post(app, "/api/supervision/actors/fetcher/breakers/database/reset"),
    404,
    "not_found",
  );
  assert.equal(unknown, "fetcher has no breaker database (it has: feed)");
  await errorOf(await post(app, "/api/supervision/actors/ghost/breakers/feed/reset"), 404, "not_found");
  await errorOf(
    await app.request("/api/supervision/actors/fetcher/breakers/feed/reset", { method: "POST" }),
    401,
    "unauthorized",
  );
  assert.equal(deps.breakerResets.length, 1, "only the first reached the actor");
});

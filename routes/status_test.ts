import assert from "node:assert/strict";
import { createApp } from "./app.ts";
import { errorOf, fakeDeps, jsonOf, STARTED_AT, STATUS_PARTS } from "./test_deps.ts";

Deno.test("GET /api/status adds version and whole seconds of uptime to the report", async () => {
  const app = createApp(fakeDeps(), { now: () => STARTED_AT + 90_999 });
  const body = await jsonOf(await app.request("/api/status"), 200);
  assert.deepEqual(body, { version: "1.2.3", uptimeSeconds: 90, ...STATUS_PARTS });
});

Deno.test("GET /api/status drops fields outside the contract", async () => {
  const leaky = { ...STATUS_PARTS, secret: "internal", feed: { ...STATUS_PARTS.feed, url: "x" } };
  const app = createApp(fakeDeps({ status: () => Promise.resolve(leaky) }), { now: () => STARTED_AT });
  const body = await jsonOf(await app.request("/api/status"), 200);
  assert.deepEqual(body, { version: "1.2.3", uptimeSeconds: 0, ...STATUS_PARTS });
});

Deno.test("GET /api/status is a 500 without details when the report breaks the contract", async () => {
  const broken = { ...STATUS_PARTS, counts: { pilots: "many" } } as unknown as typeof STATUS_PARTS;
  const app = createApp(fakeDeps({ status: () => Promise.resolve(broken) }));
  const message = await errorOf(await app.request("/api/status"), 500, "internal_error");
  assert.equal(message, "internal server error");
});

Deno.test("GET /api/status is a 500 without a stack when status() throws", async () => {
  const app = createApp(fakeDeps({ status: () => Promise.reject(new Error("db exploded at secret.ts:1")) }));
  const response = await app.request("/api/status");
  const text = await response.clone().text();
  assert.doesNotMatch(text, /secret|exploded|at .*:\d+/);
  assert.equal(await errorOf(response, 500, "internal_error"), "internal server error");
});

Deno.test("GET /api/status is a 503 when status() hangs past its deadline", async () => {
  const app = createApp(fakeDeps({ status: () => new Promise(() => {}) }), { statusTimeoutMs: 20 });
  const message = await errorOf(await app.request("/api/status"), 503, "timeout");
  assert.equal(message, "status did not answer within 20 ms");
});

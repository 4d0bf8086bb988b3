import assert from "node:assert/strict";
import { createApp } from "./app.ts";
import { fakeDeps, jsonOf } from "./test_deps.ts";

Deno.test("GET /health/live answers ok without asking anything", async () => {
  const app = createApp(fakeDeps({ ready: () => Promise.reject(new Error("must not be called")) }));
  assert.deepEqual(await jsonOf(await app.request("/health/live"), 200), { status: "ok" });
});

Deno.test("GET /health/ready is 200 when ready", async () => {
  const app = createApp(fakeDeps());
  assert.deepEqual(await jsonOf(await app.request("/health/ready"), 200), { status: "ready" });
});

Deno.test("GET /health/ready is 503 with the reasons when not ready", async () => {
  const reasons = ["store: not answering", "fetcher: restarting"];
  const app = createApp(fakeDeps({ ready: () => Promise.resolve({ ready: false, reasons }) }));
  assert.deepEqual(await jsonOf(await app.request("/health/ready"), 503), { status: "not_ready", reasons });
});

Deno.test("GET /health/ready is 503 when the check throws, without its details", async () => {
  const app = createApp(fakeDeps({ ready: () => Promise.reject(new Error("password=hunter2")) }));
  const body = await jsonOf(await app.request("/health/ready"), 503);
  assert.deepEqual(body, { status: "not_ready", reasons: ["ready check failed (details in the log)"] });
});

Deno.test("GET /health/ready is 503 when the check throws synchronously", async () => {
  const app = createApp(fakeDeps({
    ready: () => {
      throw new Error("not even a promise");
    },
  }));
  const body = await jsonOf(await app.request("/health/ready"), 503);
  assert.deepEqual(body, { status: "not_ready", reasons: ["ready check failed (details in the log)"] });
});

Deno.test("GET /health/ready is 503 when the check hangs past its deadline", async () => {
  const app = createApp(fakeDeps({ ready: () => new Promise(() => {}) }), { readyTimeoutMs: 20 });
  const started = performance.now();
  const body = await jsonOf(await app.request("/health/ready"), 503);
  assert.deepEqual(body, { status: "not_ready", reasons: ["ready check did not answer within 20 ms"] });
  assert.ok(performance.now() - started < 1000);
});

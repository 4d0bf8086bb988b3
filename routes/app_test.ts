import assert from "node:assert/strict";
import { configure, type LogRecord, reset } from "@logtape/logtape";
import { createApp } from "./app.ts";
import { errorOf, fakeDeps, jsonOf } from "./test_deps.ts";

Deno.test("unknown paths are 404 JSON", async () => {
  const app = createApp(fakeDeps());
  for (const path of ["/nope", "/api", "/api/services", "/health/ready/extra", "/api/status/"]) {
    const message = await errorOf(await app.request(path), 404, "not_found");
    assert.match(message, /no route for GET/);
  }
  await errorOf(await app.request("/nope", { method: "POST", body: "{" }), 404, "not_found");
});

Deno.test("a known path with the wrong method is 405 with an Allow header", async () => {
  const app = createApp(fakeDeps());
  for (
    const [path, method] of [["/health/live", "POST"], ["/api/status", "DELETE"], [
      "/api/services/health",
      "PUT",
    ]]
  ) {
    const response = await app.request(path, { method });
    assert.equal(response.headers.get("Allow"), "GET, HEAD");
    await errorOf(response, 405, "method_not_allowed");
  }
});

Deno.test("HEAD is answered like GET, without a body", async () => {
  const response = await createApp(fakeDeps()).request("/health/live", { method: "HEAD" });
  assert.equal(response.status, 200);
  assert.equal(await response.text(), "");
});

Deno.test("an unexpected error is a generic 500, logged in full under the http category", async () => {
  const records: LogRecord[] = [];
  await configure({
    sinks: { memory: (record) => records.push(record) },
    loggers: [
      { category: ["http"], lowestLevel: "debug", sinks: ["memory"] },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: [] },
    ],
  });
  try {
    const deps = fakeDeps();
    deps.supervision.tree = () => {
      throw new TypeError("tree walk broke at node 7");
    };
    const response = await createApp(deps).request("/api/supervision/tree");
    const text = await response.clone().text();
    assert.doesNotMatch(text, /TypeError|node 7|\.ts:\d+/);
    assert.equal(await errorOf(response, 500, "internal_error"), "internal server error");
    assert.equal(records.length, 1);
    assert.equal(records[0].level, "error");
    assert.ok(records[0].properties.error instanceof TypeError);
  } finally {
    await reset();
  }
});

Deno.test("every answer is JSON, whatever happened", async () => {
  const app = createApp(fakeDeps({ faultInjection: true }));
  const requests: [string, RequestInit?][] = [
    ["/health/live"],
    ["/health/ready"],
    ["/api/status"],
    ["/api/services/health"],
    ["/api/services/fetcher/health"],
    ["/api/supervision/tree"],
    ["/api/supervision/actors/fetcher/restart", { method: "POST" }],
    ["/api/supervision/actors/fetcher/fault", { method: "POST", body: "{" }],
    ["/missing"],
    ["/health/live", { method: "PATCH" }],
  ];
  for (const [path, init] of requests) {
    const response = await app.request(path, init);
    await jsonOf(response, response.status);
  }
});

import assert from "node:assert/strict";
import { Hono } from "hono";
import { applyGuards, DEFAULT_MAX_BODY_BYTES, type GuardOptions } from "./guard.ts";
import { handleError } from "./errors.ts";

const READ = "read-token-0123456789";
const CONTROL = "control-token-0123456789";

function guarded(overrides: Partial<GuardOptions> = {}): Hono {
  const app = new Hono();
  applyGuards(app, {
    readToken: null,
    controlToken: CONTROL,
    corsOrigins: [],
    maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
    ...overrides,
  });
  app.get("/api/flights", (c) => c.json({ flights: [] }));
  app.get("/metrics", (c) => c.text("# nothing\n"));
  app.get("/health/live", (c) => c.json({ status: "ok" }));
  app.post("/api/echo", async (c) => c.json({ bytes: (await c.req.arrayBuffer()).byteLength }));
  app.onError(handleError);
  return app;
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

Deno.test("with READ_TOKEN the API and the metrics need it (or the control token); probes stay open", async () => {
  const app = guarded({ readToken: READ });
  for (const path of ["/api/flights", "/metrics"]) {
    const refused = await app.request(path);
    assert.equal(refused.status, 401, path);
    assert.equal(refused.headers.get("WWW-Authenticate"), 'Bearer realm="read"');
    assert.equal((await app.request(path, { headers: bearer("wrong-token-0123456789") })).status, 401);
    assert.equal((await app.request(path, { headers: bearer(READ) })).status, 200, path);
    assert.equal((await app.request(path, { headers: bearer(CONTROL) })).status, 200, path);
  }
  assert.equal((await app.request("/health/live")).status, 200);
  // Never from the query string: a token there ends up in logs.
  assert.equal((await app.request(`/api/flights?token=${READ}`)).status, 401);
});

Deno.test("without READ_TOKEN the read routes are open", async () => {
  assert.equal((await guarded().request("/api/flights")).status, 200);
});

Deno.test("every answer has a request id; a plain one from the client is kept, anything else replaced", async () => {
  const app = guarded({ readToken: READ });
  const fresh = await app.request("/api/flights");
  assert.match(fresh.headers.get("X-Request-Id") ?? "", /^[0-9a-f-]{36}$/);
  const kept = await app.request("/health/live", { headers: { "X-Request-Id": "abc-123" } });
  assert.equal(kept.headers.get("X-Request-Id"), "abc-123");
  const odd = await app.request("/health/live", { headers: { "X-Request-Id": "<script>" } });
  assert.match(odd.headers.get("X-Request-Id") ?? "", /^[0-9a-f-]{36}$/);
  assert.equal(fresh.headers.get("X-Content-Type-Options"), "nosniff");
  assert.equal(fresh.headers.get("X-Frame-Options"), "SAMEORIGIN");
});

Deno.test("a body over the limit is a 413 JSON error, with a length or chunked without one", async () => {
  const app = guarded({ maxBodyBytes: 1024 });
  assert.equal((await app.request("/api/echo", { method: "POST", body: "x".repeat(1024) })).status, 200);
  const withLength = await app.request("/api/echo", { method: "POST", body: "x".repeat(1025) });
  assert.equal(withLength.status, 413);
  assert.equal((await withLength.json()).error.code, "body_too_large");
  const chunks = new ReadableStream({
    start(controller) {
      for (let i = 0; i < 4; i++) controller.enqueue(new Uint8Array(512));
      controller.close();
    },
  });
  const chunked = await app.request(
    "/api/echo",
    { method: "POST", body: chunks, duplex: "half" } as RequestInit,
  );
  assert.equal(chunked.status, 413);
});

Deno.test("CORS only for the configured origins, and preflights pass the read guard", async () => {
  const closed = await guarded().request("/api/flights", { headers: { Origin: "https://example.org" } });
  assert.equal(closed.headers.get("Access-Control-Allow-Origin"), null);
  const app = guarded({ readToken: READ, corsOrigins: ["https://stats.example.org"] });
  const allowed = await app.request("/api/flights", {
    headers: { Origin: "https://stats.example.org", ...bearer(READ) },
  });
  assert.equal(allowed.headers.get("Access-Control-Allow-Origin"), "https://stats.example.org");
  assert.match(allowed.headers.get("Access-Control-Expose-Headers") ?? "", /ETag/);
  const other = await app.request("/api/flights", {
    headers: { Origin: "https://evil.example", ...bearer(READ) },
  });
  assert.equal(other.headers.get("Access-Control-Allow-Origin"), null);
  const preflight = await app.request("/api/flights", {
    method: "OPTIONS",
    headers: {
      Origin: "https://stats.example.org",
      "Access-Control-Request-Method": "GET",
      "Access-Control-Request-Headers": "Authorization",
    },
  });
  assert.equal(preflight.status, 204);
  assert.match(preflight.headers.get("Access-Control-Allow-Headers") ?? "", /Authorization/);
});

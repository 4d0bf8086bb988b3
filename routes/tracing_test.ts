import assert from "node:assert/strict";
import { Hono } from "hono";
import { type SpanRecord, tracer } from "../runtime/span.ts";
import { traceRequests } from "./tracing.ts";

function tracedApp(): { app: Hono; spans: SpanRecord[] } {
  const spans: SpanRecord[] = [];
  const app = new Hono();
  app.use(traceRequests(tracer((record) => spans.push(record))));
  app.get("/api/flights/:callsign", (c) => c.json({ callsign: c.req.param("callsign") }));
  app.get("/api/broken", () => {
    throw new Error("the database went away");
  });
  app.onError((_error, c) => c.json({ error: { code: "internal", message: "internal error" } }, 500));
  return { app, spans };
}

Deno.test("a request is one server span named after its route pattern, with method, route and status", async () => {
  const { app, spans } = tracedApp();
  const response = await app.request("/api/flights/BAW123");
  assert.equal(response.status, 200);
  assert.equal(spans.length, 1);
  const [span] = spans;
  assert.equal(span.name, "GET /api/flights/:callsign");
  assert.equal(span.kind, "server");
  assert.deepEqual(span.attributes, {
    "http.request.method": "GET",
    "url.path": "/api/flights/BAW123",
    "http.route": "/api/flights/:callsign",
    "http.response.status_code": 200,
  });
  assert.equal(span.status.code, "unset");
  assert.equal(span.parentSpanId, undefined, "no traceparent: the request starts a trace");
  assert.ok(span.endMs >= span.startMs);
});

Deno.test("a caller's traceparent header makes the request span its child", async () => {
  const { app, spans } = tracedApp();
  const traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  await app.request("/api/flights/DLH4", { headers: { traceparent } });
  assert.equal(spans[0].traceId, "0af7651916cd43dd8448eb211c80319c");
  assert.equal(spans[0].parentSpanId, "b7ad6b7169203331");
  // A malformed header is ignored: a new trace starts.
  await app.request("/api/flights/DLH4", { headers: { traceparent: "00-garbage-01" } });
  assert.equal(spans[1].parentSpanId, undefined);
  assert.notEqual(spans[1].traceId, spans[0].traceId);
});

Deno.test("a handler's error makes a failed span with the exception; a 404 is neither failed nor routed", async () => {
  const { app, spans } = tracedApp();
  assert.equal((await app.request("/api/broken")).status, 500);
  assert.equal(spans[0].name, "GET /api/broken");
  assert.deepEqual(spans[0].status, { code: "error", message: "the database went away" });
  assert.deepEqual(spans[0].events?.map((event) => [event.name, event.attributes?.["exception.message"]]), [
    ["exception", "the database went away"],
  ]);

  assert.equal((await app.request("/no/such/path")).status, 404);
  assert.equal(spans[1].name, "GET", "no route: the method alone, never the raw path");
  assert.equal(spans[1].attributes["http.route"], undefined);
  assert.equal(spans[1].attributes["http.response.status_code"], 404);
  assert.equal(spans[1].status.code, "unset");
});

import assert from "node:assert/strict";
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace";
import { otelExporter, otlpHttpExporter } from "./otel_export.ts";
import { RecordingSpan, type SpanRecord } from "./span.ts";

/** A root span and a failed child of it, as records. */
function family(): SpanRecord[] {
  const records: SpanRecord[] = [];
  const keep = (record: SpanRecord) => records.push(record);
  const root = new RecordingSpan("fetcher handle fetcher.poll", { kind: "consumer" }, keep);
  const child = new RecordingSpan("store handle store.snapshot", {
    kind: "consumer",
    parent: root.spanContext(),
    attributes: { actor: "store" },
  }, keep);
  child.fail(new Error("disk full"));
  child.end();
  root.end();
  return records;
}

Deno.test("records become ReadableSpans with their ids, parent, times, status, events and resource", async () => {
  const memory = new InMemorySpanExporter();
  const records = family();
  await otelExporter(memory, { name: "collector-test", version: "1.2.3" }).export(records);
  const [child, root] = memory.getFinishedSpans();
  const [childRecord, rootRecord] = records;
  assert.equal(root.spanContext().traceId, rootRecord.traceId);
  assert.equal(root.parentSpanContext, undefined);
  assert.equal(child.spanContext().spanId, childRecord.spanId);
  assert.deepEqual(child.parentSpanContext, {
    traceId: rootRecord.traceId,
    spanId: rootRecord.spanId,
    traceFlags: 1,
    isRemote: true,
  });
  assert.equal(child.kind, SpanKind.CONSUMER);
  assert.deepEqual(child.status, { code: SpanStatusCode.ERROR, message: "disk full" });
  assert.equal(child.events[0].name, "exception");
  assert.deepEqual(child.attributes, { actor: "store" });
  const ms = ([seconds, nanos]: [number, number]) => seconds * 1000 + nanos / 1e6;
  assert.ok(Math.abs(ms(child.startTime) - childRecord.startMs) < 0.001);
  assert.ok(Math.abs(ms(child.duration) - (childRecord.endMs - childRecord.startMs)) < 0.001);
  assert.equal(child.resource.attributes["service.name"], "collector-test");
  assert.equal(child.resource.attributes["service.version"], "1.2.3");
  await memory.shutdown();
});

Deno.test("OTLP/HTTP posts JSON to OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces, and a refusal rejects", async () => {
  const received: { path: string; body: unknown }[] = [];
  let refuse = false;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
    received.push({ path: new URL(request.url).pathname, body: await request.json() });
    return refuse ? new Response("no", { status: 400 }) : Response.json({});
  });
  const previous = Deno.env.get("OTEL_EXPORTER_OTLP_ENDPOINT");
  Deno.env.set("OTEL_EXPORTER_OTLP_ENDPOINT", `http://127.0.0.1:${server.addr.port}`);
  const exporter = otlpHttpExporter({ name: "collector-test" });
  try {
    const records = family();
    await exporter.export(records);
    assert.equal(received[0].path, "/v1/traces");
    const body = received[0].body as {
      resourceSpans: { scopeSpans: { spans: { spanId: string; parentSpanId?: string; name: string }[] }[] }[];
    };
    const spans = body.resourceSpans[0].scopeSpans[0].spans;
    assert.deepEqual(spans.map((span) => span.name), records.map((record) => record.name));
    assert.equal(spans[0].parentSpanId, records[1].spanId);

    refuse = true;
    await assert.rejects(exporter.export(records));
  } finally {
    if (previous === undefined) Deno.env.delete("OTEL_EXPORTER_OTLP_ENDPOINT");
    else Deno.env.set("OTEL_EXPORTER_OTLP_ENDPOINT", previous);
    await exporter.shutdown();
    await server.shutdown();
  }
});

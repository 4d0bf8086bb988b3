import assert from "node:assert/strict";
import { RecordingSpan, type SpanRecord, SpanRecordSchema } from "./span.ts";
import { parseTraceparent } from "./trace_context.ts";

function recorded(build: (span: RecordingSpan) => void, parent: string | null = null): SpanRecord[] {
  const records: SpanRecord[] = [];
  const span = new RecordingSpan(
    "work",
    { parent: parent === null ? null : parseTraceparent(parent) },
    (r) => records.push(r),
  );
  build(span);
  return records;
}

Deno.test("a span's record goes to its sink once, when it ends, and is a valid wire record", () => {
  const records = recorded((span) => {
    span.setAttribute("pilots", 1925).addEvent("parsed", { records: 3 });
    span.end();
    span.end();
    span.setAttribute("late", true);
  }, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  assert.equal(records.length, 1);
  const [record] = records;
  SpanRecordSchema.parse(record);
  assert.equal(record.traceId, "0af7651916cd43dd8448eb211c80319c", "a child joins its parent's trace");
  assert.equal(record.parentSpanId, "b7ad6b7169203331");
  assert.deepEqual(record.attributes, { pilots: 1925 });
  assert.deepEqual(record.events?.map((e) => [e.name, e.attributes]), [["parsed", { records: 3 }]]);
  assert.ok(record.startMs <= record.endMs && record.endMs <= performance.timeOrigin + performance.now());
});

Deno.test("attributes OpenTelemetry cannot carry, and those past the bounds, are dropped and counted", () => {
  const [record] = recorded((span) => {
    span.setAttributes({
      nan: NaN,
      holes: ["a", null] as unknown as string[],
      missing: undefined,
      ok: "yes",
    });
    for (let i = 0; i < 40; i++) span.setAttribute(`a${i}`, i);
    span.setAttribute("ok", "still settable: it is there already");
    for (let i = 0; i < 20; i++) span.addEvent(`e${i}`);
    span.end();
  });
  SpanRecordSchema.parse(record);
  assert.equal(Object.keys(record.attributes).length, 32);
  assert.equal(record.attributes.ok, "still settable: it is there already");
  assert.equal(record.events?.length, 16);
  assert.deepEqual(record.dropped, { attributes: 3 + 9, events: 4 });
});

Deno.test("a failed span has the error status and an exception event", () => {
  const [record] = recorded((span) => {
    span.fail(new TypeError("bad body"));
    span.end();
  });
  assert.deepEqual(record.status, { code: "error", message: "bad body" });
  assert.deepEqual(record.events?.[0].attributes, {
    "exception.type": "TypeError",
    "exception.message": "bad body",
  });
  assert.equal(record.parentSpanId, undefined, "no parent: the root of a new trace");
});

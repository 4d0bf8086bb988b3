import assert from "node:assert/strict";
import { formatTraceparent, newSpanId, newTraceId, parseTraceparent } from "./trace_context.ts";

const EXAMPLE = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

Deno.test("a traceparent is read into a remote span context and written back the same", () => {
  const context = parseTraceparent(EXAMPLE);
  assert.deepEqual(context, {
    traceId: "0af7651916cd43dd8448eb211c80319c",
    spanId: "b7ad6b7169203331",
    traceFlags: 1,
    isRemote: true,
  });
  assert.ok(context);
  assert.equal(formatTraceparent(context), EXAMPLE);
  assert.equal(parseTraceparent(` ${EXAMPLE}\t`)?.spanId, "b7ad6b7169203331", "surrounding space is allowed");
  assert.equal(
    formatTraceparent({
      traceId: "0af7651916cd43dd8448eb211c80319c",
      spanId: "b7ad6b7169203331",
      traceFlags: 0,
    }),
    "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00",
  );
});

Deno.test("a later version may add fields after the flags; version 00 may not", () => {
  assert.equal(parseTraceparent(`cc${EXAMPLE.slice(2)}-what-the-future-holds`)?.traceFlags, 1);
  assert.equal(parseTraceparent(`${EXAMPLE}-extra`), null);
});

Deno.test("anything but a valid traceparent is null, which starts a new trace", () => {
  for (
    const value of [
      "",
      "garbage",
      EXAMPLE.toUpperCase(), // the spec allows lowercase hex only
      `ff${EXAMPLE.slice(2)}`, // version ff is forbidden
      "00-00000000000000000000000000000000-b7ad6b7169203331-01", // all-zero trace id
      "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01", // all-zero span id
      "00-0af7651916cd43dd8448eb211c8031-b7ad6b7169203331-01", // short trace id
      "00-0af7651916cd43dd8448eb211c80319c-b7ad6b716920333-01", // short span id
      "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-1", // short flags
      "00_0af7651916cd43dd8448eb211c80319c_b7ad6b7169203331_01",
    ]
  ) {
    assert.equal(parseTraceparent(value), null, value);
  }
});

Deno.test("new ids are random lowercase hex of the right length", () => {
  const traces = new Set(Array.from({ length: 100 }, newTraceId));
  const spans = new Set(Array.from({ length: 100 }, newSpanId));
  assert.equal(traces.size, 100);
  assert.equal(spans.size, 100);
  for (const id of traces) assert.match(id, /^[0-9a-f]{32}$/);
  for (const id of spans) assert.match(id, /^[0-9a-f]{16}$/);
});

import assert from "node:assert/strict";
import { CellTracing, MAX_SPANS_PER_BATCH } from "./cell_tracing.ts";
import { envelope } from "./envelope.ts";
import { CellToHostSchema } from "./wire.ts";

const PARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
const message = (trace?: string) =>
  envelope({
    kind: "processor.snapshot",
    id: "fetcher#1.x.1",
    from: "fetcher",
    to: "processor",
    body: {},
    trace,
  });

Deno.test("a handled message's span is a child of its envelope's context, and what it sends carries its own", () => {
  const tracing = new CellTracing("processor", 2, () => {});
  const span = tracing.begin(message(PARENT));
  assert.equal(tracing.current, span);
  const sent = message();
  tracing.stamp(sent);
  assert.equal(sent.trace, span.traceparent);
  span.end();
  assert.equal(tracing.current, null);
  const late = message();
  tracing.stamp(late);
  assert.equal(late.trace, undefined, "nothing is stamped between messages");

  const [record] = tracing.take();
  assert.equal(record.name, "processor handle processor.snapshot");
  assert.equal(record.kind, "consumer");
  assert.equal(record.traceId, "0af7651916cd43dd8448eb211c80319c");
  assert.equal(record.parentSpanId, "b7ad6b7169203331");
  assert.deepEqual(record.attributes, {
    actor: "processor",
    "actor.incarnation": 2,
    "message.kind": "processor.snapshot",
    "message.id": "fetcher#1.x.1",
  });
  assert.equal(tracing.pending, 0, "taken spans are gone from the cell");
});

Deno.test("a message without a context, or with a broken one, starts a trace", () => {
  const tracing = new CellTracing("fetcher", 1, () => {});
  tracing.begin(message()).end();
  tracing.begin(message("00-not-a-context")).end();
  const [timer, broken] = tracing.take();
  assert.equal(timer.parentSpanId, undefined);
  assert.equal(broken.parentSpanId, undefined);
  assert.notEqual(timer.traceId, broken.traceId);
});

Deno.test("a batch carries at most MAX_SPANS_PER_BATCH spans; the rest are dropped and counted", () => {
  let dropped = 0;
  const tracing = new CellTracing("store", 1, () => dropped++);
  for (let i = 0; i < MAX_SPANS_PER_BATCH + 44; i++) tracing.begin(message()).end();
  assert.equal(tracing.pending, MAX_SPANS_PER_BATCH);
  assert.equal(dropped, 44);
  const spans = tracing.take();
  // The host takes such a batch; one span more and it would refuse it.
  const batch = { t: "batch", out: [], ackedSystem: 0, ackedUser: 0, dead: [], metrics: [], spans };
  assert.ok(CellToHostSchema.safeParse(batch).success);
  assert.ok(!CellToHostSchema.safeParse({ ...batch, spans: [...spans, spans[0]] }).success);
  tracing.begin(message()).end();
  assert.equal(tracing.pending, 1, "the next batch starts empty");
});

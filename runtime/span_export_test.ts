import assert from "node:assert/strict";
import { configure, type LogRecord, reset } from "@logtape/logtape";
import { MetricsRegistry } from "./metrics.ts";
import { RecordingSpan, type SpanRecord } from "./span.ts";
import { SpanExport, type SpanRecordExporter } from "./span_export.ts";
import { waitFor } from "../tests/helpers/system.ts";

function spans(n: number): SpanRecord[] {
  const records: SpanRecord[] = [];
  for (let i = 0; i < n; i++) new RecordingSpan(`span ${i}`, {}, (record) => records.push(record)).end();
  return records;
}

/** Records the batches it is given; `answer` decides how each export ends. */
function recordingExporter(answer: (batch: SpanRecord[]) => Promise<void> = () => Promise.resolve()) {
  const seen = { batches: [] as number[], shutdowns: 0 };
  const exporter: SpanRecordExporter = {
    export: (batch) => {
      seen.batches.push(batch.length);
      return answer(batch);
    },
    shutdown: () => {
      seen.shutdowns++;
      return Promise.resolve();
    },
  };
  return { exporter, seen };
}

Deno.test("spans leave in batches of at most maxBatch, one export at a time, and are counted", async () => {
  let running = 0;
  let mostAtOnce = 0;
  const { exporter, seen } = recordingExporter(async () => {
    mostAtOnce = Math.max(mostAtOnce, ++running);
    await new Promise((resolve) => setTimeout(resolve, 5));
    running--;
  });
  const metrics = new MetricsRegistry();
  const queue = new SpanExport(exporter, metrics, { maxBatch: 100, delayMs: 10 });
  queue.add(spans(250));
  await waitFor("every span exported", () => metrics.get("spans_exported_total") === 250);
  assert.deepEqual(seen.batches, [100, 100, 50]);
  assert.equal(mostAtOnce, 1);
  await queue.shutdown();
  assert.equal(seen.shutdowns, 1);
});

Deno.test("a full queue drops new spans and counts them; shutdown exports what waited", async () => {
  const gate = Promise.withResolvers<void>();
  const { exporter, seen } = recordingExporter(() => gate.promise);
  const metrics = new MetricsRegistry();
  const queue = new SpanExport(exporter, metrics, { maxQueue: 10, maxBatch: 5, delayMs: 1_000 });
  queue.add(spans(5)); // a full batch leaves at once, and the exporter holds on to it
  queue.add(spans(20));
  assert.equal(metrics.get("spans_dropped_total", { reason: "queue_full" }), 10);
  gate.resolve();
  await queue.shutdown();
  assert.deepEqual(seen.batches, [5, 5, 5]);
  assert.equal(metrics.get("spans_exported_total"), 15);
  queue.add(spans(1));
  assert.equal(
    metrics.get("spans_dropped_total", { reason: "queue_full" }),
    11,
    "after shutdown nothing waits",
  );
});

Deno.test("failed and silent exports cost their batches, counted, with one warning a minute", async () => {
  const records: LogRecord[] = [];
  await configure({
    sinks: { memory: (record) => records.push(record) },
    loggers: [
      { category: ["runtime", "tracing"], lowestLevel: "debug", sinks: ["memory"] },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: [] },
    ],
  });
  try {
    let calls = 0;
    // The first export fails, the second never answers, the third succeeds.
    const { exporter } = recordingExporter(() =>
      ++calls === 1
        ? Promise.reject(new Error("connection refused"))
        : calls === 2
        ? new Promise(() => {})
        : Promise.resolve()
    );
    const metrics = new MetricsRegistry();
    const queue = new SpanExport(exporter, metrics, { maxBatch: 3, delayMs: 1, timeoutMs: 20 });
    for (let i = 0; i < 3; i++) queue.add(spans(3));
    await waitFor("the third batch exported", () => metrics.get("spans_exported_total") === 3);
    assert.equal(metrics.get("spans_dropped_total", { reason: "export_failed" }), 6);
    assert.equal(records.length, 1, "the second failure within a minute is not logged");
    assert.equal(records[0].level, "warning");
    assert.match(String(records[0].properties.error), /connection refused/);
    await queue.shutdown();
  } finally {
    await reset();
  }
});

Deno.test("shutdown gives a collector that does not answer shutdownMs, then drops what is left", async () => {
  const { exporter, seen } = recordingExporter(() => new Promise(() => {}));
  const metrics = new MetricsRegistry();
  const queue = new SpanExport(exporter, metrics, {
    maxBatch: 2,
    delayMs: 60_000,
    timeoutMs: 100,
    shutdownMs: 20,
  });
  queue.add(spans(5));
  const startedAt = performance.now();
  await queue.shutdown();
  assert.ok(performance.now() - startedAt < 100, "shutdown did not wait for the export timeout");
  // The first batch was on its way when time was up; the two others never left.
  assert.deepEqual(seen.batches, [2]);
  assert.equal(metrics.get("spans_dropped_total", { reason: "shutdown" }), 3);
  await waitFor(
    "the batch on its way timed out",
    () => metrics.get("spans_dropped_total", { reason: "export_failed" }) === 2,
  );
});

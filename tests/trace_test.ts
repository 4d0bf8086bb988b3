/**
 * Tracing across the workers: the collector's real actors, each in its own worker, replay two recorded
 * snapshots into PGlite with the SDK's in-memory exporter. Each snapshot must be one trace, from the
 * fetcher's poll through the processor to the store and the cache, with every span's parent inside it.
 * And the span of a handler that throws still leaves its worker, marked failed.
 */
import assert from "node:assert/strict";
import { SpanStatusCode } from "@opentelemetry/api";
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace";
import { collectorTree } from "../actors/tree.ts";
import { loadConfig } from "../config.ts";
import { otelExporter } from "../runtime/otel_export.ts";
import { ActorSystem } from "../supervision/system.ts";
import { FIXTURES_DIR } from "./helpers/fixtures.ts";
import { freshPgliteDir } from "./helpers/pglite.ts";
import { PAIR_A, PAIR_B } from "./helpers/replay.ts";
import { probe, tree, waitFor, withSystem } from "./helpers/system.ts";
import { ProbeProtocol } from "./actors/probe.ts";

const spanId = (span: ReadableSpan) => span.spanContext().spanId;
const traceId = (span: ReadableSpan) => span.spanContext().traceId;
const startMs = ({ startTime: [seconds, nanos] }: ReadableSpan) => seconds * 1000 + nanos / 1e6;

Deno.test("one snapshot is one trace: fetcher → processor → store and cache, across their workers", async () => {
  const feed = await Deno.makeTempDir({ prefix: "trace_feed_" });
  for (const name of [PAIR_A, PAIR_B]) await Deno.symlink(`${FIXTURES_DIR}${name}`, `${feed}/${name}`);
  const dataDir = await freshPgliteDir();
  const memory = new InMemorySpanExporter();
  const config = loadConfig({ FEED: feed, DATA_DIR: dataDir, POLL_INTERVAL_MS: "100" });
  const system = new ActorSystem(collectorTree(config), {
    log: { level: "fatal", format: "pretty" },
    spanExporter: otelExporter(memory, { name: "trace-test" }),
  });
  const handling = (actor: string, kind: string) =>
    memory.getFinishedSpans().filter((span) => span.name === `${actor} handle ${kind}`);
  try {
    await system.start();
    // The exporter is read before the system stops: stopping shuts it down, which empties it.
    await waitFor(
      "both snapshots' store and cache spans exported",
      () => handling("store", "store.snapshot").length === 2 && handling("cache", "cache.put").length === 2,
      60_000,
    );
    const spans = memory.getFinishedSpans();
    const processed = handling("processor", "processor.snapshot");
    assert.equal(processed.length, 2);
    assert.notEqual(traceId(processed[0]), traceId(processed[1]), "each snapshot has a trace of its own");
    assert.notEqual(
      processed[0].attributes["snapshot.update_timestamp"],
      processed[1].attributes["snapshot.update_timestamp"],
    );

    for (const processor of processed) {
      const trace = spans.filter((span) => traceId(span) === traceId(processor));
      const ids = new Set(trace.map(spanId));
      const roots = trace.filter((span) => span.parentSpanContext === undefined);
      assert.deepEqual(roots.map((span) => span.name), ["fetcher handle fetcher.poll"], "one root: the poll");
      for (const span of trace.filter((span) => span.parentSpanContext !== undefined)) {
        assert.ok(ids.has(span.parentSpanContext?.spanId ?? ""), `${span.name}'s parent is in its trace`);
      }
      const one = (name: string) => {
        const found = trace.filter((span) => span.name === name);
        assert.equal(found.length, 1, `one ${name} in the trace`);
        return found[0];
      };
      const [root, store, cache] = [
        roots[0],
        one("store handle store.snapshot"),
        one("cache handle cache.put"),
      ];
      assert.equal(processor.parentSpanContext?.spanId, spanId(root));
      assert.equal(store.parentSpanContext?.spanId, spanId(processor));
      assert.equal(cache.parentSpanContext?.spanId, spanId(processor));
      // One wall clock across the threads: a child starts after its parent.
      assert.ok(startMs(processor) >= startMs(root) && startMs(store) >= startMs(processor));

      const actors = new Set(trace.map((span) => String(span.attributes.actor)));
      assert.deepEqual([...actors].sort(), ["cache", "fetcher", "processor", "store"]);
      for (const actor of actors) assert.equal(system.actor(actor)?.spec.isolation, "worker", actor);
    }
  } finally {
    await system.stop();
    await Deno.remove(feed, { recursive: true });
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("the span of a handler that threw leaves its worker, failed, before the actor restarts", async () => {
  const memory = new InMemorySpanExporter();
  await withSystem(tree([probe("victim")]), async ({ system }) => {
    system.ref("victim", ProbeProtocol).tell("probe.throw", { message: "poison" });
    await waitFor("the victim restarted", () => system.actor("victim")?.incarnation === 2);
    await waitFor("its failed span exported", () => memory.getFinishedSpans().length > 0);
    const [span] = memory.getFinishedSpans();
    assert.equal(span.name, "victim handle probe.throw");
    assert.deepEqual(span.status, { code: SpanStatusCode.ERROR, message: "poison" });
    assert.deepEqual(span.events.map((event) => event.name), ["exception"]);
    assert.equal(span.attributes["actor.incarnation"], 1);
  }, { spanExporter: otelExporter(memory, { name: "trace-test" }) });
});

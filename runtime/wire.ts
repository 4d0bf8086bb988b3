/**
 * The messages between the host (main thread) and an actor cell (a worker, or in-process). Both sides
 * validate what they receive with these schemas: a worker is another program as far as trust goes.
 */
import { z } from "zod";
import { HISTOGRAM_BOUNDS } from "./histogram.ts";
import { EnvelopeSchema } from "./envelope.ts";
import { SpanRecordSchema } from "./span.ts";
import { MAX_SPANS_PER_BATCH } from "./cell_tracing.ts";

export const LogSettingsSchema = z.object({
  level: z.enum(["trace", "debug", "info", "warning", "error", "fatal"]).default("info"),
  format: z.enum(["pretty", "json"]).default("pretty"),
});
export type LogSettings = z.output<typeof LogSettingsSchema>;

export const BreakerStateSchema = z.object({
  name: z.string(),
  state: z.enum(["closed", "open", "half-open"]),
  failures: z.number(),
  currentResetTimeoutMs: z.number(),
  nextTrialInMs: z.number().nullable(),
  opens: z.number(),
  lastFailure: z.string().nullable(),
  lastTransitionAt: z.number().nullable(),
});

const MetricDeltaSchema = z.discriminatedUnion("type", [
  z.object({
    name: z.string(),
    labels: z.record(z.string(), z.string()).optional(),
    /** Counters add `value`; gauges replace their value with it. */
    type: z.enum(["counter", "gauge"]),
    value: z.number(),
  }),
  z.object({
    name: z.string(),
    labels: z.record(z.string(), z.string()).optional(),
    /** Observations since the last batch: their sum, count, and count per bucket of HISTOGRAM_BOUNDS. */
    type: z.literal("histogram"),
    sum: z.number(),
    count: z.number().int().nonnegative(),
    buckets: z.array(z.number().int().nonnegative()).length(HISTOGRAM_BOUNDS.length),
  }),
]);
export type MetricDelta = z.infer<typeof MetricDeltaSchema>;

export const HostToCellSchema = z.discriminatedUnion("t", [
  z.object({
    t: z.literal("init"),
    name: z.string(),
    incarnation: z.number().int(),
    module: z.string(),
    config: z.unknown(),
    /** Whether the actor obeys `$fault` messages (FAULT_INJECTION). */
    faults: z.boolean(),
    log: LogSettingsSchema,
    /** Whether the cell records spans of the messages it handles; absent or false: nothing is recorded. */
    tracing: z.boolean().optional(),
  }),
  z.object({ t: z.literal("deliver"), envelopes: z.array(EnvelopeSchema) }),
  z.object({ t: z.literal("reply"), envelope: EnvelopeSchema }),
  z.object({ t: z.literal("ping"), seq: z.number() }),
  z.object({ t: z.literal("stop") }),
  /** Backpressure: hold (or release) the actor's user lane while `target` has no room. */
  z.object({ t: z.literal("flow"), target: z.string(), hold: z.boolean() }),
]);
export type HostToCell = z.infer<typeof HostToCellSchema>;

export const CellToHostSchema = z.discriminatedUnion("t", [
  /** First word of a worker: its OS thread id, so a zombie thread can be watched until it is gone. */
  z.object({ t: z.literal("hello"), threadId: z.number().int().nullable() }),
  z.object({ t: z.literal("started") }),
  z.object({
    t: z.literal("batch"),
    out: z.array(EnvelopeSchema),
    /** Messages consumed (handled or dead-lettered) since the last batch, per lane, in delivery order. */
    ackedSystem: z.number().int().nonnegative(),
    ackedUser: z.number().int().nonnegative(),
    dead: z.array(z.object({
      id: z.string(),
      kind: z.string(),
      from: z.string(),
      reason: z.enum(["unknown_kind", "invalid_body", "deadline_exceeded", "no_pending_ask"]),
      detail: z.string(),
    })),
    metrics: z.array(MetricDeltaSchema),
    /** Spans ended since the last batch, sent only while tracing is on. */
    spans: z.array(SpanRecordSchema).max(MAX_SPANS_PER_BATCH).optional(),
  }),
  z.object({
    t: z.literal("pong"),
    seq: z.number(),
    breakers: z.array(BreakerStateSchema),
    /** The message being handled right now, if any: shows a slow handler before it becomes a hang. */
    busy: z.object({ kind: z.string(), id: z.string(), forMs: z.number() }).nullable(),
  }),
  z.object({
    t: z.literal("failed"),
    phase: z.enum(["start", "handle", "stop", "uncaught", "rejection"]),
    error: z.string(),
    stack: z.string().optional(),
    /** The message being handled when it failed: it is not redelivered (it may be a poison message). */
    messageId: z.string().optional(),
  }),
  z.object({ t: z.literal("stopped"), normal: z.boolean() }),
]);
export type CellToHost = z.infer<typeof CellToHostSchema>;

/**
 * Collects the buffers a message between host and cell moves, so postMessage transfers instead of
 * copying. Packed bodies move from a cell to the host, which keeps them: to a cell they are copied.
 */
export function transfersOf(msg: HostToCell | CellToHost): ArrayBuffer[] {
  const list: ArrayBuffer[] = [];
  const envelopes = msg.t === "deliver" ? msg.envelopes : msg.t === "batch" ? msg.out : [];
  for (const env of envelopes) {
    if (env.transfer) list.push(...env.transfer);
    if (env.packed && msg.t === "batch" && env.body instanceof ArrayBuffer) list.push(env.body);
  }
  return list;
}

/**
 * Spans as this runtime records them. A RecordingSpan collects a name, times, attributes, events and a
 * status, and on `end()` hands a plain SpanRecord to its sink: in a worker the cell's next batch to the
 * host (like metric deltas), in the main thread the host's export queue. So workers need no OpenTelemetry
 * SDK, and the host validates what a worker sends like any other message (SpanRecordSchema).
 */
import { z } from "zod";
import type { Attributes, SpanContext } from "@opentelemetry/api";
import { formatTraceparent, newSpanId, newTraceId, SAMPLED } from "./trace_context.ts";

/** Bounds per span (like the SDK's span limits): past them attributes and events are counted, not kept. */
const MAX_ATTRIBUTES = 32;
const MAX_EVENTS = 16;

const AttributeValueSchema = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.array(z.string()),
  z.array(z.number()),
  z.array(z.boolean()),
]);
type AttributeValue = z.infer<typeof AttributeValueSchema>;
const AttributesSchema = z.record(z.string(), AttributeValueSchema);
const count = z.number().int().nonnegative();
const SpanIdSchema = z.string().regex(/^[0-9a-f]{16}$/);

export const SpanRecordSchema = z.object({
  traceId: z.string().regex(/^[0-9a-f]{32}$/),
  spanId: SpanIdSchema,
  /** Absent on the root of a trace. */
  parentSpanId: SpanIdSchema.optional(),
  name: z.string(),
  kind: z.enum(["internal", "server", "client", "producer", "consumer"]),
  /** Wall-clock milliseconds with a fraction: `performance.timeOrigin + performance.now()` in any thread. */
  startMs: z.number(),
  endMs: z.number(),
  attributes: AttributesSchema,
  /** Left unset on success, as OpenTelemetry asks of instrumentation; `error` when the work failed. */
  status: z.object({ code: z.enum(["unset", "error"]), message: z.string().optional() }),
  events: z.array(z.object({ name: z.string(), atMs: z.number(), attributes: AttributesSchema.optional() }))
    .optional(),
  /** Attributes and events left out over the bounds; absent when none were. */
  dropped: z.object({ attributes: count, events: count }).optional(),
});
export type SpanRecord = z.infer<typeof SpanRecordSchema>;
export type SpanKindName = SpanRecord["kind"];

/** Where a span's record goes when it ends. */
export type SpanSink = (record: SpanRecord) => void;

export interface SpanOptions {
  kind?: SpanKindName;
  /** The parent's context (from an envelope or a header); without one the span starts a new trace. */
  parent?: SpanContext | null;
  /** The runtime's own attributes, set as given. */
  attributes?: Record<string, AttributeValue>;
}

/** Starts spans in this thread whose records go to one sink. */
export interface Tracer {
  startSpan(name: string, options?: SpanOptions): RecordingSpan;
}

export function tracer(sink: SpanSink): Tracer {
  return { startSpan: (name, options = {}) => new RecordingSpan(name, options, sink) };
}

/** A span being recorded. After `end()` it ignores every call, as OpenTelemetry spans do. */
export class RecordingSpan {
  /** This span's context as a `traceparent`, for what is sent on its behalf. */
  readonly traceparent: string;
  readonly #record: SpanRecord;
  readonly #sink: SpanSink;
  #attributeCount: number;
  #ended = false;

  constructor(name: string, options: SpanOptions, sink: SpanSink) {
    const parent = options.parent ?? null;
    this.#record = {
      traceId: parent?.traceId ?? newTraceId(),
      spanId: newSpanId(),
      name,
      kind: options.kind ?? "internal",
      startMs: now(),
      endMs: 0,
      attributes: { ...options.attributes },
      status: { code: "unset" },
    };
    if (parent) this.#record.parentSpanId = parent.spanId;
    this.#attributeCount = Object.keys(this.#record.attributes).length;
    this.#sink = sink;
    this.traceparent = formatTraceparent(this.spanContext());
  }

  spanContext(): SpanContext {
    return { traceId: this.#record.traceId, spanId: this.#record.spanId, traceFlags: SAMPLED };
  }

  /** Sets one attribute; a value OpenTelemetry cannot carry (NaN, an array with holes) is dropped. */
  setAttribute(key: string, value: Attributes[string]): this {
    if (this.#ended) return this;
    const checked = AttributeValueSchema.safeParse(value);
    const { attributes } = this.#record;
    const known = Object.hasOwn(attributes, key);
    if (!checked.success || (!known && this.#attributeCount >= MAX_ATTRIBUTES)) {
      this.#dropped().attributes++;
    } else {
      if (!known) this.#attributeCount++;
      attributes[key] = checked.data;
    }
    return this;
  }

  setAttributes(attributes: Attributes): this {
    for (const [key, value] of Object.entries(attributes)) this.setAttribute(key, value);
    return this;
  }

  addEvent(name: string, attributes?: Attributes): this {
    if (this.#ended) return this;
    const events = this.#record.events ??= [];
    if (events.length >= MAX_EVENTS) {
      this.#dropped().events++;
      return this;
    }
    const event: NonNullable<SpanRecord["events"]>[number] = { name, atMs: now() };
    if (attributes) {
      event.attributes = {};
      for (const [key, value] of Object.entries(attributes)) {
        const checked = AttributeValueSchema.safeParse(value);
        if (checked.success) event.attributes[key] = checked.data;
        else this.#dropped().attributes++;
      }
    }
    events.push(event);
    return this;
  }

  /** Marks the span failed, with the error as an `exception` event (OpenTelemetry's convention). */
  fail(error: unknown): this {
    const message = error instanceof Error ? error.message : String(error);
    this.setError(message);
    return this.addEvent("exception", {
      "exception.type": error instanceof Error ? error.name : typeof error,
      "exception.message": message,
    });
  }

  setError(message: string): this {
    if (!this.#ended) this.#record.status = { code: "error", message };
    return this;
  }

  /** Renames the span, for names known only once the work is done (an HTTP request's route). */
  updateName(name: string): this {
    if (!this.#ended) this.#record.name = name;
    return this;
  }

  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#record.endMs = now();
    this.#sink(this.#record);
  }

  #dropped(): NonNullable<SpanRecord["dropped"]> {
    return this.#record.dropped ??= { attributes: 0, events: 0 };
  }
}

function now(): number {
  return performance.timeOrigin + performance.now();
}

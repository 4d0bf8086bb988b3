/**
 * Hands the runtime's span records to an OpenTelemetry SDK exporter as ReadableSpans: OTLP/HTTP to a
 * collector, or the SDK's InMemorySpanExporter in tests.
 *
 * Why the SDK's exporter rather than an OTLP encoder of our own: it works under Deno (checked with
 * exporter 0.301 and sdk-trace 3.1 against a local receiver), and it brings what we would otherwise
 * re-write and get subtly wrong: the OTLP JSON mapping, retries, and the standard `OTEL_EXPORTER_OTLP_*`
 * variables (endpoint, headers, timeout, compression). Its cost is load time, about 100 ms, so main.ts
 * imports this module only when tracing is on, and workers never load it: they send plain records.
 * `@opentelemetry/sdk-trace` is what `sdk-trace-base` now re-exports, and what this exporter builds on.
 */
import { type HrTime, SpanKind, SpanStatusCode, TraceFlags } from "@opentelemetry/api";
import { ExportResultCode } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { type Resource, resourceFromAttributes } from "@opentelemetry/resources";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace";
import type { SpanKindName, SpanRecord } from "./span.ts";
import type { SpanRecordExporter } from "./span_export.ts";

/** Who sends the spans: the resource every span is exported with. */
export interface Service {
  name: string;
  version?: string;
}

const SCOPE = { name: "actor-runtime" };

const KINDS: Record<SpanKindName, SpanKind> = {
  internal: SpanKind.INTERNAL,
  server: SpanKind.SERVER,
  client: SpanKind.CLIENT,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
};

/**
 * OTLP/HTTP (JSON) to `OTEL_EXPORTER_OTLP_ENDPOINT` (+ `/v1/traces`), or wherever the other standard
 * `OTEL_EXPORTER_OTLP_*` variables say: the SDK reads them itself.
 */
export function otlpHttpExporter(service: Service): SpanRecordExporter {
  return otelExporter(new OTLPTraceExporter(), service);
}

/**
 * Adapts an SDK exporter to the runtime's records.
 *
 * @example
 * ```ts
 * const memory = new InMemorySpanExporter();
 * const system = new ActorSystem(tree, { spanExporter: otelExporter(memory, { name: "test" }) });
 * ```
 */
export function otelExporter(exporter: SpanExporter, service: Service): SpanRecordExporter {
  const resource = resourceFromAttributes(
    service.version === undefined
      ? { "service.name": service.name }
      : { "service.name": service.name, "service.version": service.version },
  );
  return {
    export: (records) =>
      new Promise((resolve, reject) => {
        exporter.export(records.map((record) => readableSpan(record, resource)), (result) => {
          if (result.code === ExportResultCode.SUCCESS) resolve();
          else reject(result.error ?? new Error("the exporter reported a failure"));
        });
      }),
    shutdown: () => exporter.shutdown(),
  };
}

function readableSpan(record: SpanRecord, resource: Resource): ReadableSpan {
  const { traceId, spanId, parentSpanId } = record;
  const traceFlags = TraceFlags.SAMPLED;
  return {
    name: record.name,
    kind: KINDS[record.kind],
    spanContext: () => ({ traceId, spanId, traceFlags }),
    // The parent's context came over a thread or process boundary (an envelope, a header).
    parentSpanContext: parentSpanId === undefined
      ? undefined
      : { traceId, spanId: parentSpanId, traceFlags, isRemote: true },
    startTime: hrTime(record.startMs),
    endTime: hrTime(record.endMs),
    duration: hrTime(Math.max(0, record.endMs - record.startMs)),
    status: record.status.code === "error"
      ? { code: SpanStatusCode.ERROR, message: record.status.message }
      : { code: SpanStatusCode.UNSET },
    attributes: record.attributes,
    links: [],
    events: (record.events ?? []).map((event) => ({
      name: event.name,
      time: hrTime(event.atMs),
      attributes: event.attributes,
    })),
    ended: true,
    resource,
    instrumentationScope: SCOPE,
    droppedAttributesCount: record.dropped?.attributes ?? 0,
    droppedEventsCount: record.dropped?.events ?? 0,
    droppedLinksCount: 0,
  };
}

/** Milliseconds (with a fraction) as OpenTelemetry's [seconds, nanoseconds]. */
function hrTime(ms: number): HrTime {
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.min(999_999_999, Math.round((ms - seconds * 1000) * 1e6))];
}

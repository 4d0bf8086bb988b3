/**
 * Tracing inside an actor cell, which exists only when the system exports spans. Each handled message
 * gets a span whose parent is the context its envelope carries; what the handler sends carries that
 * span's context on, so the spans of one snapshot's way through the workers form one trace. Ended
 * spans wait for the cell's next batch to the host, at most MAX_SPANS_PER_BATCH of them.
 */
import type { Envelope } from "./envelope.ts";
import { RecordingSpan, type SpanRecord } from "./span.ts";
import { parseTraceparent } from "./trace_context.ts";

/** Spans one batch carries at most; more ended since the last batch are dropped and counted (G4). */
export const MAX_SPANS_PER_BATCH = 256;

export class CellTracing {
  #current: RecordingSpan | null = null;
  #ended: SpanRecord[] = [];

  /** @param onDropped called for each span dropped because the batch was full */
  constructor(readonly actor: string, readonly incarnation: number, readonly onDropped: () => void) {}

  /** The span of the message being handled, if any. */
  get current(): RecordingSpan | null {
    return this.#current;
  }

  /** Starts the span of handling `env`. A message without a valid context (a timer's) starts a trace. */
  begin(env: Envelope): RecordingSpan {
    const span = new RecordingSpan(`${this.actor} handle ${env.kind}`, {
      kind: "consumer",
      parent: env.trace === undefined ? null : parseTraceparent(env.trace),
      attributes: {
        actor: this.actor,
        "actor.incarnation": this.incarnation,
        "message.kind": env.kind,
        "message.id": env.id,
      },
    }, (record) => this.#onEnd(span, record));
    this.#current = span;
    return span;
  }

  /** Gives an envelope sent by the handler the context of the span being handled. */
  stamp(env: Envelope): void {
    if (this.#current) env.trace = this.#current.traceparent;
  }

  /** Ended spans waiting for the next batch. */
  get pending(): number {
    return this.#ended.length;
  }

  /** The ended spans, for the batch being sent. */
  take(): SpanRecord[] {
    const taken = this.#ended;
    this.#ended = [];
    return taken;
  }

  #onEnd(span: RecordingSpan, record: SpanRecord): void {
    if (this.#current === span) this.#current = null;
    if (this.#ended.length < MAX_SPANS_PER_BATCH) this.#ended.push(record);
    else this.onDropped();
  }
}

/**
 * The host's end of tracing: span records from the workers' batches (and the main thread's own spans)
 * wait in a bounded queue and leave in batches, one export at a time, for the exporter the ActorSystem
 * was given. Exporting never blocks or fails the bus: a full queue drops new spans and a failed or
 * timed-out export drops its batch, both counted in `spans_dropped_total`, and failures are logged at
 * most once a minute.
 */
import { getLogger } from "@logtape/logtape";
import { describeError } from "./errors.ts";
import type { MetricsRegistry } from "./metrics.ts";
import type { SpanRecord } from "./span.ts";

/** Where batches of ended spans go (otel_export.ts adapts the OpenTelemetry SDK's exporters). */
export interface SpanRecordExporter {
  /** Sends one batch; rejects when it could not. */
  export(spans: SpanRecord[]): Promise<void>;
  /** Sends what the exporter still holds, and lets go of its resources. */
  shutdown(): Promise<void>;
}

export interface SpanExportOptions {
  /** Spans waiting at most; past it new ones are dropped (default 2,048, as the SDK's batch processor). */
  maxQueue?: number;
  /** Spans per export at most (default 512). */
  maxBatch?: number;
  /** How long a span waits for its batch to fill (default 1,000 ms). */
  delayMs?: number;
  /** An export that has not settled by then counts as failed, and the next one may start. */
  timeoutMs?: number;
  /** How long shutdown may take to export what is left: a collector that is down must not hold up exit. */
  shutdownMs?: number;
}

const DEFAULTS: Required<SpanExportOptions> = {
  maxQueue: 2_048,
  maxBatch: 512,
  delayMs: 1_000,
  timeoutMs: 10_000,
  shutdownMs: 2_000,
};
const WARN_EVERY_MS = 60_000;

export class SpanExport {
  readonly #exporter: SpanRecordExporter;
  readonly #metrics: MetricsRegistry;
  readonly #options: Required<SpanExportOptions>;
  readonly #log = getLogger(["runtime", "tracing"]);
  #queue: SpanRecord[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #exporting: Promise<void> | null = null;
  #closed = false;
  #lastWarnAt = -Infinity;
  #failuresSinceWarn = 0;

  constructor(exporter: SpanRecordExporter, metrics: MetricsRegistry, options: SpanExportOptions = {}) {
    this.#exporter = exporter;
    this.#metrics = metrics;
    this.#options = { ...DEFAULTS, ...options };
  }

  /** Queues ended spans; what does not fit (or comes after shutdown) is dropped and counted. */
  add(spans: readonly SpanRecord[]): void {
    const room = this.#closed ? 0 : this.#options.maxQueue - this.#queue.length;
    for (let i = 0; i < spans.length && i < room; i++) this.#queue.push(spans[i]);
    if (spans.length > room) this.#dropped("queue_full", spans.length - room);
    this.#schedule();
  }

  /**
   * Exports what is queued and shuts the exporter down, within `shutdownMs`; what has not left by then
   * is dropped. Spans added after this are dropped too.
   */
  async shutdown(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    const flushed = (async () => {
      await this.#exporting;
      while (this.#queue.length > 0) await this.#send(this.#queue.splice(0, this.#options.maxBatch));
      await this.#exporter.shutdown();
    })();
    try {
      await this.#withTimeout(flushed, this.#options.shutdownMs);
    } catch (error) {
      this.#failed(error);
      if (this.#queue.length > 0) this.#dropped("shutdown", this.#queue.length);
      this.#queue = [];
    }
  }

  /** A full batch leaves at once; a partial one after the delay; never two exports at a time. */
  #schedule(): void {
    if (this.#closed || this.#exporting || this.#queue.length === 0) return;
    if (this.#queue.length < this.#options.maxBatch) {
      this.#timer ??= setTimeout(() => {
        this.#timer = undefined;
        this.#exportNext();
      }, this.#options.delayMs);
      return;
    }
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#exportNext();
  }

  #exportNext(): void {
    const batch = this.#queue.splice(0, this.#options.maxBatch);
    this.#exporting = this.#send(batch).finally(() => {
      this.#exporting = null;
      this.#schedule();
    });
  }

  async #send(batch: SpanRecord[]): Promise<void> {
    try {
      await this.#withTimeout(this.#exporter.export(batch), this.#options.timeoutMs);
      this.#metrics.add("spans_exported_total", {}, batch.length);
    } catch (error) {
      this.#dropped("export_failed", batch.length);
      this.#failed(error);
    }
  }

  /** Settles with `work`, or rejects after `ms` (the work may go on). */
  async #withTimeout(work: Promise<void>, ms: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeUp = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the exporter did not answer within ${ms} ms`)), ms);
    });
    try {
      await Promise.race([work, timeUp]);
    } finally {
      clearTimeout(timer);
    }
  }

  #dropped(reason: "queue_full" | "export_failed" | "shutdown", spans: number): void {
    this.#metrics.add("spans_dropped_total", { reason }, spans);
  }

  /** A collector that is down fails every export: one warning a minute says so, with the count. */
  #failed(error: unknown): void {
    this.#failuresSinceWarn++;
    const now = performance.now();
    if (now - this.#lastWarnAt < WARN_EVERY_MS) return;
    this.#log.warn("spans not exported: {error} (failed exports since the last warning: {failures})", {
      error: describeError(error),
      failures: this.#failuresSinceWarn,
    });
    this.#lastWarnAt = now;
    this.#failuresSinceWarn = 0;
  }
}

/**
 * Counters, gauges and histograms kept in the main thread. Actors report deltas with their batches, so
 * the values survive restarts of the actor that produced them. Bounded: past `maxSeries` new series are
 * refused and counted, never silently dropped.
 */
import { emptyHistogram, type HistogramCounts, merge, observe } from "./histogram.ts";
import type { MetricDelta } from "./wire.ts";

export type Series =
  | { name: string; labels: Record<string, string>; type: "counter" | "gauge"; value: number }
  | { name: string; labels: Record<string, string>; type: "histogram"; histogram: HistogramCounts };

export class MetricsRegistry {
  #series = new Map<string, Series>();
  #refused = 0;

  constructor(readonly maxSeries = 10_000) {}

  add(name: string, labels: Record<string, string>, value = 1): void {
    this.#update(name, labels, "counter", value);
  }

  set(name: string, labels: Record<string, string>, value: number): void {
    this.#update(name, labels, "gauge", value);
  }

  /** Records one observation (in seconds) of a histogram. */
  observe(name: string, labels: Record<string, string>, value: number): void {
    const series = this.#histogram(name, labels);
    if (series) observe(series.histogram, value);
  }

  /** Applies an actor's deltas, labelled with the actor's name. */
  apply(deltas: MetricDelta[], labels: Record<string, string>): void {
    for (const d of deltas) {
      const all = { ...d.labels, ...labels };
      if (d.type === "histogram") {
        const series = this.#histogram(d.name, all);
        if (series) merge(series.histogram, d);
      } else {
        this.#update(d.name, all, d.type, d.value);
      }
    }
  }

  /** Sum of every counter or gauge series of `name` whose labels include `match`. */
  get(name: string, match: Record<string, string> = {}): number {
    let sum = 0;
    for (const s of this.#series.values()) {
      if (s.type === "histogram" || s.name !== name) continue;
      if (Object.entries(match).every(([k, v]) => s.labels[k] === v)) sum += s.value;
    }
    return sum;
  }

  snapshot(): Series[] {
    return [...this.#series.values()].map((s) =>
      s.type === "histogram"
        ? { ...s, labels: { ...s.labels }, histogram: { ...s.histogram, buckets: [...s.histogram.buckets] } }
        : { ...s, labels: { ...s.labels } }
    );
  }

  /** New series refused because the registry was full. */
  get refused(): number {
    return this.#refused;
  }

  #histogram(name: string, labels: Record<string, string>) {
    const key = seriesKey(name, labels);
    const series = this.#series.get(key);
    if (series) return series.type === "histogram" ? series : undefined;
    if (this.#series.size >= this.maxSeries) {
      this.#refused++;
      return undefined;
    }
    const created = { name, labels: { ...labels }, type: "histogram" as const, histogram: emptyHistogram() };
    this.#series.set(key, created);
    return created;
  }

  #update(name: string, labels: Record<string, string>, type: "counter" | "gauge", value: number): void {
    const key = seriesKey(name, labels);
    const series = this.#series.get(key);
    if (series) {
      if (series.type === "histogram") return;
      series.value = type === "counter" ? series.value + value : value;
      return;
    }
    if (this.#series.size >= this.maxSeries) {
      this.#refused++;
      return;
    }
    this.#series.set(key, { name, labels: { ...labels }, type, value });
  }
}

function seriesKey(name: string, labels: Record<string, string>): string {
  const keys = Object.keys(labels).sort();
  return keys.length === 0 ? name : `${name}{${keys.map((k) => `${k}="${labels[k]}"`).join(",")}}`;
}

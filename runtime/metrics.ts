/**
 * Counters and gauges kept in the main thread. Actors report deltas with their batches, so the values
 * survive restarts of the actor that produced them. Bounded: past `maxSeries` new series are refused and
 * counted, never silently dropped.
 */
import type { MetricDelta } from "./wire.ts";

export interface Series {
  name: string;
  labels: Record<string, string>;
  type: "counter" | "gauge";
  value: number;
}

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

  /** Applies an actor's deltas, labelled with the actor's name. */
  apply(deltas: MetricDelta[], labels: Record<string, string>): void {
    for (const d of deltas) this.#update(d.name, { ...d.labels, ...labels }, d.type, d.value);
  }

  /** Sum of every series of `name` whose labels include `match`. */
  get(name: string, match: Record<string, string> = {}): number {
    let sum = 0;
    for (const s of this.#series.values()) {
      if (s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v)) sum += s.value;
    }
    return sum;
  }

  snapshot(): Series[] {
    return [...this.#series.values()].map((s) => ({ ...s, labels: { ...s.labels } }));
  }

  /** New series refused because the registry was full. */
  get refused(): number {
    return this.#refused;
  }

  #update(name: string, labels: Record<string, string>, type: Series["type"], value: number): void {
    const key = seriesKey(name, labels);
    const series = this.#series.get(key);
    if (series) {
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

/**
 * The one bucket layout every histogram of the runtime uses, in seconds (durations are the only thing
 * observed): from 1 ms to 10 s, Prometheus's default spread with finer steps at the low end.
 */
export const HISTOGRAM_BOUNDS: readonly number[] = [
  0.001,
  0.0025,
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  5,
  10,
];

/** Observations of one series: their sum, count, and count per bucket (not cumulative). */
export interface HistogramCounts {
  sum: number;
  count: number;
  buckets: number[];
}

export function emptyHistogram(): HistogramCounts {
  return { sum: 0, count: 0, buckets: HISTOGRAM_BOUNDS.map(() => 0) };
}

/** Adds one observation; a value above the last bound lands only in `count` (the +Inf bucket). */
export function observe(histogram: HistogramCounts, value: number): void {
  histogram.sum += value;
  histogram.count++;
  const bucket = HISTOGRAM_BOUNDS.findIndex((bound) => value <= bound);
  if (bucket >= 0) histogram.buckets[bucket]++;
}

/** Adds `more` into `into`. */
export function merge(into: HistogramCounts, more: HistogramCounts): void {
  into.sum += more.sum;
  into.count += more.count;
  for (let i = 0; i < into.buckets.length; i++) into.buckets[i] += more.buckets[i] ?? 0;
}

/**
 * The upper bound of the bucket holding quantile `q` (0–1): the value the quantile is at most. Null when
 * there are no observations or the quantile lies above the last bound.
 */
export function quantileBound(histogram: HistogramCounts, q: number): number | null {
  if (histogram.count === 0) return null;
  const rank = Math.ceil(q * histogram.count);
  let seen = 0;
  for (let i = 0; i < HISTOGRAM_BOUNDS.length; i++) {
    seen += histogram.buckets[i];
    if (seen >= rank) return HISTOGRAM_BOUNDS[i];
  }
  return null;
}

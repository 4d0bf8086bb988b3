/**
 * The Prometheus text exposition format (version 0.0.4) for a set of metric families: HELP and TYPE
 * lines, escaped label values, histograms as cumulative `_bucket{le=…}` series with `_sum` and `_count`.
 * Generic: the collector's /metrics (routes/metrics.ts) decides names and help texts.
 */
import { HISTOGRAM_BOUNDS, type HistogramCounts } from "./histogram.ts";

export type Sample =
  | { labels: Record<string, string>; value: number }
  | { labels: Record<string, string>; histogram: HistogramCounts };

export interface MetricFamily {
  /** A valid Prometheus name: counters end in `_total`, units are base units (seconds, bytes). */
  name: string;
  help: string;
  type: "counter" | "gauge" | "histogram";
  samples: Sample[];
}

export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Families in the order given, each once; an invalid name or label name is a programming error. */
export function renderPrometheus(families: readonly MetricFamily[]): string {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const family of families) {
    if (!NAME.test(family.name)) throw new Error(`invalid metric name ${family.name}`);
    if (seen.has(family.name)) throw new Error(`metric family ${family.name} rendered twice`);
    seen.add(family.name);
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`);
    for (const sample of family.samples) {
      if ("histogram" in sample) lines.push(...histogramLines(family.name, sample.labels, sample.histogram));
      else lines.push(`${family.name}${labelText(sample.labels)} ${number(sample.value)}`);
    }
  }
  return lines.join("\n") + "\n";
}

function histogramLines(name: string, labels: Record<string, string>, h: HistogramCounts): string[] {
  const lines: string[] = [];
  let cumulative = 0;
  HISTOGRAM_BOUNDS.forEach((bound, i) => {
    cumulative += h.buckets[i] ?? 0;
    lines.push(`${name}_bucket${labelText({ ...labels, le: String(bound) })} ${cumulative}`);
  });
  lines.push(`${name}_bucket${labelText({ ...labels, le: "+Inf" })} ${h.count}`);
  lines.push(`${name}_sum${labelText(labels)} ${number(h.sum)}`);
  lines.push(`${name}_count${labelText(labels)} ${h.count}`);
  return lines;
}

function labelText(labels: Record<string, string>): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return "";
  const pairs = entries.map(([key, value]) => {
    if (!LABEL.test(key)) throw new Error(`invalid label name ${key}`);
    return `${key}="${value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"')}"`;
  });
  return `{${pairs.join(",")}}`;
}

function escapeHelp(help: string): string {
  return help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

function number(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

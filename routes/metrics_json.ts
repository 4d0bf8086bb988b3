/**
 * `GET /api/metrics/{performance|errors|events|database|cache}`: the same series as `/metrics`, as JSON,
 * split by what they are about. A histogram comes with its count, sum, mean and the bucket bounds its
 * 50th and 99th percentiles lie under, so a reader needs no Prometheus to make sense of it.
 */
import { Hono } from "hono";
import { z } from "zod";
import { quantileBound } from "../runtime/histogram.ts";
import type { MetricFamily } from "../runtime/prometheus.ts";
import type { FrontDeps } from "./deps.ts";
import { HttpError } from "./errors.ts";
import { metricFamilies, PREFIX } from "./metrics.ts";

export const METRIC_CATEGORIES = ["performance", "errors", "events", "database", "cache"] as const;
type Category = typeof METRIC_CATEGORIES[number];

/** The first rule whose pattern matches a name (without the prefix) decides; the rest is performance. */
const RULES: [RegExp, Category][] = [
  [/^cache_|^hot_views_/, "cache"],
  [
    /(_errors|_failures|_rejected|_dropped|_failed|_refused)_total$|^breaker_|^actor_restarts|^feed_stale$/,
    "errors",
  ],
  [/^(anomalies|snapshots_quarantined)_total$/, "errors"],
  [/^events_|^messages?_|^spans_|^records_flagged/, "events"],
  [/^database_|^spool_|^store_|^snapshots_(stored|duplicate)_total$/, "database"],
];

export function categoryOf(name: string): Category {
  const bare = name.startsWith(PREFIX) ? name.slice(PREFIX.length) : name;
  return RULES.find(([pattern]) => pattern.test(bare))?.[1] ?? "performance";
}

const SampleSchema = z.union([
  z.object({ labels: z.record(z.string(), z.string()), value: z.number() }),
  z.object({
    labels: z.record(z.string(), z.string()),
    count: z.number(),
    sum: z.number(),
    mean: z.number().nullable(),
    p50AtMost: z.number().nullable(),
    p99AtMost: z.number().nullable(),
  }),
]);
export const MetricsJsonSchema = z.object({
  category: z.enum(METRIC_CATEGORIES),
  metrics: z.array(z.object({
    name: z.string(),
    type: z.enum(["counter", "gauge", "histogram"]),
    help: z.string(),
    samples: z.array(SampleSchema),
  })),
});

function toJson(family: MetricFamily): z.infer<typeof MetricsJsonSchema>["metrics"][number] {
  return {
    name: family.name,
    type: family.type,
    help: family.help,
    samples: family.samples.map((sample) =>
      "histogram" in sample
        ? {
          labels: sample.labels,
          count: sample.histogram.count,
          sum: sample.histogram.sum,
          mean: sample.histogram.count > 0 ? sample.histogram.sum / sample.histogram.count : null,
          p50AtMost: quantileBound(sample.histogram, 0.5),
          p99AtMost: quantileBound(sample.histogram, 0.99),
        }
        : sample
    ),
  };
}

/** The JSON metrics, to be mounted at `/api/metrics`. */
export function metricsJsonRoutes(
  deps: Pick<FrontDeps, "metrics" | "supervision" | "status">,
  options: { statusTimeoutMs: number },
): Hono {
  const app = new Hono();
  app.get(`/:category{${METRIC_CATEGORIES.join("|")}}`, async (c) => {
    const category = c.req.param("category") as Category;
    if (Object.keys(c.req.queries()).length > 0) {
      throw new HttpError(400, "invalid_parameter", "this route takes no parameters");
    }
    const families = await metricFamilies(deps, options.statusTimeoutMs);
    const metrics = families.filter((f) => categoryOf(f.name) === category).map(toJson);
    return c.json({ category, metrics });
  });
  return app;
}

/**
 * The bus's events at a glance: `GET /api/events/analytics` (typed events per type, with their rate since
 * start, and each actor's handling time per message kind) and `GET /api/events/dead-letters` (what could
 * not be delivered or handled, by reason, and the newest of them). Read from the metrics registry and
 * the bus's dead letters, which are bounded already.
 */
import { Hono } from "hono";
import { z } from "zod";
import { quantileBound } from "../runtime/histogram.ts";
import { parseQuery } from "./data.ts";
import type { FrontDeps } from "./deps.ts";

export const EventAnalyticsSchema = z.object({
  uptimeSeconds: z.number(),
  events: z.array(z.object({ type: z.string(), total: z.number(), perMinute: z.number() })),
  handlers: z.array(z.object({
    actor: z.string(),
    kind: z.string(),
    handled: z.number(),
    meanMs: z.number(),
    /** The bucket bounds the 50th and 99th percentile lie under; null past 10 s. */
    p50AtMostMs: z.number().nullable(),
    p99AtMostMs: z.number().nullable(),
  })),
});

export const DeadLetterListSchema = z.object({
  total: z.number(),
  byReason: z.record(z.string(), z.number()),
  recent: z.array(z.object({
    at: z.string(),
    id: z.string(),
    kind: z.string(),
    from: z.string(),
    to: z.string(),
    reason: z.string(),
    detail: z.string(),
  })),
});

export const DEAD_LETTER_QUERY = {
  limit: z.string().regex(/^\d{1,4}$/, { message: "must be a whole number up to 9999" }).transform(Number),
};

const ms = (seconds: number | null) => seconds === null ? null : Math.round(seconds * 1e6) / 1e3;

/** The event routes, to be mounted at `/api/events`. */
export function eventRoutes(
  deps: Pick<FrontDeps, "metrics" | "deadLetters" | "startedAt">,
  now = Date.now,
): Hono {
  const app = new Hono();

  app.get("/analytics", (c) => {
    const uptimeSeconds = Math.max(1, Math.round((now() - deps.startedAt) / 1000));
    const series = deps.metrics.snapshot();
    const events = series
      .flatMap((s) =>
        s.name === "events_total" && s.type === "counter"
          ? [{ type: s.labels.type ?? "all", total: s.value }]
          : []
      )
      .map((e) => ({ ...e, perMinute: Math.round((e.total / uptimeSeconds) * 60 * 100) / 100 }))
      .sort((a, b) => b.total - a.total);
    const handlers = series
      .flatMap((s) => s.name === "message_handle_seconds" && s.type === "histogram" ? [s] : [])
      .map(({ labels, histogram }) => ({
        actor: labels.actor ?? "?",
        kind: labels.kind ?? "?",
        handled: histogram.count,
        meanMs: ms(histogram.count > 0 ? histogram.sum / histogram.count : 0) ?? 0,
        p50AtMostMs: ms(quantileBound(histogram, 0.5)),
        p99AtMostMs: ms(quantileBound(histogram, 0.99)),
      }))
      .sort((a, b) => a.actor.localeCompare(b.actor) || a.kind.localeCompare(b.kind));
    return c.json({ uptimeSeconds, events, handlers });
  });

  app.get("/dead-letters", (c) => {
    const { limit } = parseQuery(c, DEAD_LETTER_QUERY);
    const recent = deps.deadLetters.recent(limit ?? 100).reverse()
      .map((letter) => ({ ...letter, at: new Date(letter.at).toISOString() }));
    return c.json({ total: deps.deadLetters.total, byReason: deps.deadLetters.counts(), recent });
  });

  return app;
}

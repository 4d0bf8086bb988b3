/**
 * What went wrong and how it recovered, from the error journal (routes/journal.ts) and the actors'
 * breakers: `GET /api/errors` (the history), `/api/errors/analytics` (counts by class and actor over the
 * last hour and day), `/api/errors/trends` (per hour), `/api/errors/circuit-breakers` (every breaker now)
 * and `/api/errors/recovery` (restarts, breaker outages and spool replays, with how long each took).
 */
import { Hono } from "hono";
import { z } from "zod";
import { BreakerStateSchema } from "../runtime/wire.ts";
import { parseQuery } from "./data.ts";
import type { FrontDeps } from "./deps.ts";
import { ERROR_CLASSES, type ErrorEntry } from "./journal.ts";

const HOUR_MS = 3_600_000;
const TREND_HOURS = 24;

const ClassSchema = z.enum(ERROR_CLASSES);
const CountsSchema = z.object({
  total: z.number(),
  byClass: z.record(z.string(), z.number()),
  byActor: z.record(z.string(), z.number()),
});

export const ErrorHistorySchema = z.object({
  errors: z.array(z.object({
    at: z.string(),
    class: ClassSchema,
    actor: z.string().nullable(),
    message: z.string(),
    count: z.number(),
  })),
});
export const ErrorAnalyticsSchema = z.object({ lastHour: CountsSchema, lastDay: CountsSchema });
export const ErrorTrendsSchema = z.object({
  hours: z.array(
    z.object({ hour: z.string(), total: z.number(), byClass: z.record(z.string(), z.number()) }),
  ),
});
export const BreakerListSchema = z.object({
  breakers: z.array(BreakerStateSchema.extend({ actor: z.string() })),
});
export const RecoveryListSchema = z.object({
  recoveries: z.array(z.object({
    kind: z.enum(["restart", "breaker", "spool"]),
    actor: z.string(),
    what: z.string(),
    startedAt: z.string(),
    recoveredAt: z.string(),
    durationMs: z.number(),
  })),
});

export const ERROR_HISTORY_QUERY = {
  class: z.enum(ERROR_CLASSES, { message: `must be one of ${ERROR_CLASSES.join(", ")}` }),
  actor: z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, { message: "must be an actor name" }),
  limit: z.string().regex(/^\d{1,4}$/, { message: "must be a whole number up to 9999" }).transform(Number),
};

const iso = (ms: number) => new Date(ms).toISOString();

function counts(entries: readonly ErrorEntry[]): z.infer<typeof CountsSchema> {
  const byClass: Record<string, number> = Object.fromEntries(ERROR_CLASSES.map((c) => [c, 0]));
  const byActor: Record<string, number> = {};
  let total = 0;
  for (const entry of entries) {
    total += entry.count;
    byClass[entry.class] += entry.count;
    const actor = entry.actor ?? "front";
    byActor[actor] = (byActor[actor] ?? 0) + entry.count;
  }
  return { total, byClass, byActor };
}

/** The error routes, to be mounted at `/api/errors`. */
export function errorRoutes(deps: Pick<FrontDeps, "journal" | "supervision">, now = Date.now): Hono {
  const app = new Hono();
  const { journal } = deps;

  app.get("/", (c) => {
    const query = parseQuery(c, ERROR_HISTORY_QUERY);
    const matching = journal.since(now() - TREND_HOURS * HOUR_MS)
      .filter((e) =>
        (query.class === undefined || e.class === query.class) &&
        (query.actor === undefined || e.actor === query.actor)
      );
    // Entries come in roughly in time order (a restart is noted a moment after it happened): sort them.
    const newestFirst = matching.sort((a, b) => b.at - a.at).slice(0, query.limit ?? 100);
    const errors = newestFirst.map((e) => ({ ...e, at: iso(e.at) }));
    return c.json({ errors });
  });

  app.get("/analytics", (c) => {
    const t = now();
    return c.json({
      lastHour: counts(journal.since(t - HOUR_MS)),
      lastDay: counts(journal.since(t - 24 * HOUR_MS)),
    });
  });

  app.get("/trends", (c) => {
    const end = Math.floor(now() / HOUR_MS) * HOUR_MS + HOUR_MS;
    const start = end - TREND_HOURS * HOUR_MS;
    const buckets = Array.from(
      { length: TREND_HOURS },
      (_, i) => ({ start: start + i * HOUR_MS, entries: [] as ErrorEntry[] }),
    );
    for (const entry of journal.since(start)) {
      buckets[Math.floor((entry.at - start) / HOUR_MS)]?.entries.push(entry);
    }
    const hours = buckets.map((b) => {
      const { total, byClass } = counts(b.entries);
      return { hour: iso(b.start), total, byClass };
    });
    return c.json({ hours });
  });

  app.get("/circuit-breakers", (c) => {
    const breakers = deps.supervision.health().flatMap((actor) =>
      actor.breakers.map((breaker) => ({ actor: actor.name, ...breaker }))
    );
    return c.json({ breakers });
  });

  app.get("/recovery", (c) => {
    const recoveries = journal.recoveries().reverse().map((r) => ({
      ...r,
      startedAt: iso(r.startedAt),
      recoveredAt: iso(r.recoveredAt),
    }));
    return c.json({ recoveries });
  });

  return app;
}

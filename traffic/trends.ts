/**
 * Movements per hour over the last 24 h, each hour next to the same hour of the days before: the mean
 * and standard deviation of those days' counts, so "busier than usual" rests on counts. Only days the
 * collector saw count: an hour is observed when every quarter of it holds a stored snapshot, since an
 * hour it was down for would pass for a quiet one.
 */
import { z } from "zod";
import type { MovementKind } from "./phase.ts";

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
export const QUARTER_MS = HOUR_MS / 4;

const CountsSchema = { departures: z.number(), arrivals: z.number(), movements: z.number() };

export const TrendHourSchema = z.object({
  /** The hour is (from, to]: hours are counted back from the newest snapshot, not clock hours. */
  from: z.string(),
  to: z.string(),
  observed: z.boolean(),
  ...CountsSchema,
  /** The same hour on each of the days before that was observed: how many, and their movements. */
  usual: z.object({ days: z.number(), mean: z.number().nullable(), stdDev: z.number().nullable() }),
});
export type TrendHour = z.infer<typeof TrendHourSchema>;

/** Where the window of {@link hourlyTrends} starts: `days` days before the last 24 h. */
export function trendStart(nowMs: number, days: number): number {
  return nowMs - (days + 1) * DAY_MS;
}

/** The 0-based slot of `atMs` in slots of `slotMs` after `startMs`, each slot open at its start. */
export function slotOf(atMs: number, startMs: number, slotMs: number): number {
  return Math.ceil((atMs - startMs) / slotMs) - 1;
}

export interface TrendInput {
  nowMs: number;
  /** How many days before the last 24 h to compare with. */
  days: number;
  /** At the airport, within (trendStart, now]. */
  movements: readonly { kind: MovementKind; at: number }[];
  /** Slots of {@link QUARTER_MS} from trendStart that hold at least one snapshot. */
  observedQuarters: ReadonlySet<number>;
}

/** The 24 hours ending at `nowMs`, oldest first. */
export function hourlyTrends({ nowMs, days, movements, observedQuarters }: TrendInput): TrendHour[] {
  const start = trendStart(nowMs, days);
  const hours = (days + 1) * 24;
  const departures = new Array<number>(hours).fill(0);
  const arrivals = new Array<number>(hours).fill(0);
  for (const movement of movements) {
    const hour = slotOf(movement.at, start, HOUR_MS);
    if (hour < 0 || hour >= hours) continue;
    (movement.kind === "departure" ? departures : arrivals)[hour]++;
  }
  const observed = (hour: number) => [0, 1, 2, 3].every((q) => observedQuarters.has(hour * 4 + q));
  return Array.from({ length: 24 }, (_, i) => {
    const hour = days * 24 + i;
    const before: number[] = [];
    for (let day = 1; day <= days; day++) {
      const then = hour - day * 24;
      if (observed(then)) before.push(departures[then] + arrivals[then]);
    }
    return {
      from: new Date(start + hour * HOUR_MS).toISOString(),
      to: new Date(start + (hour + 1) * HOUR_MS).toISOString(),
      observed: observed(hour),
      departures: departures[hour],
      arrivals: arrivals[hour],
      movements: departures[hour] + arrivals[hour],
      usual: { days: before.length, ...meanAndDeviation(before) },
    };
  });
}

/** Mean (null without values) and sample standard deviation (null with fewer than two). */
export function meanAndDeviation(values: readonly number[]): { mean: number | null; stdDev: number | null } {
  if (values.length === 0) return { mean: null, stdDev: null };
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  if (values.length < 2) return { mean, stdDev: null };
  const squares = values.reduce((sum, v) => sum + (v - mean) ** 2, 0);
  return { mean, stdDev: Math.sqrt(squares / (values.length - 1)) };
}

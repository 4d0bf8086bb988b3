/**
 * What the traffic reads (db/traffic.ts) take and give: zod schemas shared by the store's `store.query`
 * messages, the routes (routes/traffic.ts) and `/openapi.json`.
 */
import { z } from "zod";
import { airportByIcao } from "../traffic/airports.ts";
import { PHASES } from "../traffic/phase.ts";
import { RegionSchema } from "../traffic/region.ts";
import { TrendHourSchema } from "../traffic/trends.ts";
import { AirportSchema, CallsignSchema, Instant, Page } from "./query_params.ts";

/** The longest window a movements, summary or coverage read covers; a longer one is cut at its start. */
export const MAX_WINDOW_DAYS = 31;

const KnownAirportSchema = AirportSchema.refine(
  (icao) => airportByIcao(icao) !== undefined,
  "unknown airport",
);
const Window = { from: Instant.optional(), to: Instant.optional() };
const inOrder = (w: { from?: string; to?: string }) =>
  w.from === undefined || w.to === undefined || Date.parse(w.from) <= Date.parse(w.to);
const ORDER = { message: "from must not be after to", path: ["from"] };

export const MovementFilterSchema = z.object({ airport: KnownAirportSchema, ...Window, ...Page })
  .refine(inOrder, ORDER);
export type MovementFilter = z.input<typeof MovementFilterSchema>;

export const SummaryFilterSchema = z.object({ region: RegionSchema, ...Window }).refine(inOrder, ORDER);
export type SummaryFilter = z.input<typeof SummaryFilterSchema>;

export const TrendsFilterSchema = z.object({
  airport: KnownAirportSchema,
  /** How many days before the last 24 h to compare with. */
  days: z.number().int().min(1).max(28).default(7),
});
export type TrendsFilter = z.input<typeof TrendsFilterSchema>;

export const ForecastFilterSchema = z.object({
  airport: KnownAirportSchema,
  minutes: z.number().int().min(1).max(360).default(60),
});
export type ForecastFilter = z.input<typeof ForecastFilterSchema>;

export const CoverageFilterSchema = z.object({ ...Window, callsign: CallsignSchema.optional(), ...Page })
  .refine(inOrder, ORDER);
export type CoverageFilter = z.input<typeof CoverageFilterSchema>;

const Phase = z.enum(PHASES);
/** The window a read covered: null ends when nothing was stored yet. */
const WindowAnswer = { from: z.string().nullable(), to: z.string().nullable() };

export const MovementSchema = z.object({
  kind: z.enum(["departure", "arrival"]),
  airport: z.string(),
  callsign: z.string(),
  cid: z.number(),
  aircraft: z.string().nullable(),
  /** The snapshot that first showed the aircraft off (or back on) the ground. */
  at: z.string(),
  /** The flight plan's other airport: the arrival of a departure, the departure of an arrival. */
  otherEnd: z.string().nullable(),
});
export type Movement = z.infer<typeof MovementSchema>;

export const MovementPageSchema = z.object({
  airport: z.string(),
  ...WindowAnswer,
  departures: z.number(),
  arrivals: z.number(),
  total: z.number(),
  limit: z.number(),
  offset: z.number(),
  /** Newest first. */
  movements: z.array(MovementSchema),
});
export type MovementPage = z.infer<typeof MovementPageSchema>;

const AirportCountsSchema = z.object({
  icao: z.string(),
  name: z.string(),
  departures: z.number(),
  arrivals: z.number(),
  movements: z.number(),
});

export const TrafficSummarySchema = z.object({
  region: RegionSchema,
  /** The snapshot `now` describes. */
  snapshot: z.string().nullable(),
  now: z.object({
    onGround: z.number(),
    airborne: z.number(),
    phases: z.record(Phase, z.number()),
  }),
  ...WindowAnswer,
  departures: z.number(),
  arrivals: z.number(),
  /** The ten airports of the region with the most movements in the window. */
  busiest: z.array(AirportCountsSchema),
});
export type TrafficSummary = z.infer<typeof TrafficSummarySchema>;

export const TrafficTrendsSchema = z.object({
  airport: z.string(),
  snapshot: z.string().nullable(),
  days: z.number(),
  /** Oldest first; empty before the first snapshot. */
  hours: z.array(TrendHourSchema),
});
export type TrafficTrends = z.infer<typeof TrafficTrendsSchema>;

export const ExpectedArrivalSchema = z.object({
  callsign: z.string(),
  cid: z.number(),
  departure: z.string().nullable(),
  aircraft: z.string().nullable(),
  phase: Phase,
  latitude: z.number(),
  longitude: z.number(),
  altitude: z.number(),
  groundspeed: z.number(),
  positionAt: z.string(),
  distanceNm: z.number(),
  eta: z.string(),
  /** From the snapshot to the ETA. */
  minutes: z.number(),
});

export const ArrivalForecastSchema = z.object({
  airport: z.string(),
  snapshot: z.string().nullable(),
  minutes: z.number(),
  /** How the ETA is computed, and what that means for its error. */
  method: z.string(),
  /** By ETA. */
  arrivals: z.array(ExpectedArrivalSchema),
});
export type ArrivalForecast = z.infer<typeof ArrivalForecastSchema>;

export const AtcCoverageSchema = z.object({
  ...WindowAnswer,
  total: z.number(),
  limit: z.number(),
  offset: z.number(),
  /** Online time per UTC day and position (callsign), by day then callsign. */
  positions: z.array(z.object({
    day: z.string(),
    callsign: z.string(),
    facility: z.number(),
    seconds: z.number(),
    sessions: z.number(),
  })),
  /** Online time per UTC day and facility, summed over its positions (not paged). */
  facilities: z.array(z.object({
    day: z.string(),
    facility: z.number(),
    seconds: z.number(),
    positions: z.number(),
  })),
});
export type AtcCoverage = z.infer<typeof AtcCoverageSchema>;

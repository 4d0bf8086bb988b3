/** The shapes of the values the reads accept (db/queries.ts, db/anomalies.ts), shared by the routes. */
import { z } from "zod";

/**
 * Whether PostgreSQL's timestamptz takes an ISO 8601 time: it refuses the year 0000 and offsets past
 * ±15:59, both of which ISO 8601 (and `z.iso.datetime`) allow. Such a value sent to a read failed it in
 * the database, and five in a row opened the store's breaker.
 */
export function postgresTakes(instant: string): boolean {
  const offsetHours = /[+-](\d{2}):\d{2}$/.exec(instant)?.[1];
  return !instant.startsWith("0000-") && (offsetHours === undefined || Number(offsetHours) <= 15);
}

/** What {@linkcode postgresTakes} refuses, said to a client. */
export const POSTGRES_RANGE = "must be from the year 0001 on, with an offset of at most ±15:59";

/** A UTC instant as the routes accept it (ISO 8601 with an offset, in PostgreSQL's range). */
export const Instant = z.iso.datetime({ offset: true }).refine(postgresTakes, POSTGRES_RANGE);
export const CALLSIGN_PATTERN = /^[A-Z0-9_-]{1,16}$/;
export const AIRPORT_PATTERN = /^[A-Z0-9]{2,4}$/;
export const AIRCRAFT_PATTERN = /^[A-Z0-9]{1,4}$/;
/** An upper-case callsign or a prefix of one. */
export const CallsignSchema = z.string().regex(CALLSIGN_PATTERN);
/** An ICAO airport designator. */
export const AirportSchema = z.string().regex(AIRPORT_PATTERN);
/** An ICAO aircraft type designator (the feed's `aircraft_short`). */
export const AircraftTypeSchema = z.string().regex(AIRCRAFT_PATTERN);

/** [west, south, east, north] in degrees; west > east crosses the antimeridian. */
export const BoxSchema = z.tuple([
  z.number().min(-180).max(180),
  z.number().min(-90).max(90),
  z.number().min(-180).max(180),
  z.number().min(-90).max(90),
]).refine(([, south, , north]) => south <= north, "south must not be above north");
export type Box = z.output<typeof BoxSchema>;

/** Most rows one page may hold; also the most sessions and points a track returns. */
export const MAX_PAGE = 5_000;

/** Paging of every list read: at most MAX_PAGE rows, 1,000 unless asked. */
export const Page = {
  limit: z.number().int().min(1).max(MAX_PAGE).default(1_000),
  offset: z.number().int().min(0).max(1_000_000).default(0),
};

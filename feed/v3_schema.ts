// Zod schemas for the records of the VATSIM v3 data feed (`vatsim-data.json`), one per section.
// They accept every layout seen from 2021 to 2025, keep the feed's snake_case names, and normalise values.

import { z } from "zod";
import { normaliseFeedTimestamp } from "./timestamp.ts";

/** A feed timestamp, normalised by {@link normaliseFeedTimestamp}; an invalid one is a validation error. */
export const feedTimestamp = z.string().transform((value, ctx) => {
  const normalised = normaliseFeedTimestamp(value);
  if (normalised !== null) return normalised;
  // Cut so that a junk megabyte-long value cannot bloat the rejection reason.
  const shown = JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  ctx.issues.push({ code: "custom", message: `invalid timestamp ${shown}`, input: value });
  return z.NEVER;
});

/** The form every timestamp takes once normalised: ISO, UTC, 6 fractional digits. */
export const NORMAL_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
/** A timestamp already normalised, as it travels between the actors. */
export const normalTimestamp = z.string().regex(NORMAL_TIMESTAMP);

/**
 * Text PostgreSQL can hold: no U+0000 and no lone surrogate (JSON allows both; a `text` column refuses
 * them, and the write of the whole snapshot would fail). Such a record is quarantined alone instead.
 */
const storable = z.string().refine((value) => !value.includes("\u0000") && value.isWellFormed(), {
  message: "holds U+0000 or a lone surrogate",
});

/** A callsign, trimmed and upper-cased so that sessions match whatever case the client logged on with. */
export const callsign = storable.trim().toUpperCase();

const text = storable.trim();
/** The range of PostgreSQL's `integer`, where ids, ratings and the rounded measures are stored. */
const INT4 = { min: -2_147_483_648, max: 2_147_483_647 };
const int4 = z.number().int().min(INT4.min).max(INT4.max);
/** A measure stored rounded in an `integer` column (altitude, speed, heading, visual range). */
const measure = z.number().min(INT4.min).max(INT4.max);
const cid = int4.positive();
const ratingId = int4;

// A field the feed only started sending later: absent in older snapshots, null in the output.
function addedLater<T extends z.ZodType>(schema: T) {
  return schema.nullable().default(null);
}

/** The `general` header: feed version, update time and client counts. */
export const generalSchema = z.object({
  version: z.number().int(),
  reload: z.number(),
  update: text,
  update_timestamp: feedTimestamp,
  connected_clients: z.number().int().nonnegative(),
  unique_users: z.number().int().nonnegative(),
});

/** A flight plan, as filed by a connected pilot or a prefile. */
export const flightPlanSchema = z.object({
  flight_rules: text,
  aircraft: text,
  aircraft_faa: text,
  aircraft_short: text,
  departure: text,
  arrival: text,
  alternate: text,
  cruise_tas: text,
  altitude: text,
  deptime: text,
  enroute_time: text,
  fuel_time: text,
  remarks: text,
  route: text,
  revision_id: int4,
  /** Sent from 2023 on (present in the 2023 and 2025 snapshots, absent from the 2021 ones). */
  assigned_transponder: addedLater(text),
});

/** A connected pilot; `flight_plan` is null until the pilot files one. */
export const pilotSchema = z.object({
  cid,
  name: text,
  callsign,
  server: text,
  pilot_rating: ratingId,
  /** Sent from 2024 on. */
  military_rating: addedLater(ratingId),
  latitude: z.number(),
  longitude: z.number(),
  altitude: measure,
  groundspeed: measure,
  // A string, not a number: codes such as "0200" keep their leading zero.
  transponder: text,
  heading: measure,
  qnh_i_hg: z.number(),
  qnh_mb: z.number(),
  flight_plan: flightPlanSchema.nullable(),
  logon_time: feedTimestamp,
  last_updated: feedTimestamp,
});

/** A connected controller (observers included); `text_atis` holds the controller info lines. */
export const controllerSchema = z.object({
  cid,
  name: text,
  callsign,
  frequency: text,
  facility: ratingId,
  rating: ratingId,
  server: text,
  visual_range: measure,
  text_atis: z.array(text).nullable(),
  last_updated: feedTimestamp,
  logon_time: feedTimestamp,
});

/** An ATIS station: a controller record plus the current information letter (null or "" when none). */
export const atisSchema = controllerSchema.extend({
  atis_code: text.nullable(),
});

/** An FSD server that clients connect to. */
export const serverSchema = z.object({
  ident: text,
  hostname_or_ip: text,
  location: text,
  name: text,
  clients_connection_allowed: z.number().int(),
  /** Sent from 2023 on. */
  client_connections_allowed: addedLater(z.boolean()),
  /** Sent from 2023 on. */
  is_sweatbox: addedLater(z.boolean()),
});

/** A flight plan filed by a member who is not connected yet. From about 2023 `name` holds the CID. */
export const prefileSchema = z.object({
  cid,
  name: text,
  callsign,
  flight_plan: flightPlanSchema,
  last_updated: feedTimestamp,
});

/** An entry of the `facilities` reference list (facility type of a controller position). */
export const facilitySchema = z.object({ id: z.number().int(), short: text, long: text });

/** An entry of the `ratings` reference list (controller rating); same shape as a facility. */
export const ratingSchema = facilitySchema;

/** An entry of the `pilot_ratings` reference list. */
export const pilotRatingSchema = z.object({ id: z.number().int(), short_name: text, long_name: text });

/** An entry of the `military_ratings` reference list (sent from 2024 on); same shape as a pilot rating. */
export const militaryRatingSchema = pilotRatingSchema;

/** The feed's `general` header, normalised. */
export type General = z.output<typeof generalSchema>;
/** A flight plan, normalised. */
export type FlightPlan = z.output<typeof flightPlanSchema>;
/** A connected pilot, normalised. */
export type Pilot = z.output<typeof pilotSchema>;
/** A connected controller, normalised. */
export type Controller = z.output<typeof controllerSchema>;
/** An ATIS station, normalised. */
export type Atis = z.output<typeof atisSchema>;
/** An FSD server, normalised. */
export type Server = z.output<typeof serverSchema>;
/** A prefiled flight plan, normalised. */
export type Prefile = z.output<typeof prefileSchema>;
/** A `facilities` entry. */
export type Facility = z.output<typeof facilitySchema>;
/** A `ratings` entry. */
export type Rating = z.output<typeof ratingSchema>;
/** A `pilot_ratings` entry. */
export type PilotRating = z.output<typeof pilotRatingSchema>;
/** A `military_ratings` entry. */
export type MilitaryRating = z.output<typeof militaryRatingSchema>;

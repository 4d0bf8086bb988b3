// A fast path for the big sections of the feed (pilots, controllers, ATIS, prefiles): a record that is
// plainly well-formed is checked and normalised here by hand, about ten times faster than by its zod
// schema; anything else returns null and goes through the schema, which stays the definition of what is
// valid and says why a record is not. For every record it accepts, a fast reader gives exactly what the
// schema gives (fast_records_test.ts checks this on the recorded snapshots and on fuzzed records).

import { normaliseFeedTimestamp } from "./timestamp.ts";
import type { Atis, Controller, FlightPlan, Pilot, Prefile } from "./v3_schema.ts";

type Json = Record<string, unknown>;

const INT4_MIN = -2_147_483_648;
const INT4_MAX = 2_147_483_647;

/** Thrown inside a reader to give the record to the schema; never escapes this module. */
const SLOW = Symbol("slow path");

function record(value: unknown): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw SLOW;
  return value as Json;
}

/** The schema's `text`: a string PostgreSQL can hold (no U+0000, no lone surrogate), trimmed. */
function text(value: unknown): string {
  if (typeof value !== "string" || value.includes("\u0000") || !value.isWellFormed()) throw SLOW;
  return value.trim();
}

function nullableText(value: unknown): string | null {
  return value === null ? null : text(value);
}

function number(value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value)) throw SLOW;
  return value;
}

/** An `integer` column's range; with `positive`, above zero (a cid). */
function int4(value: unknown, positive = false): number {
  if (!Number.isInteger(value)) throw SLOW;
  const n = value as number;
  if (n < (positive ? 1 : INT4_MIN) || n > INT4_MAX) throw SLOW;
  return n;
}

/** A measure stored rounded in an `integer` column. */
function measure(value: unknown): number {
  const n = number(value);
  if (n < INT4_MIN || n > INT4_MAX) throw SLOW;
  return n;
}

function timestamp(value: unknown): string {
  if (typeof value !== "string") throw SLOW;
  return normaliseFeedTimestamp(value) ?? (() => {
    throw SLOW;
  })();
}

/** A field the feed only started sending later: absent or null is null. */
function later<T>(value: unknown, read: (v: unknown) => T): T | null {
  return value === undefined || value === null ? null : read(value);
}

function flightPlan(value: unknown): FlightPlan {
  const p = record(value);
  return {
    flight_rules: text(p.flight_rules),
    aircraft: text(p.aircraft),
    aircraft_faa: text(p.aircraft_faa),
    aircraft_short: text(p.aircraft_short),
    departure: text(p.departure),
    arrival: text(p.arrival),
    alternate: text(p.alternate),
    cruise_tas: text(p.cruise_tas),
    altitude: text(p.altitude),
    deptime: text(p.deptime),
    enroute_time: text(p.enroute_time),
    fuel_time: text(p.fuel_time),
    remarks: text(p.remarks),
    route: text(p.route),
    revision_id: int4(p.revision_id),
    assigned_transponder: later(p.assigned_transponder, text),
  };
}

function callsign(value: unknown): string {
  return text(value).toUpperCase();
}

function pilot(value: unknown): Pilot {
  const p = record(value);
  return {
    cid: int4(p.cid, true),
    name: text(p.name),
    callsign: callsign(p.callsign),
    server: text(p.server),
    pilot_rating: int4(p.pilot_rating),
    military_rating: later(p.military_rating, int4),
    latitude: number(p.latitude),
    longitude: number(p.longitude),
    altitude: measure(p.altitude),
    groundspeed: measure(p.groundspeed),
    transponder: text(p.transponder),
    heading: measure(p.heading),
    qnh_i_hg: number(p.qnh_i_hg),
    qnh_mb: number(p.qnh_mb),
    flight_plan: p.flight_plan === null ? null : flightPlan(p.flight_plan),
    logon_time: timestamp(p.logon_time),
    last_updated: timestamp(p.last_updated),
  };
}

function controller(value: unknown): Controller {
  const c = record(value);
  const lines = c.text_atis;
  if (lines !== null && !Array.isArray(lines)) throw SLOW;
  return {
    cid: int4(c.cid, true),
    name: text(c.name),
    callsign: callsign(c.callsign),
    frequency: text(c.frequency),
    facility: int4(c.facility),
    rating: int4(c.rating),
    server: text(c.server),
    visual_range: measure(c.visual_range),
    text_atis: lines === null ? null : lines.map(text),
    last_updated: timestamp(c.last_updated),
    logon_time: timestamp(c.logon_time),
  };
}

function atis(value: unknown): Atis {
  return { ...controller(value), atis_code: nullableText(record(value).atis_code) };
}

function prefile(value: unknown): Prefile {
  const p = record(value);
  return {
    cid: int4(p.cid, true),
    name: text(p.name),
    callsign: callsign(p.callsign),
    flight_plan: flightPlan(p.flight_plan),
    last_updated: timestamp(p.last_updated),
  };
}

/** Wraps a reader so that anything it does not take plainly is null (for the schema to judge). */
function orNull<T>(read: (value: unknown) => T): (value: unknown) => T | null {
  return (value) => {
    try {
      return read(value);
    } catch (error) {
      if (error === SLOW) return null;
      throw error;
    }
  };
}

/** Readers for the sections where the speed matters: null means "ask the schema". */
export const fastReaders = {
  pilots: orNull(pilot),
  controllers: orNull(controller),
  atis: orNull(atis),
  prefiles: orNull(prefile),
};

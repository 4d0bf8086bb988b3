// Turns one raw v3 feed body into validated records. A bad record is rejected alone (guarantee G3);
// only a body that is not a v3 snapshot at all is rejected whole. Never throws.

import type { z } from "zod";
import * as v3 from "./v3_schema.ts";
import { fastReaders } from "./fast_records.ts";

/** A feed section whose entries are validated one by one. */
export type FeedSection =
  | "pilots"
  | "controllers"
  | "atis"
  | "servers"
  | "prefiles"
  | "facilities"
  | "ratings"
  | "pilot_ratings"
  | "military_ratings";

/** A record that failed validation and was left out of the snapshot. */
export interface RejectedRecord {
  section: FeedSection;
  /** Position in the feed's own array. */
  index: number;
  callsign: string | null;
  /** Zod issues as `section[index].path: message`, joined by "; ". */
  reason: string;
  /** The record as JSON, cut to {@link RAW_CAP_BYTES} UTF-8 bytes (then no longer valid JSON). */
  raw: string;
}

/** A pilot kept in the snapshot whose well-typed values are physically implausible. */
export interface FlaggedRecord {
  section: "pilots";
  index: number;
  callsign: string;
  /** e.g. "qnh_mb_negative", "groundspeed_over_1000kt", "altitude_below_-1500ft". */
  flags: string[];
}

/** The validated content of one v3 snapshot; reference lists absent from older feeds are empty. */
export interface FeedSnapshot {
  general: v3.General;
  pilots: v3.Pilot[];
  controllers: v3.Controller[];
  atis: v3.Atis[];
  servers: v3.Server[];
  prefiles: v3.Prefile[];
  facilities: v3.Facility[];
  ratings: v3.Rating[];
  pilot_ratings: v3.PilotRating[];
  military_ratings: v3.MilitaryRating[];
}

/** The outcome of {@link parseSnapshot}. */
export type SnapshotParse =
  | { ok: true; snapshot: FeedSnapshot; rejected: RejectedRecord[]; flagged: FlaggedRecord[] }
  | { ok: false; reason: string };

/** Cap on {@link RejectedRecord.raw}, so one huge junk record cannot blow the quarantine. */
export const RAW_CAP_BYTES = 16 * 1024;

const MAX_ISSUES_IN_REASON = 3;

const PLAUSIBILITY_RULES: ReadonlyArray<{ flag: string; implausible: (p: v3.Pilot) => boolean }> = [
  { flag: "qnh_mb_negative", implausible: (p) => p.qnh_mb < 0 },
  { flag: "groundspeed_over_1000kt", implausible: (p) => p.groundspeed > 1000 },
  // The Dead Sea shore is about -1,400 ft; anything lower is a broken client.
  { flag: "altitude_below_-1500ft", implausible: (p) => p.altitude < -1500 },
  { flag: "latitude_out_of_range", implausible: (p) => p.latitude < -90 || p.latitude > 90 },
  { flag: "longitude_out_of_range", implausible: (p) => p.longitude < -180 || p.longitude > 180 },
];

const utf8 = new TextDecoder("utf-8", { fatal: true });
const lenientUtf8 = new TextDecoder("utf-8");
const rawEncoder = new TextEncoder();

/**
 * Parses and validates a raw v3 feed body (`vatsim-data.json`). Each record is validated alone: a bad
 * one is listed in `rejected` and the rest of the snapshot is kept. Returns `ok: false` with a reason
 * when the body is not UTF-8 JSON, not a v3 snapshot, has an invalid `general`, or a section that is not
 * an array. Never throws.
 *
 * @example
 * ```ts
 * const result = parseSnapshot(await Deno.readFile("vatsim-data.json"));
 * if (result.ok) console.log(summariseSnapshot(result.snapshot));
 * ```
 */
export function parseSnapshot(bytes: Uint8Array): SnapshotParse {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { ok: false, reason: "body is not valid UTF-8" };
  }
  let top: unknown;
  try {
    top = JSON.parse(text);
  } catch (e) {
    return { ok: false, reason: `body is not valid JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (!isObject(top)) {
    return { ok: false, reason: `not a v3 snapshot: the top level is ${jsonKind(top)}, not an object` };
  }
  if (top.general === undefined) return { ok: false, reason: "not a v3 snapshot: `general` is missing" };
  const general = v3.generalSchema.safeParse(top.general);
  if (!general.success) {
    return { ok: false, reason: `invalid general: ${describeIssues("general", general.error)}` };
  }

  const sections = {
    pilots: top.pilots,
    controllers: top.controllers,
    atis: top.atis,
    servers: top.servers,
    prefiles: top.prefiles,
    // Reference lists may be missing (military_ratings only exists from 2024); if present, arrays.
    facilities: top.facilities === undefined ? [] : top.facilities,
    ratings: top.ratings === undefined ? [] : top.ratings,
    pilot_ratings: top.pilot_ratings === undefined ? [] : top.pilot_ratings,
    military_ratings: top.military_ratings === undefined ? [] : top.military_ratings,
  };
  for (const [name, value] of Object.entries(sections)) {
    if (!Array.isArray(value)) {
      const problem = value === undefined ? "is missing" : `is ${jsonKind(value)}, not an array`;
      return { ok: false, reason: `section \`${name}\` ${problem}` };
    }
  }

  const rejected: RejectedRecord[] = [];
  const flagged: FlaggedRecord[] = [];
  const flagImplausible = (pilot: v3.Pilot, index: number) => {
    const flags = PLAUSIBILITY_RULES.filter((rule) => rule.implausible(pilot)).map((rule) => rule.flag);
    if (flags.length > 0) flagged.push({ section: "pilots", index, callsign: pilot.callsign, flags });
  };
  const parse = <T>(section: FeedSection, schema: z.ZodType<T>, onValid?: (r: T, i: number) => void) =>
    parseSection(section, sections[section], schema, rejected, onValid);
  const fast = <T>(
    section: keyof typeof fastReaders,
    schema: z.ZodType<T>,
    onValid?: (r: T, i: number) => void,
  ) => parseSection(section, sections[section], schema, rejected, onValid, fastReaders[section] as Reader<T>);
  const snapshot: FeedSnapshot = {
    general: general.data,
    pilots: fast("pilots", v3.pilotSchema, flagImplausible),
    controllers: fast("controllers", v3.controllerSchema),
    atis: fast("atis", v3.atisSchema),
    servers: parse("servers", v3.serverSchema),
    prefiles: fast("prefiles", v3.prefileSchema),
    facilities: parse("facilities", v3.facilitySchema),
    ratings: parse("ratings", v3.ratingSchema),
    pilot_ratings: parse("pilot_ratings", v3.pilotRatingSchema),
    military_ratings: parse("military_ratings", v3.militaryRatingSchema),
  };
  return { ok: true, snapshot, rejected, flagged };
}

/** Counts of one snapshot, for logs, metrics and the `snapshots` row. */
export interface SnapshotSummary {
  updateTimestamp: string;
  pilots: number;
  controllers: number;
  atis: number;
  prefiles: number;
  servers: number;
  /** As the feed's `general` states them, not counted from the records. */
  connectedClients: number;
  uniqueUsers: number;
}

/** Summarises a parsed snapshot: its key and its counts. */
export function summariseSnapshot(s: FeedSnapshot): SnapshotSummary {
  return {
    updateTimestamp: s.general.update_timestamp,
    pilots: s.pilots.length,
    controllers: s.controllers.length,
    atis: s.atis.length,
    prefiles: s.prefiles.length,
    servers: s.servers.length,
    connectedClients: s.general.connected_clients,
    uniqueUsers: s.general.unique_users,
  };
}

/** Reads a plainly valid record faster than its schema, or gives null for the schema to judge it. */
type Reader<T> = (value: unknown) => T | null;

function parseSection<T>(
  section: FeedSection,
  items: unknown,
  schema: z.ZodType<T>,
  rejected: RejectedRecord[],
  onValid?: (record: T, index: number) => void,
  fast?: Reader<T>,
): T[] {
  const valid: T[] = [];
  if (!Array.isArray(items)) return valid;
  for (let index = 0; index < items.length; index++) {
    const quick = fast?.(items[index]) ?? null;
    if (quick !== null) {
      valid.push(quick);
      onValid?.(quick, index);
      continue;
    }
    const result = schema.safeParse(items[index]);
    if (result.success) {
      valid.push(result.data);
      onValid?.(result.data, index);
    } else {
      const record: unknown = items[index];
      rejected.push({
        section,
        index,
        callsign: callsignOf(record),
        reason: describeIssues(`${section}[${index}]`, result.error),
        raw: capRaw(record),
      });
    }
  }
  return valid;
}

function describeIssues(prefix: string, error: z.ZodError): string {
  const described = error.issues.slice(0, MAX_ISSUES_IN_REASON).map((issue) => {
    const path = issue.path.map((key) => typeof key === "number" ? `[${key}]` : `.${String(key)}`).join("");
    const message = issue.message.replace(/^Invalid input: /, "").replace(
      /^expected (.+), received undefined$/,
      "missing (expected $1)",
    );
    return `${prefix}${path}: ${message}`;
  });
  const more = error.issues.length - described.length;
  return described.join("; ") + (more > 0 ? ` (+${more} more)` : "");
}

function callsignOf(record: unknown): string | null {
  if (!isObject(record) || typeof record.callsign !== "string") return null;
  return record.callsign.trim().toUpperCase();
}

function capRaw(record: unknown): string {
  let json: string;
  try {
    json = JSON.stringify(record);
  } catch (e) {
    // Defensive: JSON.parse output has no cycles or BigInts, but a RangeError must still not escape.
    return `<not serialisable: ${e instanceof Error ? e.message : String(e)}>`;
  }
  if (json.length * 3 <= RAW_CAP_BYTES) return json;
  // encodeInto writes whole characters only, so the cut never splits a UTF-8 sequence.
  const buffer = new Uint8Array(RAW_CAP_BYTES);
  const { read, written } = rawEncoder.encodeInto(json, buffer);
  return read === json.length ? json : lenientUtf8.decode(buffer.subarray(0, written));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function jsonKind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/**
 * Writes what diffing one snapshot produced (feed/diff.ts) to the network tables of
 * `0002_network.sql`: one bulk statement per kind of change (`unnest` arrays), each idempotent on a
 * natural key, so a redelivered snapshot or a processor restarted with an empty diff state writes
 * nothing twice (G2). Runs on the caller's transaction, beside the `snapshots` row.
 */
import { z } from "zod";
import { controllerKeySchema, type FeedEvent, feedEventSchema } from "../feed/diff_events.ts";
import { DEFAULT_GRACE_MS, POSITION_THRESHOLDS, type PositionRow, type SnapshotDiff } from "../feed/diff.ts";
import { feedTimestamp, NORMAL_TIMESTAMP } from "../feed/v3_schema.ts";
import { withArrayLiterals } from "./array_literal.ts";
import type { Queryable } from "./database.ts";
import { eventKey, eventPayload, eventSubject, type SessionKey } from "./event_keys.ts";
import * as sql from "./network_sql.ts";

export { eventKey, eventPayload, eventSubject } from "./event_keys.ts";

/** Rows per kind that one snapshot may carry on the bus (G4); a 10,000-pilot first snapshot fits. */
export const MAX_CHANGE_ROWS = 20_000;

/**
 * A column of at most MAX_CHANGE_ROWS values, each checked by `is` in a plain loop. The store checks
 * every snapshot's ten sighting columns on arrival; z.array(item) spent ~1.5 ms of zod's per-element
 * machinery on a 1,925-row snapshot, this a few hundredths. The first bad value is named by its index.
 */
function column<T>(what: string, is: (value: unknown) => value is T) {
  return z.custom<T[]>().superRefine((value, ctx) => {
    if (!Array.isArray(value)) {
      ctx.addIssue({ code: "custom", message: "expected a list" });
    } else if (value.length > MAX_CHANGE_ROWS) {
      ctx.addIssue({ code: "custom", message: `more than ${MAX_CHANGE_ROWS} rows` });
    } else {
      const bad = value.findIndex((item) => !is(item));
      if (bad >= 0) ctx.addIssue({ code: "custom", message: `expected ${what}`, path: [bad] });
    }
  });
}

const isNumberOrNull = (v: unknown): v is number | null => v === null || Number.isFinite(v);
const isStringOrNull = (v: unknown): v is string | null => v === null || typeof v === "string";

/**
 * Every flight session of a snapshot once, as columns (row i across them): its key, the position the
 * diff kept for it (nulls when it kept none), and whether the diff saw the session for the first time.
 * Plain columns rather than 2,000 objects are what make the store's message cheap to move between
 * workers and to check: one 1,925-pilot snapshot went from ~10 ms of cloning and checking to ~2.
 */
export const sightingsSchema = z.object({
  cid: column("a positive integer", (v): v is number => Number.isInteger(v) && (v as number) > 0),
  callsign: column("a string", (v): v is string => typeof v === "string"),
  logon_time: column(
    "a timestamp (YYYY-MM-DDTHH:MM:SS.ffffffZ)",
    (v): v is string => typeof v === "string" && NORMAL_TIMESTAMP.test(v),
  ),
  latitude: column("a finite number or null", isNumberOrNull),
  longitude: column("a finite number or null", isNumberOrNull),
  altitude: column("a finite number or null", isNumberOrNull),
  groundspeed: column("a finite number or null", isNumberOrNull),
  heading: column("a finite number or null", isNumberOrNull),
  transponder: column("a string or null", isStringOrNull),
  first_sighting: column("a boolean", (v): v is boolean => typeof v === "boolean"),
}).refine(
  (s) => Object.values(s).every((column) => column.length === s.cid.length),
  "the sighting columns differ in length",
);

/** The input of {@link writeSnapshotChanges}'s sightings. */
export type Sightings = z.output<typeof sightingsSchema>;

/** What the store writes for one snapshot besides its `snapshots` row. */
export const snapshotChangesSchema = z.object({
  /** The snapshot's `update_timestamp`: the time of every change in it. */
  at: feedTimestamp,
  events: z.array(feedEventSchema).max(MAX_CHANGE_ROWS),
  /** How long a session may be missing before it ends (the diff's grace period). */
  graceMs: z.number().int().nonnegative(),
  /** The flight sessions in the snapshot: they are the present ones (migration 0006), kept positions are written. */
  flights: sightingsSchema,
  /** Controller sessions carried over and still connected: their `last_seen` moves to `at`. */
  continuedControllers: z.array(controllerKeySchema).max(MAX_CHANGE_ROWS),
});

/** The input of {@link writeSnapshotChanges}. */
export type SnapshotChanges = z.output<typeof snapshotChangesSchema>;

/** The part of a diff the store needs; `graceMs` is the one the diff ran with. */
export function snapshotChangesOf(diff: SnapshotDiff, graceMs: number = DEFAULT_GRACE_MS): SnapshotChanges {
  return {
    at: diff.state.updateTimestamp,
    graceMs,
    events: diff.events,
    flights: sightingsOf(diff),
    continuedControllers: diff.sessions.controllers.continued,
  };
}

/** No flight sessions: what a snapshot that is not newer than the diff state changes. */
export function noSightings(): Sightings {
  return {
    cid: [],
    callsign: [],
    logon_time: [],
    latitude: [],
    longitude: [],
    altitude: [],
    groundspeed: [],
    heading: [],
    transponder: [],
    first_sighting: [],
  };
}

/**
 * The sessions carried over (with a position where one moved), then the new ones with their first. The
 * diff keeps a position row for every new session and for each carried-over one that moved, so the rows
 * no carried-over session claims are the new sessions'. Rows are found by cid, a number, rather than by
 * a key string built per session (~2 ms a peak snapshot); callsign and logon_time tell apart the rare
 * cid with two sessions in one snapshot.
 */
function sightingsOf(diff: SnapshotDiff): Sightings {
  const byCid = new Map<number, PositionRow[]>();
  for (const row of diff.positions) {
    const rows = byCid.get(row.cid);
    if (rows === undefined) byCid.set(row.cid, [row]);
    else rows.push(row);
  }
  const claimed = new Set<PositionRow>();
  const columns = noSightings();
  const add = (key: SessionKey, position: PositionRow | undefined, first: boolean) => {
    columns.cid.push(key.cid);
    columns.callsign.push(key.callsign);
    columns.logon_time.push(key.logon_time as string);
    columns.latitude.push(position?.latitude ?? null);
    columns.longitude.push(position?.longitude ?? null);
    columns.altitude.push(position?.altitude ?? null);
    columns.groundspeed.push(position?.groundspeed ?? null);
    columns.heading.push(position?.heading ?? null);
    columns.transponder.push(position?.transponder ?? null);
    columns.first_sighting.push(first);
  };
  for (const key of diff.sessions.flights.continued) {
    const position = byCid.get(key.cid)?.find((row) =>
      row.callsign === key.callsign && row.logon_time === key.logon_time
    );
    if (position !== undefined) claimed.add(position);
    add(key, position, false);
  }
  for (const row of diff.positions) if (!claimed.has(row)) add(row, row, true);
  return columns;
}

type Of<T extends FeedEvent["type"]> = Extract<FeedEvent, { type: T }>;

/** The events of one snapshot sorted by type. */
function byType(events: readonly FeedEvent[]) {
  const of = <T extends FeedEvent["type"]>(type: T) => events.filter((e): e is Of<T> => e.type === type);
  return {
    created: of("FLIGHT_CREATED"),
    updated: of("FLIGHT_UPDATED"),
    completed: of("FLIGHT_COMPLETED"),
    cancelled: of("FLIGHT_CANCELLED"),
    revised: of("FLIGHT_PLAN_REVISED"),
    logon: of("CONTROLLER_LOGON"),
    logoff: of("CONTROLLER_LOGOFF"),
    frequency: of("FREQUENCY_CHANGE"),
    atis: of("ATIS_CHANGED"),
  };
}

/** Row counts affected per table; zero everywhere for a snapshot already written. */
export interface WriteCounts {
  flights: number;
  flightPlans: number;
  positions: number;
  controllerSessions: number;
  atis: number;
  frequencyChanges: number;
  events: number;
}

/**
 * Writes one snapshot's changes with bulk statements on `tx` (the snapshot's transaction), then ends
 * the sessions stored as active but missing for longer than the grace period. Returns the rows the
 * changes inserted per table (updates of existing rows, and the sweep's, are not counted).
 */
export async function writeSnapshotChanges(db: Queryable, changes: SnapshotChanges): Promise<WriteCounts> {
  const tx = withArrayLiterals(db);
  const { at } = changes;
  const e = byType(changes.events);
  const keys = (rows: readonly SessionKey[]) => [
    rows.map((r) => r.cid),
    rows.map((r) => r.callsign),
    rows.map((r) => r.logon_time),
  ];
  // Inserts return one row per row inserted; upserts say whether each row was new (`inserted`).
  const run = async (text: string, rows: readonly unknown[], params: () => unknown[]): Promise<number> =>
    rows.length === 0
      ? 0
      : (await tx.query<{ inserted?: boolean }>(text, params())).filter((r) => r.inserted !== false).length;

  const counts: WriteCounts = {
    flights: 0,
    flightPlans: 0,
    positions: 0,
    controllerSessions: 0,
    atis: 0,
    frequencyChanges: 0,
    events: 0,
  };

  // Flights: new sessions (or re-created ones), then what happened to the known ones.
  counts.flights = await run(sql.UPSERT_FLIGHTS, e.created, () => [
    ...keys(e.created.map((c) => c.session)),
    e.created.map((c) => c.attributes.name),
    e.created.map((c) => c.attributes.server),
    e.created.map((c) => c.attributes.pilot_rating),
    e.created.map((c) => c.attributes.military_rating),
    e.created.map((c) => c.plan?.revision_id ?? null),
    e.created.map((c) => c.plan?.flight_rules ?? null),
    e.created.map((c) => c.plan?.departure ?? null),
    e.created.map((c) => c.plan?.arrival ?? null),
    e.created.map((c) => c.plan?.aircraft_short ?? null),
    at,
  ]);
  await run(sql.FLIGHTS_UPDATED, e.updated, () => [
    ...keys(e.updated.map((u) => u.session)),
    e.updated.map((u) => u.attributes.name),
    e.updated.map((u) => u.attributes.server),
    e.updated.map((u) => u.attributes.pilot_rating),
    e.updated.map((u) => u.attributes.military_rating),
    at,
  ]);
  const sessionRevisions = e.revised.filter((r) => r.session.logon_time !== null);
  await run(sql.FLIGHTS_REVISED, sessionRevisions, () => [
    ...keys(sessionRevisions.map((r) => r.session)),
    sessionRevisions.map((r) => r.plan?.revision_id ?? null),
    sessionRevisions.map((r) => r.plan?.flight_rules ?? null),
    sessionRevisions.map((r) => r.plan?.departure ?? null),
    sessionRevisions.map((r) => r.plan?.arrival ?? null),
    sessionRevisions.map((r) => r.plan?.aircraft_short ?? null),
    at,
  ]);
  await run(sql.FLIGHTS_COMPLETED, e.completed, () => [
    ...keys(e.completed.map((c) => c.session)),
    e.completed.map((c) => c.lastSeen),
    at,
  ]);

  // Plan versions: those that came with a new session, and revisions of sessions and prefiles.
  const plans = [
    ...e.created.flatMap((c) => c.plan === null ? [] : [{ key: c.session as SessionKey, plan: c.plan }]),
    ...e.revised.flatMap((r) => r.plan === null ? [] : [{ key: r.session as SessionKey, plan: r.plan }]),
  ];
  counts.flightPlans = await run(sql.INSERT_FLIGHT_PLANS, plans, () => [
    ...keys(plans.map((p) => p.key)),
    plans.map((p) => p.plan.revision_id),
    plans.map((p) => p.plan.flight_rules),
    plans.map((p) => p.plan.departure),
    plans.map((p) => p.plan.arrival),
    plans.map((p) => p.plan.aircraft_short),
    plans.map((p) => JSON.stringify(p.plan)),
    at,
  ]);
  await run(sql.PLANS_CANCELLED, e.cancelled, () => [
    e.cancelled.map((c) => c.prefile.cid),
    e.cancelled.map((c) => c.prefile.callsign),
    e.cancelled.map((c) => c.revision_id),
    at,
  ]);

  // Every session of the snapshot once: present now, and its kept position if it has one.
  const { flights } = changes;
  const [seen] = flights.cid.length === 0 ? [] : await tx.query<{ written: number }>(sql.FLIGHTS_SEEN, [
    flights.cid,
    flights.callsign,
    flights.logon_time,
    flights.latitude,
    flights.longitude,
    flights.altitude,
    flights.groundspeed,
    flights.heading,
    flights.transponder,
    flights.first_sighting.map((first) => first ? "t" : "f"),
    at,
    POSITION_THRESHOLDS.movedMetres,
    POSITION_THRESHOLDS.climbedFeet,
    POSITION_THRESHOLDS.groundspeedKnots,
  ]);
  counts.positions = seen?.written ?? 0;

  // Controllers and ATIS stations.
  counts.controllerSessions = await run(sql.UPSERT_CONTROLLERS, e.logon, () => [
    ...keys(e.logon.map((l) => l.session)),
    e.logon.map((l) => l.station),
    e.logon.map((l) => l.name),
    e.logon.map((l) => l.frequency),
    e.logon.map((l) => l.facility),
    e.logon.map((l) => l.rating),
    e.logon.map((l) => l.server),
    e.logon.map((l) => l.visual_range),
    at,
  ]);
  await run(sql.CONTROLLERS_SEEN, changes.continuedControllers, () => [
    ...keys(changes.continuedControllers),
    at,
  ]);
  counts.frequencyChanges = await run(sql.INSERT_FREQUENCY_CHANGES, e.frequency, () => [
    ...keys(e.frequency.map((f) => f.session)),
    e.frequency.map((f) => f.from),
    e.frequency.map((f) => f.to),
    at,
  ]);
  await run(sql.CONTROLLERS_LOGGED_OFF, e.logoff, () => [
    ...keys(e.logoff.map((l) => l.session)),
    e.logoff.map((l) => l.lastSeen),
    at,
  ]);
  counts.atis = await run(sql.INSERT_ATIS, e.atis, () => [
    ...keys(e.atis.map((a) => a.session)),
    e.atis.map((a) => a.previousLines === null ? "initial" : at),
    e.atis.map((a) => a.code),
    e.atis.map((a) => a.lines.join("\n")),
    e.atis.map((a) => a.codeChanged ? "t" : "f"),
    e.atis.map((a) => a.textChanged ? "t" : "f"),
    at,
  ]);

  // What the diff could not end because a restarted processor no longer knew it.
  await tx.query(sql.SWEEP_FLIGHTS, [at, at, changes.graceMs]);
  await tx.query(sql.SWEEP_CONTROLLERS, [at, at, changes.graceMs]);

  counts.events = await run(sql.INSERT_EVENTS, changes.events, () => [
    changes.events.map((event) => event.type),
    changes.events.map((event) => event.at),
    changes.events.map(eventSubject),
    changes.events.map(eventKey),
    changes.events.map(eventPayload),
  ]);
  return counts;
}

// Diffs the pilots and prefiles of one snapshot against the flights and prefiles carried from earlier
// snapshots: session lifecycle, flight-plan revisions, and which positions are worth keeping.

import type { FeedEvent, FlightAttributes, FlightKey, PrefileKey } from "./diff_events.ts";
import { positionChanged, positionOf, type PositionRow, type PositionSample } from "./diff_positions.ts";
import type { FlightPlan, Pilot, Prefile } from "./v3_schema.ts";

/** What is carried between snapshots for one pilot session. */
export interface TrackedFlight {
  key: FlightKey;
  /** `update_timestamp` of the last snapshot that held the session, and the same in epoch ms. */
  lastSeen: string;
  lastSeenMs: number;
  attributes: FlightAttributes;
  /** `revision_id` of the session's plan, null while it has none. */
  planRevision: number | null;
  /** The last position written as a row, against which the next one is compared. */
  keptPosition: PositionSample;
  /** When that position was seen (epoch ms of its snapshot). */
  keptAtMs: number;
}

/** What is carried between snapshots for one prefiled plan. */
export interface TrackedPrefile {
  key: PrefileKey;
  lastSeen: string;
  lastSeenMs: number;
  revision_id: number;
  /** A session of the same cid and callsign has been seen: its disappearance is not a cancellation. */
  claimed: boolean;
}

/** Which flight sessions the snapshot created, continued, completed and cancelled. */
export interface FlightSessions {
  created: FlightKey[];
  /** Sessions already carried in the state and present in this snapshot. */
  continued: FlightKey[];
  completed: FlightKey[];
  cancelled: PrefileKey[];
}

/** Input of {@link diffFlights}: the carried state, the snapshot and its clock. */
export interface FlightDiffInput {
  flights: ReadonlyMap<string, TrackedFlight>;
  prefiles: ReadonlyMap<string, TrackedPrefile>;
  pilots: readonly Pilot[];
  prefileRecords: readonly Prefile[];
  /** `update_timestamp` of the previous snapshot, null for the first one. */
  previousAt: string | null;
  at: string;
  atMs: number;
  graceMs: number;
}

/** Output of {@link diffFlights}; the maps are new, the input maps are left untouched. */
export interface FlightDiff {
  flights: Map<string, TrackedFlight>;
  prefiles: Map<string, TrackedPrefile>;
  events: FeedEvent[];
  positions: PositionRow[];
  sessions: FlightSessions;
}

/** The map key of a flight session. cid and the fixed-width logon_time first, so it is unambiguous. */
export function flightKeyString(key: FlightKey): string {
  return `${key.cid}|${key.logon_time}|${key.callsign}`;
}

/** The map key of a prefile, also used to match a prefile to the session that takes it up. */
export function prefileKeyString(key: PrefileKey): string {
  return `${key.cid}|${key.callsign}`;
}

/** Diffs pilots and prefiles; pure, and deterministic in the order of the input arrays. */
export function diffFlights(input: FlightDiffInput): FlightDiff {
  const { at, atMs, graceMs } = input;
  const flights = new Map<string, TrackedFlight>();
  const events: FeedEvent[] = [];
  const positions: PositionRow[] = [];
  const sessions: FlightSessions = { created: [], continued: [], completed: [], cancelled: [] };
  const connected = new Set<string>();

  for (const pilot of input.pilots) {
    const session: FlightKey = { cid: pilot.cid, callsign: pilot.callsign, logon_time: pilot.logon_time };
    const id = flightKeyString(session);
    // A session listed twice in one snapshot is a feed glitch: the first entry wins.
    if (flights.has(id)) continue;
    connected.add(prefileKeyString(session));
    const attributes = attributesOf(pilot);
    const position = positionOf(pilot);
    const plan = pilot.flight_plan;
    const before = input.flights.get(id);
    let keptPosition = position;
    let keptAtMs = atMs;
    if (before === undefined) {
      sessions.created.push(session);
      const fromPrefile = input.prefiles.has(prefileKeyString(session));
      events.push({ type: "FLIGHT_CREATED", at, session, attributes, plan, fromPrefile });
      positions.push({ ...session, at, ...position });
    } else {
      sessions.continued.push(session);
      const changes = changedAttributes(before.attributes, attributes);
      if (before.lastSeen !== input.previousAt) changes.push("resumed");
      if (changes.length > 0) events.push({ type: "FLIGHT_UPDATED", at, session, attributes, changes });
      const revision = planRevision(before.planRevision, plan);
      if (revision !== null) events.push({ type: "FLIGHT_PLAN_REVISED", at, session, ...revision });
      if (positionChanged(before.keptPosition, position)) positions.push({ ...session, at, ...position });
      else {
        keptPosition = before.keptPosition;
        keptAtMs = before.keptAtMs;
      }
    }
    flights.set(id, {
      key: session,
      lastSeen: at,
      lastSeenMs: atMs,
      attributes,
      planRevision: plan?.revision_id ?? null,
      keptPosition,
      keptAtMs,
    });
  }

  for (const [id, flight] of input.flights) {
    if (flights.has(id)) continue;
    if (atMs - flight.lastSeenMs > graceMs) {
      sessions.completed.push(flight.key);
      events.push({ type: "FLIGHT_COMPLETED", at, session: flight.key, lastSeen: flight.lastSeen });
    } else {
      flights.set(id, flight); // in its grace period: it may still come back
    }
  }

  const prefiles = new Map<string, TrackedPrefile>();
  for (const record of input.prefileRecords) {
    const key: PrefileKey = { cid: record.cid, callsign: record.callsign };
    const id = prefileKeyString(key);
    if (prefiles.has(id)) continue;
    const before = input.prefiles.get(id);
    const revision = planRevision(before?.revision_id ?? null, record.flight_plan);
    if (revision !== null) {
      events.push({ type: "FLIGHT_PLAN_REVISED", at, session: { ...key, logon_time: null }, ...revision });
    }
    prefiles.set(id, {
      key,
      lastSeen: at,
      lastSeenMs: atMs,
      revision_id: record.flight_plan.revision_id,
      claimed: (before?.claimed ?? false) || connected.has(id),
    });
  }

  for (const [id, prefile] of input.prefiles) {
    if (prefiles.has(id)) continue;
    // Gone because its pilot connected: the plan lives on in the session, nothing was cancelled.
    if (prefile.claimed || connected.has(id)) continue;
    if (atMs - prefile.lastSeenMs > graceMs) {
      sessions.cancelled.push(prefile.key);
      events.push({
        type: "FLIGHT_CANCELLED",
        at,
        prefile: prefile.key,
        revision_id: prefile.revision_id,
        lastSeen: prefile.lastSeen,
      });
    } else {
      prefiles.set(id, prefile);
    }
  }

  return { flights, prefiles, events, positions, sessions };
}

function attributesOf(pilot: Pilot): FlightAttributes {
  return {
    name: pilot.name,
    server: pilot.server,
    pilot_rating: pilot.pilot_rating,
    military_rating: pilot.military_rating,
  };
}

function changedAttributes(before: FlightAttributes, after: FlightAttributes): string[] {
  return (Object.keys(after) as (keyof FlightAttributes)[]).filter((name) => before[name] !== after[name]);
}

/**
 * A revision when the feed's `revision_id` differs, or a plan appears where there was none (`filed`),
 * or a plan disappears (plan null). Plan contents are not compared: in pair-a → pair-b every content
 * change came with a new `revision_id`, while 102 of the 161 new ids came with unchanged v3 fields (the
 * feed bumps the id for amendments that the v3 fields do not show), so the id is the version.
 */
function planRevision(
  previousRevisionId: number | null,
  plan: FlightPlan | null,
): { filed: boolean; previousRevisionId: number | null; plan: FlightPlan | null } | null {
  if (previousRevisionId === null) return plan === null ? null : { filed: true, previousRevisionId, plan };
  if (plan !== null && plan.revision_id === previousRevisionId) return null;
  return { filed: false, previousRevisionId, plan };
}

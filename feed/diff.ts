// The processor's diff engine: a pure function from the state carried so far and one validated snapshot
// to the next state, the typed events, and the position rows worth keeping. No I/O, no clock: time is the
// feed's own `update_timestamp`, so a replay gives the same result as the live run.

import { type ControllerSessions, diffControllers, type TrackedController } from "./diff_controllers.ts";
import type { FeedEvent } from "./diff_events.ts";
import { diffFlights, type FlightSessions, type TrackedFlight, type TrackedPrefile } from "./diff_flights.ts";
import type { PositionRow } from "./diff_positions.ts";
import type { FeedSnapshot } from "./parse_snapshot.ts";
import { feedTimestampMs } from "./timestamp.ts";

export { feedEventSchema } from "./diff_events.ts";
export type { FeedEvent, FeedEventType, FlightKey } from "./diff_events.ts";
export { POSITION_THRESHOLDS } from "./diff_positions.ts";
export type { PositionRow } from "./diff_positions.ts";

/**
 * What is carried from one snapshot to the next. Bounded (guarantee G4): it holds the sessions and
 * prefiles of the latest snapshot plus those missing for at most the grace period, nothing older.
 * Plain data (Maps of objects), so it can be structured-cloned to another worker.
 */
export interface DiffState {
  /** `update_timestamp` of the last snapshot diffed. */
  updateTimestamp: string;
  flights: ReadonlyMap<string, TrackedFlight>;
  prefiles: ReadonlyMap<string, TrackedPrefile>;
  controllers: ReadonlyMap<string, TrackedController>;
}

/** Options of {@link diffSnapshots}. */
export interface DiffOptions {
  /**
   * How long a session or prefile may be missing, on the feed's clock, before it counts as ended
   * (completed, cancelled, logged off). Covers a client dropping out for a few snapshots and the feed
   * leaving a record out. Default {@link DEFAULT_GRACE_MS}.
   */
  graceMs?: number;
}

/** Two minutes: eight 15 s snapshots, longer than a typical reconnect, short next to a flight. */
export const DEFAULT_GRACE_MS = 2 * 60_000;

/** The result of diffing one snapshot. */
export interface SnapshotDiff {
  state: DiffState;
  /** In a fixed order: flights, prefiles, then controllers and ATIS; each in feed order, ends last. */
  events: FeedEvent[];
  /** First sightings and positions that changed beyond {@link POSITION_THRESHOLDS}. */
  positions: PositionRow[];
  sessions: { flights: FlightSessions; controllers: ControllerSessions };
}

/**
 * Diffs a validated snapshot against the state carried from the previous ones (null for the first).
 * Pure: the previous state is not modified, and the same inputs give the same output. The output shares
 * objects (session keys, plans) with the snapshot and the new state, so treat all of it as read-only.
 *
 * @example
 * ```ts
 * let state: DiffState | null = null;
 * for (const snapshot of snapshots) {
 *   const diff = diffSnapshots(state, snapshot);
 *   state = diff.state;
 *   await store(diff.events, diff.positions);
 * }
 * ```
 */
export function diffSnapshots(
  previous: DiffState | null,
  snapshot: FeedSnapshot,
  options: DiffOptions = {},
): SnapshotDiff {
  const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  if (!(graceMs >= 0)) throw new RangeError(`graceMs must be a non-negative number, got ${graceMs}`);
  const at = snapshot.general.update_timestamp;
  const atMs = feedTimestampMs(at);
  const flights = diffFlights({
    flights: previous?.flights ?? new Map(),
    prefiles: previous?.prefiles ?? new Map(),
    pilots: snapshot.pilots,
    prefileRecords: snapshot.prefiles,
    previousAt: previous?.updateTimestamp ?? null,
    at,
    atMs,
    graceMs,
  });
  const controllers = diffControllers({
    controllers: previous?.controllers ?? new Map(),
    controllerRecords: snapshot.controllers,
    atisRecords: snapshot.atis,
    at,
    atMs,
    graceMs,
  });
  return {
    state: {
      updateTimestamp: at,
      flights: flights.flights,
      prefiles: flights.prefiles,
      controllers: controllers.controllers,
    },
    events: [...flights.events, ...controllers.events],
    positions: flights.positions,
    sessions: { flights: flights.sessions, controllers: controllers.sessions },
  };
}

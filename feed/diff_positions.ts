// Decides which pilot positions are worth a `positions` row: only those that differ from the last row
// kept for the session by more than the thresholds below, so a parked aircraft writes one row, not one
// every 15 s.

import type { Pilot } from "./v3_schema.ts";

/** What a position row holds besides its session key. */
export interface PositionSample {
  latitude: number;
  longitude: number;
  altitude: number;
  groundspeed: number;
  heading: number;
  transponder: string;
}

/** One `positions` row: a session's position in one snapshot. */
export interface PositionRow extends PositionSample {
  cid: number;
  callsign: string;
  logon_time: string;
  /** The snapshot's `update_timestamp`. */
  at: string;
}

/**
 * When a position counts as changed. The comparison is against the last *kept* row, not the last seen
 * one, so slow drift below a threshold still produces a row once it adds up.
 * - 100 m: anything taxiing faster than about 13 kt covers it in 15 s, while a parked aircraft whose
 *   client reports the same coordinates (the usual case) never does.
 * - 50 ft: above the few-foot jitter of altimeters on the ground, below one second of a normal climb.
 * - 5 kt: ground speed noise of a cruising aircraft stays under it; taxi starts and stops exceed it.
 * - any squawk change: it is a discrete value with meaning (7700, a new code from ATC).
 */
export const POSITION_THRESHOLDS = {
  movedMetres: 100,
  climbedFeet: 50,
  groundspeedKnots: 5,
} as const;

const EARTH_RADIUS_METRES = 6_371_008.8;
const RADIANS = Math.PI / 180;

/** Great-circle distance in metres (haversine; good to well under a metre at these distances). */
export function distanceMetres(a: PositionSample, b: PositionSample): number {
  const dLat = (b.latitude - a.latitude) * RADIANS;
  const dLon = (b.longitude - a.longitude) * RADIANS;
  const h = Math.sin(dLat / 2) ** 2 +
    Math.cos(a.latitude * RADIANS) * Math.cos(b.latitude * RADIANS) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_METRES * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The position part of a pilot record. */
export function positionOf(pilot: Pilot): PositionSample {
  return {
    latitude: pilot.latitude,
    longitude: pilot.longitude,
    altitude: pilot.altitude,
    groundspeed: pilot.groundspeed,
    heading: pilot.heading,
    transponder: pilot.transponder,
  };
}

/** True when `next` differs from the last kept row `kept` enough to be kept too. */
export function positionChanged(kept: PositionSample, next: PositionSample): boolean {
  return next.transponder !== kept.transponder ||
    Math.abs(next.altitude - kept.altitude) >= POSITION_THRESHOLDS.climbedFeet ||
    Math.abs(next.groundspeed - kept.groundspeed) >= POSITION_THRESHOLDS.groundspeedKnots ||
    distanceMetres(kept, next) >= POSITION_THRESHOLDS.movedMetres;
}

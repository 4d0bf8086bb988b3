// One simulated pilot session: a flight along the great circle between two airports, with a climb at a
// fixed gradient, a cruise, and a 3° descent, then a taxi-in and a log-off.

import type { Airport } from "./airports.ts";
import { bearingDeg, interpolate } from "./geo.ts";
import type { AircraftType } from "./reference.ts";

/** Feet gained per nautical mile flown in the climb (about 2,000 ft/min at 300 kt). */
export const CLIMB_FT_PER_NM = 400;
/** Feet lost per nautical mile in the descent (a 3° path). */
export const DESCENT_FT_PER_NM = 318;

export type Phase = "preflight" | "airborne" | "arrived" | "parked";

/** The flight plan as the feed sends it. */
export interface FlightPlanRecord {
  flight_rules: string;
  aircraft: string;
  aircraft_faa: string;
  aircraft_short: string;
  departure: string;
  arrival: string;
  alternate: string;
  cruise_tas: string;
  altitude: string;
  deptime: string;
  enroute_time: string;
  fuel_time: string;
  remarks: string;
  route: string;
  revision_id: number;
  assigned_transponder: string;
}

/** Who is flying, kept from a prefile to the connected session. */
export interface Member {
  cid: number;
  name: string;
  callsign: string;
}

export interface Flight extends Member {
  server: string;
  pilotRating: number;
  logonTime: string;
  /** Null for a pilot connected without a plan (parked at `dep`). */
  plan: FlightPlanRecord | null;
  dep: Airport;
  arr: Airport;
  type: AircraftType;
  cruiseFt: number;
  /** Along-track wind component at cruise, kt (negative: headwind). */
  windKt: number;
  distanceNm: number;
  flownNm: number;
  phase: Phase;
  /** Ticks left on the ground before take-off (preflight) or log-off (arrived, parked). */
  groundTicks: number;
  lat: number;
  lon: number;
  altitude: number;
  groundspeed: number;
  heading: number;
  transponder: string;
  qnhMb: number;
  /** The session's unchanging JSON pieces, built on first render (see `renderPilot`). */
  json?: readonly [string, string, string];
  /** `json`, UTF-8 encoded. */
  jsonBytes?: readonly [Uint8Array, Uint8Array, Uint8Array];
}

/**
 * Altitude (ft) on the profile after `flownNm` of the route: the lowest of climb, cruise and descent, and
 * never below the straight line between the two airports' elevations.
 */
export function profileAltitude(f: Flight, flownNm: number): number {
  const climb = f.dep.elevationFt + flownNm * CLIMB_FT_PER_NM;
  const descent = f.arr.elevationFt + (f.distanceNm - flownNm) * DESCENT_FT_PER_NM;
  const ground = f.dep.elevationFt + (f.arr.elevationFt - f.dep.elevationFt) * flownNm / f.distanceNm;
  return Math.max(ground, Math.min(f.cruiseFt, climb, descent));
}

/** Groundspeed (kt) at an altitude: about 150 kt near the ground, 250 kt at 10,000 ft, TAS ± wind above. */
export function profileSpeed(f: Flight, altitudeFt: number): number {
  const tas = f.type.tasKt;
  const low = Math.min(150, tas * 0.8);
  const mid = Math.min(250, tas);
  if (altitudeFt <= 10000) return low + (mid - low) * Math.max(0, altitudeFt) / 10000;
  const share = Math.min(1, (altitudeFt - 10000) / Math.max(1, f.cruiseFt - 10000));
  return mid + (tas + f.windKt - mid) * share;
}

/** Places the flight at `flownNm` along its route and sets altitude, speed and heading to match. */
export function placeAlongRoute(f: Flight, flownNm: number): void {
  f.flownNm = Math.min(flownNm, f.distanceNm);
  const at = interpolate(f.dep, f.arr, f.flownNm / f.distanceNm);
  f.lat = at.lat;
  f.lon = at.lon;
  const altitude = profileAltitude(f, f.flownNm);
  f.altitude = Math.max(0, Math.round(altitude));
  f.groundspeed = Math.round(profileSpeed(f, altitude - Math.min(f.dep.elevationFt, f.arr.elevationFt)));
  f.heading = Math.round(bearingDeg(at, f.arr)) % 360;
}

/** Puts the flight on the ground at an airport, stopped or taxiing. */
export function placeOnGround(f: Flight, airport: Airport, groundspeed: number, heading: number): void {
  f.lat = airport.lat;
  f.lon = airport.lon;
  f.altitude = Math.max(0, Math.round(airport.elevationFt));
  f.groundspeed = groundspeed;
  f.heading = heading;
}

/**
 * Advances an airborne flight by `hours` at the groundspeed it reported, so the distance covered in a
 * tick never exceeds the reported speed. Returns true when it has landed.
 */
export function fly(f: Flight, hours: number): boolean {
  const next = f.flownNm + f.groundspeed * hours;
  if (next >= f.distanceNm) return true;
  placeAlongRoute(f, next);
  return false;
}

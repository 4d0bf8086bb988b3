/**
 * The flight phase of a kept position, from its ground speed, its height above the nearest airport and
 * its vertical rate over the flight's previous kept position. Stated rules, not a fitted model: each
 * threshold in {@link PHASE_RULES} is a plain judgement of how aircraft move, and the tests pin them.
 */
import type { Nearest } from "./airport_grid.ts";

export const PHASES = [
  "on_ground",
  "taxi",
  "takeoff",
  "climb",
  "cruise",
  "descent",
  "approach",
  "landed",
] as const;
export type FlightPhase = typeof PHASES[number];

const GROUND_PHASES: ReadonlySet<FlightPhase> = new Set(["on_ground", "taxi", "landed"]);

export const PHASE_RULES = {
  /** Slower than this is on the ground: only helicopters fly so slowly, and few taxi faster than 30 kt. */
  groundSpeedKt: 50,
  /** ...unless this high above the airport nearby (a slow helicopter, a glider). */
  groundHeightFt: 1_000,
  /** Slower than this on the ground is standing still (parked, holding), not taxiing. */
  stoppedKt: 5,
  /** An airport this close gives the elevation that heights are measured from. */
  nearAirportNm: 10,
  /** Climbing below this height above an airport is still the take-off. */
  takeoffHeightFt: 1_500,
  /** Below this height near an airport and not climbing is an approach. */
  approachHeightFt: 3_000,
  /** Climbing or descending faster than this; slower is level flight (cruise). */
  levelFpm: 300,
  /** Two kept positions further apart than this give no vertical rate. */
  maxRateGapMs: 10 * 60_000,
} as const;

/** Finds the airport nearest to a position within `maxNm` (traffic/airports.ts `nearestAirport`). */
export type AirportLocator<A extends FieldElevation> = (
  lat: number,
  lon: number,
  maxNm: number,
) => Nearest<A> | null;

/** What the rules need of an airport. */
export interface FieldElevation {
  elevationFt: number | null;
}

/** A kept position, as far as the rules look at it; `at` in epoch ms. */
export interface PositionSample {
  at: number;
  latitude: number;
  longitude: number;
  altitude: number;
  groundspeed: number;
}

export interface PhaseReading<A extends FieldElevation> {
  phase: FlightPhase;
  /** The airport within {@link PHASE_RULES.nearAirportNm}, if any, and its distance. */
  near: Nearest<A> | null;
  /** Feet above that airport's elevation; null without one (or without its elevation). */
  heightFt: number | null;
}

export const isGroundPhase = (phase: FlightPhase): boolean => GROUND_PHASES.has(phase);

/** Height above the nearby airport, when there is one with a known elevation. */
export function heightAbove<A extends FieldElevation>(
  sample: PositionSample,
  near: Nearest<A> | null,
): number | null {
  const elevation = near?.item.elevationFt ?? null;
  return elevation === null ? null : sample.altitude - elevation;
}

/** On the ground: slow, and not high above the airport nearby (by speed alone where none is near). */
export function isOnGround(groundspeed: number, heightFt: number | null): boolean {
  return groundspeed < PHASE_RULES.groundSpeedKt &&
    (heightFt === null || heightFt < PHASE_RULES.groundHeightFt);
}

/** Feet per minute from `previous` to `current`; null when they are too far apart in time (or not in order). */
export function verticalRate(previous: PositionSample | null, current: PositionSample): number | null {
  if (previous === null) return null;
  const ms = current.at - previous.at;
  if (!(ms > 0) || ms > PHASE_RULES.maxRateGapMs) return null;
  return (current.altitude - previous.altitude) / (ms / 60_000);
}

/**
 * The phase of `current`, given the flight's previous kept position (null for its first). On the ground:
 * `landed` right after being in the air, else `taxi` or `on_ground` by speed. In the air, the first of:
 * `takeoff` (right after the ground, or climbing low near an airport), `approach` (low near an airport,
 * not climbing), `climb`, `descent`, else `cruise` (level, or no rate to tell).
 */
export function classifyPhase<A extends FieldElevation>(
  current: PositionSample,
  previous: PositionSample | null,
  locate: AirportLocator<A>,
): PhaseReading<A> {
  const near = locate(current.latitude, current.longitude, PHASE_RULES.nearAirportNm);
  const heightFt = heightAbove(current, near);
  const reading = (phase: FlightPhase): PhaseReading<A> => ({ phase, near, heightFt });
  const wasOnGround = previous === null ? null : onGroundAt(previous, locate);
  if (isOnGround(current.groundspeed, heightFt)) {
    if (wasOnGround === false) return reading("landed");
    return reading(current.groundspeed < PHASE_RULES.stoppedKt ? "on_ground" : "taxi");
  }
  const rate = verticalRate(previous, current) ?? 0;
  const below = (limitFt: number) => heightFt !== null && heightFt < limitFt;
  const climbing = rate >= PHASE_RULES.levelFpm;
  if (wasOnGround === true || (climbing && below(PHASE_RULES.takeoffHeightFt))) return reading("takeoff");
  if (!climbing && below(PHASE_RULES.approachHeightFt)) return reading("approach");
  if (climbing) return reading("climb");
  if (rate <= -PHASE_RULES.levelFpm) return reading("descent");
  return reading("cruise");
}

/** Whether a position is on the ground, measured against the airport near it. */
function onGroundAt<A extends FieldElevation>(
  sample: PositionSample,
  locate: AirportLocator<A>,
): boolean {
  const near = locate(sample.latitude, sample.longitude, PHASE_RULES.nearAirportNm);
  return isOnGround(sample.groundspeed, heightAbove(sample, near));
}

/** Movements are put at an airport only when the aircraft stood on the ground this close to it. */
export const MOVEMENT_RADIUS_NM = 5;

export type MovementKind = "departure" | "arrival";

/**
 * The movement between two consecutive kept positions of a flight, if any: leaving the ground is a
 * departure from the airport nearest to where it stood, coming to the ground an arrival at the airport
 * nearest to where it did. Either is timed at `after`, the first snapshot that showed the change. The
 * same rules as {@link classifyPhase}: `after` is then a `takeoff` or a `landed` position.
 */
export function movementBetween<A extends FieldElevation>(
  before: PositionSample,
  after: PositionSample,
  locate: AirportLocator<A>,
): { kind: MovementKind; airport: A; at: number } | null {
  const nearBefore = locate(before.latitude, before.longitude, PHASE_RULES.nearAirportNm);
  const nearAfter = locate(after.latitude, after.longitude, PHASE_RULES.nearAirportNm);
  const groundBefore = isOnGround(before.groundspeed, heightAbove(before, nearBefore));
  if (groundBefore === isOnGround(after.groundspeed, heightAbove(after, nearAfter))) return null;
  const field = groundBefore ? nearBefore : nearAfter;
  if (field === null || field.distanceNm > MOVEMENT_RADIUS_NM) return null;
  return { kind: groundBefore ? "departure" : "arrival", airport: field.item, at: after.at };
}

/**
 * The ground truth of the traffic tests: a simulated network stored snapshot by snapshot through the
 * real parse, diff and write path (tests/helpers/replay.ts), the movements its flights made, matched
 * against those the reads found, and controller coverage as its snapshots showed it.
 */
import type { Database } from "../../db/database.ts";
import type { Movement } from "../../db/traffic_schemas.ts";
import type { DiffState } from "../../feed/diff.ts";
import { airports } from "../../sim/airports.ts";
import { CLIMB_FT_PER_NM, DESCENT_FT_PER_NM, type Flight } from "../../sim/flight.ts";
import { FeedModel } from "../../sim/model.ts";
import { replaySnapshot } from "./replay.ts";

/** A phase change of the model: preflight → airborne at `airport` (departure), airborne → arrived (arrival). */
export interface TrueMovement {
  kind: "departure" | "arrival";
  airport: string;
  callsign: string;
  /** The snapshot time of the tick that made it, epoch ms. */
  at: number;
  otherEnd: string;
}

/** A flight in the air to `airport` when the forecast was asked, with the model's own ETA. */
export interface ExpectedEta {
  airport: string;
  callsign: string;
  askedAt: number;
  /** Remaining distance over ground speed. */
  minutes: number;
  /** Due within the forecast's 60 min. */
  listed: boolean;
  /** Still in its climb (see {@link climbing}). */
  climbing: boolean;
}

/** Whether the model's flight is in the climb part of its profile (sim/flight.ts `profileAltitude`). */
export function climbing(f: Flight): boolean {
  const climb = f.dep.elevationFt + f.flownNm * CLIMB_FT_PER_NM;
  return climb < Math.min(f.cruiseFt, f.arr.elevationFt + (f.distanceNm - f.flownNm) * DESCENT_FT_PER_NM);
}

/** A model session, as the diff keys it. */
const flightKey = (f: Flight) => `${f.cid}|${f.callsign}|${f.logonTime}`;

export interface SimulationOptions {
  pilots: number;
  seed: number;
  cadenceMs: number;
  hours: number;
  /** ICAO codes of the airports to fly between. */
  airports: readonly string[];
  /** Called once each snapshot is stored, with the model as it was rendered and the tick count. */
  afterSnapshot?: (model: FeedModel, tick: number) => Promise<void>;
}

/**
 * Stores `hours` of a simulated network, the first snapshot included, and records what happened: the
 * model's phase changes (preflight → airborne a departure, airborne → arrived an arrival, at the tick
 * that made them) and the controllers of every snapshot. Returns the model as it is at the end.
 */
export async function storeSimulation(db: Database, options: SimulationOptions) {
  const model = new FeedModel({
    pilots: options.pilots,
    seed: options.seed,
    cadenceMs: options.cadenceMs,
    airports: airports().filter((a) => options.airports.includes(a.icao)),
  });
  const startMs = model.now;
  const truth: TrueMovement[] = [];
  const sightings: ControllerSighting[] = [];
  const phases = new Map(model.flights.map((f) => [flightKey(f), f.phase]));
  let state: DiffState | null = null;
  for (let tick = 0; tick * options.cadenceMs <= options.hours * 3_600_000; tick++) {
    if (tick > 0) model.tick();
    for (const f of model.flights) {
      const before = phases.get(flightKey(f));
      const movement = { callsign: f.callsign, at: model.now };
      if (before === "preflight" && f.phase === "airborne") {
        truth.push({ ...movement, kind: "departure", airport: f.dep.icao, otherEnd: f.arr.icao });
      } else if (before === "airborne" && f.phase === "arrived") {
        truth.push({ ...movement, kind: "arrival", airport: f.arr.icao, otherEnd: f.dep.icao });
      }
      phases.set(flightKey(f), f.phase);
    }
    const bytes = model.renderBytes();
    sightings.push({ at: model.now, records: JSON.parse(new TextDecoder().decode(bytes)).controllers });
    state = await replaySnapshot(db, bytes, "sim", state);
    await options.afterSnapshot?.(model, tick);
  }
  return { model, startMs, nowMs: model.now, truth, sightings };
}

/**
 * Pairs each true movement with a found one of the same kind, airport, callsign and other end, at most
 * `toleranceMs` apart; what is left over on either side is returned, with the widest gap of the pairs.
 */
export function matchMovements(
  truth: readonly TrueMovement[],
  found: readonly Movement[],
  toleranceMs: number,
): { unmatched: TrueMovement[]; unexpected: Movement[]; worstMs: number } {
  const left = [...found];
  const unmatched: TrueMovement[] = [];
  let worstMs = 0;
  for (const movement of truth) {
    const i = left.findIndex((m) =>
      m.kind === movement.kind && m.airport === movement.airport && m.callsign === movement.callsign &&
      m.otherEnd === movement.otherEnd && Math.abs(Date.parse(m.at) - movement.at) <= toleranceMs
    );
    if (i < 0) {
      unmatched.push(movement);
      continue;
    }
    worstMs = Math.max(worstMs, Math.abs(Date.parse(left[i].at) - movement.at));
    left.splice(i, 1);
  }
  return { unmatched, unexpected: left, worstMs };
}

/** Departures, arrivals and both per airport, busiest first (then by code), at most ten. */
export function countByAirport(movements: readonly TrueMovement[]) {
  const counts = new Map<string, { departures: number; arrivals: number }>();
  for (const m of movements) {
    const c = counts.get(m.airport) ?? { departures: 0, arrivals: 0 };
    c[m.kind === "departure" ? "departures" : "arrivals"]++;
    counts.set(m.airport, c);
  }
  return [...counts].map(([icao, c]) => ({ icao, ...c, movements: c.departures + c.arrivals }))
    .sort((a, b) => b.movements - a.movements || (a.icao < b.icao ? -1 : 1)).slice(0, 10);
}

/** Controller records of one rendered snapshot. */
export interface ControllerSighting {
  at: number;
  records: readonly { cid: number; callsign: string; logon_time: string; facility: number }[];
}

/**
 * Seconds each position (callsign) was seen online per UTC day within [from, to]: from a session's
 * first snapshot to its last, as the collector records it. Keyed `day|callsign|facility`.
 */
export function expectedCoverage(sightings: readonly ControllerSighting[], from: number, to: number) {
  const sessions = new Map<string, { callsign: string; facility: number; first: number; last: number }>();
  for (const { at, records } of sightings) {
    for (const r of records) {
      const key = `${r.cid}|${r.callsign}|${r.logon_time}`;
      const session = sessions.get(key);
      if (session) session.last = at;
      else sessions.set(key, { callsign: r.callsign, facility: r.facility, first: at, last: at });
    }
  }
  const seconds = new Map<string, number>();
  const DAY = 86_400_000;
  for (const s of sessions.values()) {
    const since = Math.max(s.first, from);
    const until = Math.min(s.last, to);
    for (let day = Math.floor(since / DAY) * DAY; day < until; day += DAY) {
      const ms = Math.min(until, day + DAY) - Math.max(since, day);
      if (ms <= 0) continue;
      const key = `${new Date(day).toISOString().slice(0, 10)}|${s.callsign}|${s.facility}`;
      seconds.set(key, (seconds.get(key) ?? 0) + ms / 1000);
    }
  }
  return seconds;
}

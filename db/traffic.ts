/**
 * The traffic reads: movements at an airport, a region's summary, hourly trends against the days
 * before, expected arrivals, and ATC coverage. SQL (db/traffic_sql.ts) narrows the rows down; the phase
 * rules of traffic/phase.ts decide what a row means. Windows default to the last 24 h of feed time
 * (the newest snapshot), not of the wall clock, so a replayed or lagging feed reads the same.
 */
import { distanceNm } from "../sim/geo.ts";
import { airportByIcao, type AirportInfo, nearestAirport } from "../traffic/airports.ts";
import {
  classifyPhase,
  isGroundPhase,
  MOVEMENT_RADIUS_NM,
  movementBetween,
  PHASES,
  type PositionSample,
} from "../traffic/phase.ts";
import {
  airportInRegion,
  expandBox,
  positionInRegion,
  REGION_RADIUS_NM,
  regionBox,
} from "../traffic/region.ts";
import { DAY_MS, hourlyTrends, QUARTER_MS, trendStart } from "../traffic/trends.ts";
import type { Queryable } from "./database.ts";
import type { Box } from "./query_params.ts";
import { SNAPSHOT_AT } from "./queries_sql.ts";
import * as sql from "./traffic_sql.ts";
import {
  type ArrivalForecast,
  type AtcCoverage,
  type CoverageFilter,
  CoverageFilterSchema,
  type ForecastFilter,
  ForecastFilterSchema,
  MAX_WINDOW_DAYS,
  type Movement,
  type MovementFilter,
  MovementFilterSchema,
  type MovementPage,
  type SummaryFilter,
  SummaryFilterSchema,
  type TrafficSummary,
  type TrafficTrends,
  type TrendsFilter,
  TrendsFilterSchema,
} from "./traffic_schemas.ts";

export const ETA_METHOD = "great-circle distance from the flight's last kept position to the airport's " +
  "reference point, divided by its last ground speed, added to that position's time. It assumes the " +
  "speed holds, so it comes early for a flight that will still slow down for its descent and approach.";

/** The reads of this module, as the routes call them (part of db/queries.ts `DataQueries`). */
export interface TrafficQueries {
  movements(filter: MovementFilter): Promise<MovementPage>;
  trafficSummary(filter: SummaryFilter): Promise<TrafficSummary>;
  trafficTrends(filter: TrendsFilter): Promise<TrafficTrends>;
  arrivalForecast(filter: ForecastFilter): Promise<ArrivalForecast>;
  atcCoverage(filter: CoverageFilter): Promise<AtcCoverage>;
}

type Row = Record<string, unknown>;
const NO_BOX = [null, null, null, null];

/** The reads over a database handle; each filter is validated (and defaulted) again here. */
export function trafficQueries(db: Queryable): TrafficQueries {
  const newest = async (): Promise<string | null> =>
    (await db.query<{ at: string | null }>(SNAPSHOT_AT, [null]))[0]?.at ?? null;

  /** The asked window, ending at the newest snapshot and lasting `defaultMs` unless given. */
  async function windowOf(from: string | undefined, to: string | undefined, defaultMs: number) {
    const end = to ?? await newest();
    if (end === null) return null;
    const earliest = Date.parse(end) - MAX_WINDOW_DAYS * DAY_MS;
    const start = Math.max(from === undefined ? Date.parse(end) - defaultMs : Date.parse(from), earliest);
    return { from: new Date(start).toISOString(), to: end };
  }

  /** Every movement between from and to whose ground position lies in `box` (null: anywhere). */
  async function movementsIn(from: string, to: string, box: Box | null): Promise<Movement[]> {
    const rows = await db.query(sql.GROUND_CROSSINGS, [from, to, ...(box ?? NO_BOX)]);
    const found: Movement[] = [];
    for (const row of rows) {
      const ground = sampleOf(row, "g");
      const pairs = [[sampleOf(row, "p"), ground, row.g_at], [ground, sampleOf(row, "n"), row.n_at]] as const;
      for (const [before, after, at] of pairs) {
        if (before === null || after === null) continue;
        const movement = movementBetween(before, after, nearestAirport);
        if (movement === null) continue;
        found.push({
          kind: movement.kind,
          airport: movement.airport.icao,
          callsign: row.callsign as string,
          cid: Number(row.cid),
          aircraft: (row.aircraft ?? null) as string | null,
          at: at as string,
          otherEnd: ((movement.kind === "departure" ? row.arrival : row.departure) ?? null) as string | null,
        });
      }
    }
    // Newest first; the times are ISO text of one format, so text order is time order.
    return found.sort((a, b) => b.at.localeCompare(a.at) || a.callsign.localeCompare(b.callsign));
  }

  /** The movements at one airport: those whose ground position lies within reach of it. */
  async function movementsAt(airport: AirportInfo, from: string, to: string): Promise<Movement[]> {
    const { latitude: lat, longitude: lon } = airport;
    const box = expandBox([lon, lat, lon, lat], MOVEMENT_RADIUS_NM);
    return (await movementsIn(from, to, box)).filter((m) => m.airport === airport.icao);
  }

  /** The flights of the newest snapshot with their phase, arriving at `arrival` or in `box` if given. */
  async function flightsNow(snapshot: string, arrival: string | null, box: Box | null) {
    const rows = await db.query(sql.FLIGHTS_NOW, [snapshot, arrival, ...(box ?? NO_BOX)]);
    return rows.flatMap((row) => {
      const position = sampleOf(row, "c");
      if (position === null) return [];
      return [{ row, position, phase: classifyPhase(position, sampleOf(row, "p"), nearestAirport).phase }];
    });
  }

  return {
    async movements(input) {
      const filter = MovementFilterSchema.parse(input);
      const airport = known(filter.airport);
      const window = await windowOf(filter.from, filter.to, DAY_MS);
      const page = { airport: airport.icao, limit: filter.limit, offset: filter.offset };
      if (window === null) {
        return { ...page, from: null, to: null, departures: 0, arrivals: 0, total: 0, movements: [] };
      }
      const all = await movementsAt(airport, window.from, window.to);
      return {
        ...page,
        ...window,
        departures: all.filter((m) => m.kind === "departure").length,
        arrivals: all.filter((m) => m.kind === "arrival").length,
        total: all.length,
        movements: all.slice(filter.offset, filter.offset + filter.limit),
      };
    },

    async trafficSummary(input) {
      const { region, ...asked } = SummaryFilterSchema.parse(input);
      const snapshot = await newest();
      const phases = Object.fromEntries(PHASES.map((phase) => [phase, 0])) as TrafficSummary["now"]["phases"];
      const answer = { region, snapshot, from: null, to: null, departures: 0, arrivals: 0, busiest: [] };
      const window = await windowOf(asked.from, asked.to, DAY_MS);
      if (snapshot === null || window === null) {
        return { ...answer, now: { onGround: 0, airborne: 0, phases } };
      }
      let onGround = 0;
      for (const flight of await flightsNow(snapshot, null, regionBox(region, REGION_RADIUS_NM))) {
        if (!positionInRegion(region, flight.position.latitude, flight.position.longitude)) continue;
        phases[flight.phase]++;
        if (isGroundPhase(flight.phase)) onGround++;
      }
      const airborne = Object.values(phases).reduce((sum, n) => sum + n, 0) - onGround;
      const movements = (await movementsIn(window.from, window.to, regionBox(region, MOVEMENT_RADIUS_NM)))
        .filter((m) => airportInRegion(region, known(m.airport)));
      const byAirport = new Map<string, { departures: number; arrivals: number }>();
      for (const m of movements) {
        const counts = byAirport.get(m.airport) ?? { departures: 0, arrivals: 0 };
        counts[m.kind === "departure" ? "departures" : "arrivals"]++;
        byAirport.set(m.airport, counts);
      }
      const busiest = [...byAirport].map(([icao, counts]) => ({
        icao,
        name: known(icao).name,
        ...counts,
        movements: counts.departures + counts.arrivals,
      })).sort((a, b) => b.movements - a.movements || (a.icao < b.icao ? -1 : 1)).slice(0, 10);
      return {
        ...answer,
        ...window,
        now: { onGround, airborne, phases },
        departures: movements.filter((m) => m.kind === "departure").length,
        arrivals: movements.filter((m) => m.kind === "arrival").length,
        busiest,
      };
    },

    async trafficTrends(input) {
      const filter = TrendsFilterSchema.parse(input);
      const airport = known(filter.airport);
      const snapshot = await newest();
      const answer = { airport: airport.icao, snapshot, days: filter.days };
      if (snapshot === null) return { ...answer, hours: [] };
      const nowMs = Date.parse(snapshot);
      const start = new Date(trendStart(nowMs, filter.days)).toISOString();
      const movements = await movementsAt(airport, start, snapshot);
      const slots = await db.query<{ slot: number }>(sql.SNAPSHOT_SLOTS, [start, snapshot, QUARTER_MS]);
      const hours = hourlyTrends({
        nowMs,
        days: filter.days,
        movements: movements.map((m) => ({ kind: m.kind, at: Date.parse(m.at) })),
        observedQuarters: new Set(slots.map((row) => Number(row.slot))),
      });
      return { ...answer, hours };
    },

    async arrivalForecast(input) {
      const filter = ForecastFilterSchema.parse(input);
      const airport = known(filter.airport);
      const snapshot = await newest();
      const answer = { airport: airport.icao, snapshot, minutes: filter.minutes, method: ETA_METHOD };
      if (snapshot === null) return { ...answer, arrivals: [] };
      const nowMs = Date.parse(snapshot);
      const field = { lat: airport.latitude, lon: airport.longitude };
      const arrivals = [];
      for (const { row, position, phase } of await flightsNow(snapshot, airport.icao, null)) {
        if (isGroundPhase(phase) || position.groundspeed <= 0) continue;
        const nm = distanceNm({ lat: position.latitude, lon: position.longitude }, field);
        const etaMs = position.at + nm / position.groundspeed * 3_600_000;
        const minutes = (etaMs - nowMs) / 60_000;
        if (minutes > filter.minutes) continue;
        arrivals.push({
          callsign: row.callsign as string,
          cid: Number(row.cid),
          departure: (row.departure ?? null) as string | null,
          aircraft: (row.aircraft ?? null) as string | null,
          phase,
          latitude: position.latitude,
          longitude: position.longitude,
          altitude: position.altitude,
          groundspeed: position.groundspeed,
          positionAt: row.c_at as string,
          distanceNm: nm,
          eta: new Date(etaMs).toISOString(),
          minutes,
        });
      }
      return { ...answer, arrivals: arrivals.sort((a, b) => a.minutes - b.minutes) };
    },

    async atcCoverage(input) {
      const filter = CoverageFilterSchema.parse(input);
      const page = { limit: filter.limit, offset: filter.offset };
      const window = await windowOf(filter.from, filter.to, 7 * DAY_MS);
      if (window === null) return { from: null, to: null, total: 0, ...page, positions: [], facilities: [] };
      const params = [window.from, window.to, filter.callsign ?? null];
      const rows = await db.query(sql.COVERAGE_BY_POSITION, [...params, filter.limit, filter.offset]);
      const facilities = await db.query(sql.COVERAGE_BY_FACILITY, params);
      return {
        ...window,
        total: Number(rows[0]?.total ?? 0),
        ...page,
        positions: rows.map((row) => ({
          day: row.day as string,
          callsign: row.callsign as string,
          facility: Number(row.facility),
          seconds: Number(row.seconds),
          sessions: Number(row.sessions),
        })),
        facilities: facilities.map((row) => ({
          day: row.day as string,
          facility: Number(row.facility),
          seconds: Number(row.seconds),
          positions: Number(row.positions),
        })),
      };
    },
  };
}

/** The airport of a validated code (the filter schemas refuse unknown ones). */
function known(icao: string): AirportInfo {
  const airport = airportByIcao(icao);
  if (airport === undefined) throw new RangeError(`unknown airport ${icao}`);
  return airport;
}

/** The position in columns `${prefix}_at`, `_lat`, `_lon`, `_alt`, `_gs`; null when the row has none. */
function sampleOf(row: Row, prefix: string): PositionSample | null {
  const at = row[`${prefix}_at`];
  if (typeof at !== "string") return null;
  return {
    at: Date.parse(at),
    latitude: Number(row[`${prefix}_lat`]),
    longitude: Number(row[`${prefix}_lon`]),
    altitude: Number(row[`${prefix}_alt`]),
    groundspeed: Number(row[`${prefix}_gs`]),
  };
}

/**
 * The reads behind the data routes (routes/data.ts): the flights, controllers and ATIS of the network at
 * a snapshot (the newest one, or the one in force at a past moment), a flight with its plan, and its
 * track. Inputs are zod-validated filters (they also travel to the store actor as `store.query`); the
 * statements are fixed text in db/queries_sql.ts, so request text only ever reaches SQL as parameters.
 */
import { z } from "zod";
import type { Queryable } from "./database.ts";
import * as sql from "./queries_sql.ts";
import {
  AircraftTypeSchema,
  AirportSchema,
  BoxSchema,
  CallsignSchema,
  Instant,
  MAX_PAGE,
  Page,
} from "./query_params.ts";
import { type AnomalyFilter, AnomalyFilterSchema, type AnomalyPage, listAnomalies } from "./anomalies.ts";
import { type TrafficQueries, trafficQueries } from "./traffic.ts";
import {
  CoverageFilterSchema,
  ForecastFilterSchema,
  MovementFilterSchema,
  SummaryFilterSchema,
  TrendsFilterSchema,
} from "./traffic_schemas.ts";

export {
  AIRCRAFT_PATTERN,
  AircraftTypeSchema,
  AIRPORT_PATTERN,
  AirportSchema,
  BoxSchema,
  CALLSIGN_PATTERN,
  CallsignSchema,
  Instant,
  MAX_PAGE,
} from "./query_params.ts";
export const MAX_TRACK_POINTS = 20_000;
/** Sessions of the same pilot and callsign closer than this are one flight (a reconnect). */
export const RECONNECT_GAP_MS = 10 * 60_000;

export const FlightFilterSchema = z.object({
  /** The snapshot in force at this moment; the newest when absent. */
  at: Instant.optional(),
  callsign: CallsignSchema.optional(),
  departure: AirportSchema.optional(),
  arrival: AirportSchema.optional(),
  aircraft: AircraftTypeSchema.optional(),
  box: BoxSchema.optional(),
  ...Page,
});
export type FlightFilter = z.input<typeof FlightFilterSchema>;

/** A kept position as the routes show it: the stored row's values, at an ISO time. */
export const PositionSchema = z.object({
  at: z.string(),
  latitude: z.number(),
  longitude: z.number(),
  altitude: z.number(),
  groundspeed: z.number(),
  heading: z.number(),
  transponder: z.string(),
});
export type Position = z.infer<typeof PositionSchema>;

export const FlightSchema = z.object({
  callsign: z.string(),
  cid: z.number(),
  name: z.string(),
  server: z.string(),
  pilotRating: z.number(),
  logonTime: z.string(),
  firstSeen: z.string(),
  lastSeen: z.string(),
  flightRules: z.string().nullable(),
  departure: z.string().nullable(),
  arrival: z.string().nullable(),
  aircraft: z.string().nullable(),
  planRevision: z.number().nullable(),
  /** Where it was at the snapshot (the newest position kept at or before it); null if none was. */
  position: PositionSchema.nullable(),
});
export type Flight = z.infer<typeof FlightSchema>;

/** One page of flights; `snapshot` is null when nothing was stored at or before the asked moment. */
export const FlightPageSchema = z.object({
  snapshot: z.string().nullable(),
  total: z.number(),
  limit: z.number(),
  offset: z.number(),
  flights: z.array(FlightSchema),
});
export type FlightPage = z.infer<typeof FlightPageSchema>;

export const FlightDetailSchema = FlightSchema.extend({
  status: z.enum(["active", "completed"]),
  completedAt: z.string().nullable(),
  militaryRating: z.number().nullable(),
  /** The newest version of its flight plan as the feed gave it, and when it was first seen. */
  plan: z.record(z.string(), z.unknown()).nullable(),
  planFiledAt: z.string().nullable(),
  planVersions: z.number(),
});
export type FlightDetail = z.infer<typeof FlightDetailSchema>;

export const TrackFilterSchema = z.object({
  callsign: CallsignSchema,
  from: Instant.optional(),
  to: Instant.optional(),
}).refine((f) => f.from === undefined || f.to === undefined || Date.parse(f.from) <= Date.parse(f.to), {
  message: "from must not be after to",
  path: ["from"],
});
export type TrackFilter = z.input<typeof TrackFilterSchema>;

/** One pilot's flight under a callsign: sessions joined across short reconnects, and where it went. */
export const TrackSchema = z.object({
  cid: z.number(),
  /** Logon times of the joined sessions, oldest first. */
  sessions: z.array(z.string()),
  points: z.array(PositionSchema),
});

export const TrackResultSchema = z.object({
  callsign: z.string(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  /** Oldest first. Without from/to: the newest flight only. */
  tracks: z.array(TrackSchema),
  /** The point limit cut the answer. */
  truncated: z.boolean(),
});
export type TrackResult = z.infer<typeof TrackResultSchema>;

export const ControllerSchema = z.object({
  callsign: z.string(),
  cid: z.number(),
  station: z.enum(["controller", "atis"]),
  name: z.string(),
  frequency: z.string(),
  facility: z.number(),
  rating: z.number(),
  server: z.string(),
  visualRange: z.number(),
  logonTime: z.string(),
  firstSeen: z.string(),
  lastSeen: z.string(),
  logoffAt: z.string().nullable(),
});
export type Controller = z.infer<typeof ControllerSchema>;

export const AtcFilterSchema = z.object({
  at: Instant.optional(),
  callsign: CallsignSchema.optional(),
  facility: z.number().int().min(0).max(99).optional(),
});
export type AtcFilter = z.input<typeof AtcFilterSchema>;

export const AtcPositionsSchema = z.object({
  snapshot: z.string().nullable(),
  controllers: z.array(ControllerSchema),
});

export const SessionFilterSchema = z.object({
  callsign: CallsignSchema.optional(),
  cid: z.number().int().positive().optional(),
  facility: z.number().int().min(0).max(99).optional(),
  station: z.enum(["controller", "atis"]).optional(),
  from: Instant.optional(),
  to: Instant.optional(),
  online: z.boolean().optional(),
  ...Page,
});
export type SessionFilter = z.input<typeof SessionFilterSchema>;

export const SessionPageSchema = z.object({
  total: z.number(),
  limit: z.number(),
  offset: z.number(),
  sessions: z.array(ControllerSchema),
});

export const AtisFilterSchema = z.object({
  at: Instant.optional(),
  callsign: CallsignSchema.optional(),
});
export type AtisFilter = z.input<typeof AtisFilterSchema>;

export const AtisSchema = ControllerSchema.extend({
  /** The letter, when the station gives one. */
  code: z.string().nullable(),
  lines: z.array(z.string()),
  /** When this text (or letter) went on air. */
  since: z.string().nullable(),
});

export const AtisListSchema = z.object({ snapshot: z.string().nullable(), atis: z.array(AtisSchema) });

/** Every read, by name: what a `store.query` message carries (actors/protocol.ts). */
export const DataQuerySchema = z.discriminatedUnion("name", [
  z.object({ name: z.literal("flights"), filter: FlightFilterSchema }),
  z.object({ name: z.literal("flight"), callsign: CallsignSchema }),
  z.object({ name: z.literal("track"), filter: TrackFilterSchema }),
  z.object({ name: z.literal("atcPositions"), filter: AtcFilterSchema }),
  z.object({ name: z.literal("controllerSessions"), filter: SessionFilterSchema }),
  z.object({ name: z.literal("atis"), filter: AtisFilterSchema }),
  z.object({ name: z.literal("anomalies"), filter: AnomalyFilterSchema }),
  z.object({ name: z.literal("movements"), filter: MovementFilterSchema }),
  z.object({ name: z.literal("trafficSummary"), filter: SummaryFilterSchema }),
  z.object({ name: z.literal("trafficTrends"), filter: TrendsFilterSchema }),
  z.object({ name: z.literal("arrivalForecast"), filter: ForecastFilterSchema }),
  z.object({ name: z.literal("atcCoverage"), filter: CoverageFilterSchema }),
]);
export type DataQuery = z.input<typeof DataQuerySchema>;

/** The reads, as the routes call them: over a database here, over the store actor in the collector. */
export interface DataQueries extends TrafficQueries {
  flights(filter: FlightFilter): Promise<z.infer<typeof FlightPageSchema>>;
  /** The newest session of the callsign, or null when it was never seen. */
  flight(callsign: string): Promise<FlightDetail | null>;
  /** Null when no session of the callsign overlaps the range. */
  track(filter: TrackFilter): Promise<TrackResult | null>;
  atcPositions(filter: AtcFilter): Promise<z.infer<typeof AtcPositionsSchema>>;
  controllerSessions(filter: SessionFilter): Promise<z.infer<typeof SessionPageSchema>>;
  atis(filter: AtisFilter): Promise<z.infer<typeof AtisListSchema>>;
  anomalies(filter: AnomalyFilter): Promise<AnomalyPage>;
}

/** Runs one named read (a `store.query`, whose body the bus has validated already) against db. */
export function runDataQuery(db: Queryable, parsed: z.output<typeof DataQuerySchema>): Promise<unknown> {
  const reads = databaseQueries(db);
  switch (parsed.name) {
    case "flights":
      return reads.flights(parsed.filter);
    case "flight":
      return reads.flight(parsed.callsign);
    case "track":
      return reads.track(parsed.filter);
    case "atcPositions":
      return reads.atcPositions(parsed.filter);
    case "controllerSessions":
      return reads.controllerSessions(parsed.filter);
    case "atis":
      return reads.atis(parsed.filter);
    case "anomalies":
      return reads.anomalies(parsed.filter);
    case "movements":
      return reads.movements(parsed.filter);
    case "trafficSummary":
      return reads.trafficSummary(parsed.filter);
    case "trafficTrends":
      return reads.trafficTrends(parsed.filter);
    case "arrivalForecast":
      return reads.arrivalForecast(parsed.filter);
    case "atcCoverage":
      return reads.atcCoverage(parsed.filter);
  }
}

type Row = Record<string, unknown>;

/** The reads over a database handle; each filter is validated (and defaulted) again here. */
export function databaseQueries(db: Queryable): DataQueries {
  const snapshotAt = async (at: string | undefined): Promise<string | null> => {
    const [row] = await db.query<{ at: string | null }>(sql.SNAPSHOT_AT, [at ?? null]);
    return row?.at ?? null;
  };

  return {
    ...trafficQueries(db),
    async flights(input) {
      const filter = FlightFilterSchema.parse(input);
      const page = { limit: filter.limit, offset: filter.offset };
      const snapshot = await snapshotAt(filter.at);
      if (snapshot === null) return { snapshot, total: 0, ...page, flights: [] };
      const box = filter.box ?? [null, null, null, null];
      const rows = await db.query(sql.FLIGHTS_AT, [
        snapshot,
        filter.callsign ?? null,
        filter.departure ?? null,
        filter.arrival ?? null,
        filter.aircraft ?? null,
        ...box,
        filter.limit,
        filter.offset,
      ]);
      return { snapshot, total: Number(rows[0]?.total ?? 0), ...page, flights: rows.map(flightOf) };
    },

    async flight(input) {
      const callsign = CallsignSchema.parse(input);
      const [row] = await db.query(sql.FLIGHT_BY_CALLSIGN, [callsign]);
      if (row === undefined) return null;
      return {
        ...flightOf(row),
        status: row.status as FlightDetail["status"],
        completedAt: row.completed_at as string | null,
        militaryRating: row.military_rating as number | null,
        plan: (row.plan ?? null) as FlightDetail["plan"],
        planFiledAt: row.plan_filed_at as string | null,
        planVersions: row.plan_versions as number,
      };
    },

    async track(input) {
      const filter = TrackFilterSchema.parse(input);
      const ranged = filter.from !== undefined || filter.to !== undefined;
      const sessions = await db.query<
        { id: number; cid: number; logon_time: string; first_seen: string; last_seen: string }
      >(
        sql.TRACK_SESSIONS,
        [filter.callsign, filter.from ?? null, filter.to ?? null, ranged ? MAX_PAGE : 100],
      );
      if (sessions.length === 0) return null;
      // Newest first from SQL; without a range only the newest flight counts.
      const flights = joinReconnects(sessions.toReversed());
      const chosen = ranged ? flights : flights.slice(-1);
      const ids = chosen.flatMap((flight) => flight.map((s) => s.id));
      const rows = await db.query(sql.TRACK_POSITIONS, [
        ids,
        filter.from ?? null,
        filter.to ?? null,
        MAX_TRACK_POINTS + 1,
      ]);
      const truncated = rows.length > MAX_TRACK_POINTS;
      const byFlight = new Map<number, number>();
      chosen.forEach((flight, index) => flight.forEach((s) => byFlight.set(Number(s.id), index)));
      const points: Position[][] = chosen.map(() => []);
      for (const row of rows.slice(0, MAX_TRACK_POINTS)) {
        points[byFlight.get(Number(row.flight_id))!].push(positionOf(row, "at"));
      }
      return {
        callsign: filter.callsign,
        from: filter.from ?? null,
        to: filter.to ?? null,
        tracks: chosen.map((flight, index) => ({
          cid: flight[0].cid,
          sessions: flight.map((s) => s.logon_time),
          points: points[index],
        })),
        truncated,
      };
    },

    async atcPositions(input) {
      const filter = AtcFilterSchema.parse(input);
      const snapshot = await snapshotAt(filter.at);
      if (snapshot === null) return { snapshot, controllers: [] };
      const rows = await db.query(sql.ATC_POSITIONS_AT, [
        snapshot,
        filter.callsign ?? null,
        filter.facility ?? null,
      ]);
      return { snapshot, controllers: rows.map(controllerOf) };
    },

    async controllerSessions(input) {
      const filter = SessionFilterSchema.parse(input);
      const rows = await db.query(sql.CONTROLLER_SESSIONS, [
        filter.callsign ?? null,
        filter.cid ?? null,
        filter.facility ?? null,
        filter.station ?? null,
        filter.from ?? null,
        filter.to ?? null,
        filter.online ?? null,
        filter.limit,
        filter.offset,
      ]);
      return {
        total: Number(rows[0]?.total ?? 0),
        limit: filter.limit,
        offset: filter.offset,
        sessions: rows.map(controllerOf),
      };
    },

    anomalies: (filter) => listAnomalies(db, filter),
    async atis(input) {
      const filter = AtisFilterSchema.parse(input);
      const snapshot = await snapshotAt(filter.at);
      if (snapshot === null) return { snapshot, atis: [] };
      const rows = await db.query(sql.ATIS_AT, [snapshot, filter.callsign ?? null]);
      return {
        snapshot,
        atis: rows.map((row) => ({
          ...controllerOf(row),
          code: (row.code ?? null) as string | null,
          lines: typeof row.text === "string" && row.text !== "" ? row.text.split("\n") : [],
          since: (row.since ?? null) as string | null,
        })),
      };
    },
  };
}

interface TrackSession {
  id: number;
  cid: number;
  logon_time: string;
  first_seen: string;
  last_seen: string;
}

/**
 * Groups sessions (oldest first) into flights: a session joins the previous one of the same pilot when
 * it began within {@link RECONNECT_GAP_MS} of that one's last sighting. Flights come out oldest first.
 */
export function joinReconnects<S extends TrackSession>(sessions: readonly S[]): S[][] {
  const flights: S[][] = [];
  const open = new Map<number, S[]>();
  for (const session of sessions) {
    const current = open.get(session.cid);
    const last = current?.at(-1);
    if (current && last && Date.parse(session.first_seen) - Date.parse(last.last_seen) <= RECONNECT_GAP_MS) {
      current.push(session);
    } else {
      const flight = [session];
      flights.push(flight);
      open.set(session.cid, flight);
    }
  }
  return flights;
}

/** A position from the columns lat, lon, alt, gs, hdg, squawk and the time in column `at`. */
function positionOf(row: Row, at: string): Position {
  return {
    at: row[at] as string,
    latitude: Number(row.lat),
    longitude: Number(row.lon),
    altitude: Number(row.alt),
    groundspeed: Number(row.gs),
    heading: Number(row.hdg),
    transponder: String(row.squawk),
  };
}

function flightOf(row: Row): Flight {
  return {
    callsign: row.callsign as string,
    cid: Number(row.cid),
    name: row.name as string,
    server: row.server as string,
    pilotRating: Number(row.pilot_rating),
    logonTime: row.logon_time as string,
    firstSeen: row.first_seen as string,
    lastSeen: row.last_seen as string,
    flightRules: (row.flight_rules ?? null) as string | null,
    departure: (row.departure ?? null) as string | null,
    arrival: (row.arrival ?? null) as string | null,
    aircraft: (row.aircraft ?? null) as string | null,
    planRevision: (row.plan_revision ?? null) as number | null,
    position: row.position_iso == null ? null : positionOf(row, "position_iso"),
  };
}

function controllerOf(row: Row): Controller {
  return {
    callsign: row.callsign as string,
    cid: Number(row.cid),
    station: row.station as Controller["station"],
    name: row.name as string,
    frequency: row.frequency as string,
    facility: Number(row.facility),
    rating: Number(row.rating),
    server: row.server as string,
    visualRange: Number(row.visual_range),
    logonTime: row.logon_time as string,
    firstSeen: row.first_seen as string,
    lastSeen: row.last_seen as string,
    logoffAt: (row.logoff_at ?? null) as string | null,
  };
}

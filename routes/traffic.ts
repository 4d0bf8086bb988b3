/**
 * The traffic routes: an airport as the airport data gives it, and what the stored positions say about
 * traffic (movements, a region's summary, hourly trends, expected arrivals) and about ATC coverage.
 * Parameters are parsed as in routes/data.ts (a bad one is a 400 naming it); an unknown airport or a
 * prefix no airport has is a 404. The reads are in db/traffic.ts.
 */
import { type Context, Hono } from "hono";
import type { DataQueries } from "../db/queries.ts";
import { airportByIcao, type AirportInfo, airportsWithPrefix } from "../traffic/airports.ts";
import { type Region, REGION_PREFIX_PATTERN } from "../traffic/region.ts";
import { inOrder, invalid, jsonWithEtag, page, param, parseQuery } from "./data.ts";
import { HttpError } from "./errors.ts";

const WindowQuery = { from: param.instant, to: param.instant };

/** Each traffic route's query parameters: what parseQuery checks and /openapi.json lists. */
export const TRAFFIC_QUERIES = {
  movements: { ...WindowQuery, ...page },
  summary: WindowQuery,
  trends: { days: param.count(1, 28) },
  forecast: { minutes: param.count(1, 360) },
  coverage: { ...WindowQuery, callsign: param.callsign, ...page },
};

/** The path's airport; 400 when it cannot be an ICAO code, 404 when no airport has it. */
function airportParam(c: Context): AirportInfo {
  const parsed = param.airport.safeParse(c.req.param("icao") ?? "");
  if (!parsed.success) throw invalid("icao", parsed.error.issues[0]?.message ?? "is not valid");
  const airport = airportByIcao(parsed.data);
  if (airport === undefined) throw new HttpError(404, "not_found", `no airport ${parsed.data} is known`);
  return airport;
}

/** The path's region: a box when it holds commas, else an ICAO prefix that some airport has. */
function regionParam(c: Context): Region {
  const text = c.req.param("region") ?? "";
  if (text.includes(",")) {
    const parsed = param.box.safeParse(text);
    if (!parsed.success) throw invalid("region", parsed.error.issues[0]?.message ?? "is not valid");
    return { box: parsed.data };
  }
  const prefix = text.trim().toUpperCase();
  if (!REGION_PREFIX_PATTERN.test(prefix)) {
    throw invalid("region", "must be an ICAO code prefix (e.g. EG, K) or a box west,south,east,north");
  }
  if (airportsWithPrefix(prefix).length === 0) {
    throw new HttpError(404, "not_found", `no airport code starts with ${prefix}`);
  }
  return { prefix };
}

/** The traffic routes, to be mounted at `/api`. */
export function trafficRoutes(deps: { data: DataQueries }): Hono {
  const app = new Hono();
  const { data } = deps;

  app.get("/airports/:icao", (c) => {
    const airport = airportParam(c);
    parseQuery(c, {});
    return jsonWithEtag(c, airport);
  });

  app.get("/traffic/movements/:icao", async (c) => {
    const { icao } = airportParam(c);
    const filter = parseQuery(c, TRAFFIC_QUERIES.movements);
    inOrder(filter.from, filter.to);
    return jsonWithEtag(c, await data.movements({ ...filter, airport: icao }));
  });

  app.get("/traffic/summary/:region", async (c) => {
    const region = regionParam(c);
    const filter = parseQuery(c, TRAFFIC_QUERIES.summary);
    inOrder(filter.from, filter.to);
    return jsonWithEtag(c, await data.trafficSummary({ ...filter, region }));
  });

  app.get("/traffic/trends/:icao", async (c) => {
    const { icao } = airportParam(c);
    const filter = parseQuery(c, TRAFFIC_QUERIES.trends);
    return jsonWithEtag(c, await data.trafficTrends({ ...filter, airport: icao }));
  });

  app.get("/traffic/forecast/:icao", async (c) => {
    const { icao } = airportParam(c);
    const filter = parseQuery(c, TRAFFIC_QUERIES.forecast);
    return jsonWithEtag(c, await data.arrivalForecast({ ...filter, airport: icao }));
  });

  app.get("/atc/coverage", async (c) => {
    const filter = parseQuery(c, TRAFFIC_QUERIES.coverage);
    inOrder(filter.from, filter.to);
    return jsonWithEtag(c, await data.atcCoverage(filter));
  });

  return app;
}

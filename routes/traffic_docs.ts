/** The traffic routes (routes/traffic.ts) as routes/route_docs.ts declares them, with their schemas. */
import { z } from "zod";
import {
  ArrivalForecastSchema,
  AtcCoverageSchema,
  MovementPageSchema,
  TrafficSummarySchema,
  TrafficTrendsSchema,
} from "../db/traffic_schemas.ts";
import { AirportInfoSchema } from "../traffic/airports.ts";
import { ErrorBodySchema } from "./errors.ts";
import type { AnswerDoc, RouteDoc } from "./route_docs.ts";
import { TRAFFIC_QUERIES } from "./traffic.ts";

const icao = { icao: z.string().meta({ description: "an ICAO airport code, any case", examples: ["EGLL"] }) };
const region = {
  region: z.string().meta({
    description: "an ICAO code prefix or a box west,south,east,north in degrees",
    examples: ["EG", "K", "-10,35,30,60"],
  }),
};
// The traffic tag gets no automatic 503: the airport lookup reads no database, the others say it here.
const unavailable: AnswerDoc = {
  description: "the database could not answer",
  schema: ErrorBodySchema,
  id: "Error",
};
const json = (description: string, schema: z.ZodType, id: string) => ({
  200: { description, schema, id },
  503: unavailable,
});

export const TRAFFIC_ROUTE_DOCS: RouteDoc[] = [
  {
    method: "get",
    path: "/api/airports/{icao}",
    summary: "An airport from the airport data (OurAirports): name, position, elevation, country",
    tag: "traffic",
    pathParams: icao,
    answers: { 200: { description: "the airport", schema: AirportInfoSchema, id: "Airport" } },
  },
  {
    method: "get",
    path: "/api/traffic/movements/{icao}",
    summary: "Departures and arrivals seen at an airport (leaving or reaching the ground near it), " +
      "newest first; the last 24 h of feed time unless from/to say otherwise",
    tag: "traffic",
    pathParams: icao,
    query: TRAFFIC_QUERIES.movements,
    answers: json("one page of movements", MovementPageSchema, "MovementPage"),
  },
  {
    method: "get",
    path: "/api/traffic/summary/{region}",
    summary: "A region now (flights on the ground and in the air, by phase) and over the window " +
      "(departures, arrivals, the busiest airports)",
    tag: "traffic",
    pathParams: region,
    query: TRAFFIC_QUERIES.summary,
    answers: json("the summary", TrafficSummarySchema, "TrafficSummary"),
  },
  {
    method: "get",
    path: "/api/traffic/trends/{icao}",
    summary: "Movements per hour over the last 24 h, each next to the mean and spread of the same hour " +
      "on the days before that the collector observed",
    tag: "traffic",
    pathParams: icao,
    query: TRAFFIC_QUERIES.trends,
    answers: json("24 hours, oldest first", TrafficTrendsSchema, "TrafficTrends"),
  },
  {
    method: "get",
    path: "/api/traffic/forecast/{icao}",
    summary: "Flights in the air planned to the airport that should arrive within `minutes` (60), by " +
      "ETA: great-circle distance over ground speed",
    tag: "traffic",
    pathParams: icao,
    query: TRAFFIC_QUERIES.forecast,
    answers: json("the expected arrivals", ArrivalForecastSchema, "ArrivalForecast"),
  },
  {
    method: "get",
    path: "/api/atc/coverage",
    summary: "Online controller time per UTC day, by position (callsign) and by facility; the last 7 days " +
      "of feed time unless from/to say otherwise",
    tag: "traffic",
    query: TRAFFIC_QUERIES.coverage,
    answers: json("the coverage", AtcCoverageSchema, "AtcCoverage"),
  },
];

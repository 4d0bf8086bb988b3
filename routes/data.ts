/**
 * The data routes: flights, a flight and its track, controller positions and sessions, ATIS, now or at a
 * past moment (`at=`). Query strings are parsed against a fixed list of parameters, so a typo or a bad
 * value is a 400 naming the parameter; the validated values go to `deps.data` (db/queries.ts), which
 * only ever sends them to SQL as parameters. Answers carry an `ETag` and honour `If-None-Match`.
 * `GET /api/flights`, `/api/atc-positions` and `/api/atis` without parameters are answered from the hot
 * views the front holds (routes/hot_views.ts) when it has them: the same bytes, without a database read.
 */
import { type Context, Hono } from "hono";
import { z } from "zod";
import {
  AIRCRAFT_PATTERN,
  AIRPORT_PATTERN,
  BoxSchema,
  CALLSIGN_PATTERN,
  type DataQueries,
  MAX_PAGE,
} from "../db/queries.ts";
import { POSTGRES_RANGE, postgresTakes } from "../db/query_params.ts";
import { ANOMALY_KINDS } from "../feed/anomalies.ts";
import { HttpError } from "./errors.ts";
import type { CacheKind } from "../cache/store.ts";
import { acceptsGzip, etagOf, type HotView, type HotViewSource } from "./hot_views.ts";

/** Text upper-cased and trimmed, then matched against one of the patterns of db/queries.ts. */
const upper = (pattern: RegExp, message: string) =>
  z.string().transform((value) => value.trim().toUpperCase()).pipe(z.string().regex(pattern, { message }));

/** Query parameters arrive as text: each of these turns one into a typed value or says what it must be. */
export const param = {
  callsign: upper(CALLSIGN_PATTERN, "must be 1 to 16 letters, digits, '_' or '-'"),
  airport: upper(AIRPORT_PATTERN, "must be an ICAO airport code"),
  aircraft: upper(AIRCRAFT_PATTERN, "must be an ICAO aircraft type designator"),
  instant: z.iso.datetime({
    offset: true,
    message: "must be an ISO 8601 time with a zone, e.g. 2024-05-01T12:00:00Z",
  }).refine(postgresTakes, POSTGRES_RANGE),
  count: (min: number, max: number) =>
    z.string().regex(/^\d{1,9}$/, { message: "must be a whole number" }).transform(Number).pipe(
      z.number().min(min, { message: `must be at least ${min}` }).max(max, {
        message: `must be at most ${max}`,
      }),
    ),
  flag: z.enum(["true", "false"], { message: 'must be "true" or "false"' }).transform((value) =>
    value === "true"
  ),
  box: z.string().transform((value, ctx) => {
    const parts = value.split(",").map((part) => part.trim() === "" ? Number.NaN : Number(part));
    if (parts.length !== 4 || parts.some((part) => !Number.isFinite(part))) {
      ctx.issues.push({
        code: "custom",
        input: value,
        message: "must be four numbers: west,south,east,north",
      });
      return z.NEVER;
    }
    return parts;
  }).pipe(BoxSchema),
};

export const page = { limit: param.count(1, MAX_PAGE), offset: param.count(0, 1_000_000) };

const FlightsQuery = {
  at: param.instant,
  callsign: param.callsign,
  departure: param.airport,
  arrival: param.airport,
  aircraft: param.aircraft,
  bbox: param.box,
  ...page,
};
const TrackQuery = { from: param.instant, to: param.instant };
const AtcQuery = { at: param.instant, callsign: param.callsign, facility: param.count(0, 99) };
const SessionsQuery = {
  callsign: param.callsign,
  cid: param.count(1, 999_999_999),
  facility: param.count(0, 99),
  station: z.enum(["controller", "atis"], { message: 'must be "controller" or "atis"' }),
  from: param.instant,
  to: param.instant,
  online: param.flag,
  ...page,
};
const AtisQuery = { at: param.instant, callsign: param.callsign };
const AnomaliesQuery = {
  kind: z.enum(ANOMALY_KINDS, { message: `must be one of ${ANOMALY_KINDS.join(", ")}` }),
  callsign: param.callsign,
  from: param.instant,
  to: param.instant,
  ...page,
};

/** Each data route's query parameters, by route: what parseQuery checks and /openapi.json lists. */
export const DATA_QUERIES = {
  flights: FlightsQuery,
  track: TrackQuery,
  atcPositions: AtcQuery,
  sessions: SessionsQuery,
  atis: AtisQuery,
  anomalies: AnomaliesQuery,
};

/**
 * Reads the query string against `shape`: every parameter optional, none unknown or repeated.
 * Throws 400 `invalid_parameter` naming the first parameter that is wrong.
 */
export function parseQuery<S extends Record<string, z.ZodType<unknown, string>>>(
  c: Context,
  shape: S,
): { [K in keyof S]?: z.output<S[K]> } {
  const values: Record<string, string> = {};
  for (const [name, given] of Object.entries(c.req.queries())) {
    if (!Object.hasOwn(shape, name)) {
      const known = Object.keys(shape).join(", ") || "none";
      throw invalid(name, `is not a parameter of this route (it takes: ${known})`);
    }
    if (given.length > 1) throw invalid(name, "is given more than once");
    values[name] = given[0];
  }
  const result: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    const parsed = shape[name].safeParse(value);
    if (!parsed.success) throw invalid(name, parsed.error.issues[0]?.message ?? "is not valid");
    result[name] = parsed.data;
  }
  return result as { [K in keyof S]?: z.output<S[K]> };
}

/** A 400 `invalid_parameter` whose message names the parameter. */
export function invalid(name: string, message: string): HttpError {
  return new HttpError(400, "invalid_parameter", `parameter "${name}" ${message}`);
}

/** A time range's ends, when both are given, must be in order; 400 naming `from` otherwise. */
export function inOrder(from: string | undefined, to: string | undefined): void {
  if (from !== undefined && to !== undefined && Date.parse(from) > Date.parse(to)) {
    throw invalid("from", "must not be after to");
  }
}

/** A path's callsign, upper-cased; 400 when it cannot be one. */
function callsignParam(c: Context): string {
  const parsed = param.callsign.safeParse(c.req.param("callsign") ?? "");
  if (!parsed.success) throw invalid("callsign", parsed.error.issues[0]?.message ?? "is not valid");
  return parsed.data;
}

/**
 * Answers JSON with a weak ETag of the exact bytes; a request whose `If-None-Match` names it gets a
 * bodiless 304, so a client polling an unchanged network downloads nothing.
 */
export async function jsonWithEtag(c: Context, body: unknown): Promise<Response> {
  const bytes = new TextEncoder().encode(JSON.stringify(body));
  return etagged(c, { bytes, etag: await etagOf(bytes) });
}

/** Answers JSON bytes whose ETag is known, or a bodiless 304 when the client has them already. */
function etagged(c: Context, { bytes, etag, gzip }: HotView): Response {
  // A weak ETag stays the same across encodings: the content is the same.
  const headers: Record<string, string> = { ETag: etag, "Cache-Control": "no-cache" };
  if (gzip) headers.Vary = "Accept-Encoding";
  if (matches(c.req.header("If-None-Match"), etag)) return c.body(null, 304, headers);
  if (gzip && acceptsGzip(c.req.header("Accept-Encoding"))) {
    return c.body(gzip, 200, { ...headers, "Content-Type": "application/json", "Content-Encoding": "gzip" });
  }
  return c.body(bytes, 200, { ...headers, "Content-Type": "application/json" });
}

/** The hot view of a request without a query string, if the front holds one (routes/hot_views.ts). */
function hotView(c: Context, hot: HotViewSource | undefined, kind: CacheKind): HotView | undefined {
  return hot !== undefined && !c.req.url.includes("?") ? hot.get(kind) : undefined;
}

/** If-None-Match compares weakly: `*`, or any listed tag equal to ours with or without `W/`. */
function matches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const bare = (tag: string) => tag.trim().replace(/^W\//, "");
  return header.split(",").some((tag) => tag.trim() === "*" || bare(tag) === bare(etag));
}

/**
 * The data routes, to be mounted at `/api`. With `hot`, the parameterless "now" answers come from the
 * hot views when the front holds them.
 */
export function dataRoutes(deps: { data: DataQueries; hot?: HotViewSource }): Hono {
  const app = new Hono();
  const { data, hot } = deps;

  app.get("/flights", async (c) => {
    const view = hotView(c, hot, "flights");
    if (view) return etagged(c, view);
    const { bbox, ...filter } = parseQuery(c, FlightsQuery);
    return jsonWithEtag(c, await data.flights({ ...filter, box: bbox }));
  });

  app.get("/flights/:callsign", async (c) => {
    const callsign = callsignParam(c);
    parseQuery(c, {});
    const flight = await data.flight(callsign);
    if (flight === null) {
      throw new HttpError(404, "not_found", `no flight with callsign ${callsign} was seen`);
    }
    return jsonWithEtag(c, flight);
  });

  app.get("/flights/:callsign/track", async (c) => {
    const callsign = callsignParam(c);
    const { from, to } = parseQuery(c, TrackQuery);
    inOrder(from, to);
    const track = await data.track({ callsign, from, to });
    if (track === null) {
      const range = from || to ? ` between ${from ?? "the start"} and ${to ?? "now"}` : "";
      throw new HttpError(404, "not_found", `no flight with callsign ${callsign} was seen${range}`);
    }
    return jsonWithEtag(c, track);
  });

  app.get("/atc-positions", async (c) => {
    const view = hotView(c, hot, "controllers");
    return view ? etagged(c, view) : jsonWithEtag(c, await data.atcPositions(parseQuery(c, AtcQuery)));
  });

  app.get("/controllers/sessions", async (c) => {
    const filter = parseQuery(c, SessionsQuery);
    inOrder(filter.from, filter.to);
    return jsonWithEtag(c, await data.controllerSessions(filter));
  });

  app.get("/atis", async (c) => {
    const view = hotView(c, hot, "atis");
    return view ? etagged(c, view) : jsonWithEtag(c, await data.atis(parseQuery(c, AtisQuery)));
  });

  app.get("/anomalies", async (c) => {
    const filter = parseQuery(c, AnomaliesQuery);
    inOrder(filter.from, filter.to);
    return jsonWithEtag(c, await data.anomalies(filter));
  });

  return app;
}

/**
 * The HTTP front's hot path: `GET /api/flights` with 2,000 flights answered from the hot view
 * (routes/hot_views.ts) through the whole app (request counting, routing, ETag), against a bare
 * `Deno.serve` answering the same bytes with the same headers, in the same run. A load generator in its
 * own process (bench/http_load.ts) drives each server in turn, rounds interleaved so machine noise falls
 * on both alike: requests per second with 16 connections at once, latency with one (with 16, a request
 * mostly waits behind the other 15, and p99 measures the queue, not the server).
 *
 * The page is built from the CTP peak recording's pilots (1,925, topped up to 2,000 with renamed copies),
 * shaped and checked as the route's own schema, so the bytes are the size a real answer has.
 */
import { type FlightPage, FlightPageSchema } from "../db/queries.ts";
import { createApp } from "../routes/app.ts";
import { HotViews } from "../routes/hot_views.ts";
import { fakeDeps } from "../routes/test_deps.ts";
import { FIXTURES_DIR } from "../tests/helpers/fixtures.ts";
import { type LoadResult, runLoad } from "./load_generator.ts";
import { ms, type Row, row } from "./report.ts";
import { median, round, thousands } from "./stats.ts";

const PEAK = "vatsim-data_2021-04-24T1528Z_ctp-westbound-peak.json";
const FLIGHTS = 2_000;
/** Requests per second are measured with this many connections at once, latency with one. */
const CONNECTIONS = 16;
export const FRONT_RPS_GOAL = 0.8;
export const FRONT_P99_GOAL_MS = 5;

export interface FrontReport {
  flights: number;
  bytes: number;
  /** What is sent: the bytes gzipped. */
  gzipBytes: number;
  connections: number;
  rounds: number;
  /** Requests per second with CONNECTIONS at once; p99 latency with one connection. */
  app: { rps: number; p99Ms: number };
  bare: { rps: number; p99Ms: number };
  ratio: number;
  met: { ratio: boolean; p99: boolean };
}

/** The page of 2,000 flights, as the store's hot view would hold it. */
async function flightPage(): Promise<FlightPage> {
  const feed = JSON.parse(await Deno.readTextFile(`${FIXTURES_DIR}${PEAK}`));
  const at: string = feed.general.update_timestamp;
  // deno-lint-ignore no-explicit-any
  const pilots: any[] = feed.pilots;
  const flights = Array.from({ length: FLIGHTS }, (_, i) => {
    const p = pilots[i % pilots.length];
    const plan = p.flight_plan;
    return {
      callsign: i < pilots.length ? p.callsign : `${p.callsign}X${i}`.slice(0, 16),
      cid: p.cid,
      name: p.name,
      server: p.server,
      pilotRating: p.pilot_rating,
      logonTime: p.logon_time,
      firstSeen: p.logon_time,
      lastSeen: at,
      flightRules: plan?.flight_rules ?? null,
      departure: plan?.departure || null,
      arrival: plan?.arrival || null,
      aircraft: plan?.aircraft_short || null,
      planRevision: plan ? 0 : null,
      position: {
        at,
        latitude: p.latitude,
        longitude: p.longitude,
        altitude: p.altitude,
        groundspeed: p.groundspeed,
        heading: p.heading,
        transponder: p.transponder,
      },
    };
  });
  return FlightPageSchema.parse({ snapshot: at, total: FLIGHTS, limit: FLIGHTS, offset: 0, flights });
}

export async function frontBench(
  { quick, progress }: { quick: boolean; progress: (line: string) => void },
): Promise<FrontReport> {
  const rounds = quick ? 1 : 3;
  const seconds = quick ? 1 : 4;
  const bytes = new TextEncoder().encode(JSON.stringify(await flightPage()));
  const hot = new HotViews();
  await hot.put("flights", bytes);
  const front = createApp(fakeDeps({ hot }));
  const view = hot.get("flights")!;
  // Clients accept gzip, so both servers send the view's gzipped bytes, made once when it arrived.
  const sent = view.gzip ?? view.bytes;
  const headers = {
    ETag: view.etag,
    "Cache-Control": "no-cache",
    "Content-Type": "application/json",
    "Content-Encoding": "gzip",
    Vary: "Accept-Encoding",
  };
  const quiet = { hostname: "127.0.0.1", port: 0, onListen: () => {} };
  const servers = {
    app: Deno.serve(quiet, front.fetch),
    bare: Deno.serve(quiet, () => new Response(sent, { headers })),
  };
  const results = {
    throughput: { app: [] as LoadResult[], bare: [] as LoadResult[] },
    latency: { app: [] as LoadResult[], bare: [] as LoadResult[] },
  };
  try {
    for (let r = 0; r <= rounds; r++) {
      const warm = r === 0;
      for (const [phase, connections] of [["throughput", CONNECTIONS], ["latency", 1]] as const) {
        for (const name of ["app", "bare"] as const) {
          const path = name === "app" ? "/api/flights" : "/";
          const result = await runLoad(
            [`http://127.0.0.1:${servers[name].addr.port}${path}`],
            warm ? 1 : seconds,
            connections,
          );
          if (result.bytesPerResponse !== sent.byteLength) throw new Error(`${name} answered other bytes`);
          if (!warm) results[phase][name].push(result);
          progress(
            `front ${warm ? "warm-up" : `round ${r}/${rounds}`} ${name}, ${connections} connection(s): ` +
              `${Math.round(result.rps)} req/s, p99 ${round(result.p99Ms)} ms`,
          );
        }
      }
    }
  } finally {
    await Promise.all([servers.app.shutdown(), servers.bare.shutdown()]);
  }
  const rps = (list: LoadResult[]) => Math.round(median(list.map((r) => r.rps)));
  const p99 = (list: LoadResult[]) => round(median(list.map((r) => r.p99Ms)));
  const app = { rps: rps(results.throughput.app), p99Ms: p99(results.latency.app) };
  const bare = { rps: rps(results.throughput.bare), p99Ms: p99(results.latency.bare) };
  const ratio = round(app.rps / bare.rps);
  return {
    flights: FLIGHTS,
    bytes: bytes.byteLength,
    gzipBytes: sent.byteLength,
    connections: CONNECTIONS,
    rounds,
    app,
    bare,
    ratio,
    met: { ratio: ratio >= FRONT_RPS_GOAL, p99: app.p99Ms < FRONT_P99_GOAL_MS },
  };
}

/** The report's rows. */
export function frontRows(front: FrontReport): Row[] {
  const page = `GET /api/flights, ${front.flights.toLocaleString("en-US")} flights from the hot view`;
  return [
    row("front", {
      measure: `${page}: requests per second (${front.connections} connections)`,
      result: thousands(front.app.rps),
      baseline: `${thousands(front.bare.rps)} bare Deno.serve, same bytes`,
      ratio: `${front.ratio}`,
      goal: `≥ ${FRONT_RPS_GOAL}`,
      met: front.met.ratio,
    }),
    row("front", {
      measure: `${page}: latency p99 (1 connection)`,
      result: ms(front.app.p99Ms),
      baseline: `${ms(front.bare.p99Ms)} bare Deno.serve`,
      ratio: `${round(front.app.p99Ms / front.bare.p99Ms)}`,
      goal: `< ${FRONT_P99_GOAL_MS} ms`,
      met: front.met.p99,
    }),
  ];
}

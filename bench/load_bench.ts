/**
 * The HTTP front while the collector takes in a big network, and the other way round: the service as
 * `deno task start` runs it (bench/service.ts, on a throwaway PostgreSQL database and the memory cache)
 * ingests 10,000 simulated pilots, one snapshot every 3 s, while bench/http_load.ts (its own process)
 * drives the hot routes. Same run, rounds interleaved so machine noise falls on every condition alike:
 *
 * - ingest alone: fetched → committed latency (the commit seen by a NOTIFY after COMMIT, as in
 *   bench/collector_run.ts);
 * - ingest + 16 connections on each hot route in turn: its requests per second, and the ingest latency
 *   meanwhile;
 * - ingest + 1 connection taking the four routes in turn: each one's latency p99 (the server's time,
 *   not a queue's);
 * - no ingest (the fetcher stopped through the control route): the same loads, the baseline.
 *
 * The simulator renders in this process, a snapshot per cadence, only while ingest runs. The RSS of the
 * service's process tree is read every 500 ms throughout.
 */
import postgres from "postgres";
import { postgresAvailable, withTempDatabase } from "../tests/helpers/postgres.ts";
import { startSimulator } from "../sim/server.ts";
import { prepareDatabase } from "./collector_run.ts";
import { type LoadResult, runLoad } from "./load_generator.ts";
import { mb, processTreeMemory } from "./proc_memory.ts";
import { ms, type Row, row } from "./report.ts";
import { getJson, type Service, startService } from "./service.ts";
import { median, round, summarise, type Summary, thousands } from "./stats.ts";

export const HOT_ROUTES = ["/api/flights", "/api/atc-positions", "/api/atis", "/api/status"] as const;
const PILOTS = 10_000;
const CADENCE_MS = 3_000;
const CONNECTIONS = 16;
const CONTROL_TOKEN = "bench-control-token-0123456789";

interface Commit {
  fetchedAt: number;
  committedAt: number;
}

/** One route's figures: requests per second with CONNECTIONS, p99 with one. */
export interface RouteFigures {
  rps: number;
  p99Ms: number;
}

export interface LoadReport {
  pilots: number;
  cadenceMs: number;
  connections: number;
  rounds: number;
  windowS: number;
  /** Each route: requests per second with CONNECTIONS on it alone; p99 with one connection on all four. */
  routes: Record<string, { ingest: RouteFigures; idle: RouteFigures; bytes: number }>;
  /** Null when no snapshot was fetched and committed within the windows. */
  ingestMs: {
    alone: Summary | null;
    /** During the CONNECTIONS load. */
    underLoad: Summary | null;
    /** During the one-connection load. */
    underLightLoad: Summary | null;
  };
  /** Snapshots fetched before the one before them had committed (they waited their turn). */
  queued: { alone: number; underLoad: number };
  rss: {
    ready: number;
    ingestMax: number;
    ingestUnderLoadMax: number;
    idleUnderLoadMax: number;
    max: number;
  };
  /** Actor restarts during the run, with their reasons (none expected). */
  restarts: { count: number; reasons: string[] };
}

export async function loadBench(
  { quick, progress }: { quick: boolean; progress: (line: string) => void },
): Promise<LoadReport | { skipped: string }> {
  if (!postgresAvailable) return { skipped: "PostgreSQL did not answer (TEST_POSTGRES_URL)" };
  const rounds = quick ? 1 : 3;
  const windowS = quick ? 6 : 14;
  return await withTempDatabase(async (url) => {
    await prepareDatabase(url);
    const sim = startSimulator({ pilots: PILOTS, manual: true });
    const commits: Commit[] = [];
    const listener = postgres(url, { max: 1, onnotice: () => {} });
    const dataDir = await Deno.makeTempDir({ prefix: "bench-load-" });
    let service: Service | undefined;
    let ticker: ReturnType<typeof setInterval> | undefined;
    let sampler: ReturnType<typeof setInterval> | undefined;
    try {
      await listener.listen("bench_committed", (payload) => {
        const row = JSON.parse(payload) as { fetchedAt: number };
        commits.push({ fetchedAt: row.fetchedAt, committedAt: Date.now() });
      });
      progress(`load: the service on PostgreSQL, ${PILOTS.toLocaleString("en-US")} simulated pilots`);
      service = await startService({
        env: {
          DATABASE_URL: url,
          DATA_DIR: dataDir,
          FEED: "live",
          VATSIM_STATUS_URL: sim.statusUrl,
          POLL_INTERVAL_MS: String(CADENCE_MS),
          CONTROL_TOKEN,
          LOG_LEVEL: "warning",
        },
        log: (line) => progress(line),
      });
      const running = service;
      const rss = {
        ready: processTreeMemory(running.pid)?.total.rss ?? 0,
        samples: [] as [number, number][],
      };
      sampler = setInterval(() => {
        const memory = processTreeMemory(running.pid);
        if (memory) rss.samples.push([Date.now(), memory.total.rss]);
      }, 500);
      const ingest = {
        on: true,
        start() {
          ticker = setInterval(() => sim.tick(), CADENCE_MS);
        },
        async set(on: boolean) {
          if (on === this.on) return;
          this.on = on;
          if (on) {
            await control(running, "start");
            this.start();
            return;
          }
          clearInterval(ticker);
          await control(running, "stop");
          await settled(commits);
        },
      };
      ingest.start();
      const warmup = quick ? 2 : 4;
      progress(`load: warm-up, until ${warmup} snapshots have committed (the first creates every session)`);
      await until(() => commits.length >= warmup, 180_000, `${warmup} commits`);

      type Loads = { throughput: Record<string, LoadResult[]>; latency: LoadResult[] };
      const empty = (): Loads => ({
        throughput: Object.fromEntries(HOT_ROUTES.map((path) => [path, []])),
        latency: [],
      });
      const loads = { ingest: empty(), idle: empty() };
      const windows = { alone: [] as Window[], underLoad: [] as Window[], underLightLoad: [] as Window[] };
      const idleWindows: Window[] = [];
      /** Each route alone with CONNECTIONS, then the four in turn on one connection for their p99. */
      const drive = async (into: Loads): Promise<{ heavy: Window; light: Window }> => {
        const from = Date.now();
        for (const path of HOT_ROUTES) {
          into.throughput[path].push(await runLoad([`${running.base}${path}`], windowS / 2, CONNECTIONS));
        }
        const heavy = { from, to: Date.now() };
        const light = await timed(() =>
          runLoad(HOT_ROUTES.map((p) => `${running.base}${p}`), windowS / 2, 1)
        );
        into.latency.push(light.result);
        return { heavy, light: light.window };
      };
      for (let r = 1; r <= rounds; r++) {
        await ingest.set(true);
        const alone = await timed(() => pause(windowS * 1000));
        windows.alone.push(alone.window);
        const during = await drive(loads.ingest);
        windows.underLoad.push(during.heavy);
        windows.underLightLoad.push(during.light);
        await ingest.set(false);
        const idle = await drive(loads.idle);
        idleWindows.push({ from: idle.heavy.from, to: idle.light.to });
        const rps = (into: Loads) =>
          HOT_ROUTES.map((path) => Math.round(into.throughput[path][r - 1].rps)).join(" / ");
        progress(
          `load round ${r}/${rounds}: ingest ${
            inWindows(commits, [alone.window]).ms.length
          } snapshots alone, ` +
            `${inWindows(commits, [during.heavy]).ms.length} under load; req/s ${rps(loads.ingest)} during ` +
            `ingest, ${rps(loads.idle)} without; p99 ${round(loads.ingest.latency[r - 1].p99Ms)} / ` +
            `${round(loads.idle.latency[r - 1].p99Ms)} ms`,
        );
      }
      clearInterval(sampler);
      const figures = (phase: "ingest" | "idle", path: string): RouteFigures => ({
        rps: Math.round(median(loads[phase].throughput[path].map((r) => r.rps))),
        p99Ms: round(median(loads[phase].latency.map((r) => r.paths[path].p99Ms))),
      });
      const maxIn = (list: Window[]) =>
        Math.max(
          0,
          ...rss.samples.filter(([at]) => list.some((w) => at >= w.from && at <= w.to)).map(([, b]) => b),
        );
      const alone = inWindows(commits, windows.alone);
      const underLoad = inWindows(commits, windows.underLoad);
      return {
        pilots: PILOTS,
        cadenceMs: CADENCE_MS,
        connections: CONNECTIONS,
        rounds,
        windowS,
        routes: Object.fromEntries(HOT_ROUTES.map((path) => [path, {
          ingest: figures("ingest", path),
          idle: figures("idle", path),
          bytes: loads.ingest.throughput[path][0].bytesPerResponse,
        }])),
        ingestMs: {
          alone: summary(alone.ms),
          underLoad: summary(underLoad.ms),
          underLightLoad: summary(inWindows(commits, windows.underLightLoad).ms),
        },
        queued: { alone: alone.queued, underLoad: underLoad.queued },
        rss: {
          ready: rss.ready,
          ingestMax: maxIn(windows.alone),
          ingestUnderLoadMax: maxIn([...windows.underLoad, ...windows.underLightLoad]),
          idleUnderLoadMax: maxIn(idleWindows),
          max: Math.max(...rss.samples.map(([, bytes]) => bytes)),
        },
        restarts: await restartsOf(running),
      };
    } finally {
      clearInterval(ticker);
      clearInterval(sampler);
      await service?.stop();
      await listener.end({ timeout: 5 });
      await sim.close();
      await Deno.remove(dataDir, { recursive: true });
    }
  });
}

const summary = (values: number[]) => values.length === 0 ? null : summarise(values);

async function restartsOf(service: Service): Promise<{ count: number; reasons: string[] }> {
  const { services } = await getJson<{
    services: { name: string; restarts: number; lastRestartReasons: { reason: string }[] }[];
  }>(service.base, "/api/services/health");
  return {
    count: services.reduce((sum, s) => sum + s.restarts, 0),
    reasons: services.flatMap((s) => s.lastRestartReasons.map((r) => `${s.name}: ${r.reason}`)),
  };
}

interface Window {
  from: number;
  to: number;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ result: T; window: Window }> {
  const from = Date.now();
  const result = await fn();
  return { result, window: { from, to: Date.now() } };
}

/**
 * The fetched → committed latencies of the snapshots fetched and committed inside the windows, and how
 * many of them were fetched while the one before was still being written.
 */
function inWindows(commits: Commit[], windows: Window[]): { ms: number[]; queued: number } {
  const ms: number[] = [];
  let queued = 0;
  commits.forEach((commit, i) => {
    if (!windows.some((w) => commit.fetchedAt >= w.from && commit.committedAt <= w.to)) return;
    ms.push(commit.committedAt - commit.fetchedAt);
    if (i > 0 && commit.fetchedAt < commits[i - 1].committedAt) queued++;
  });
  return { ms, queued };
}

/** Stops or starts an actor through the control route. */
async function control(service: Service, action: "start" | "stop"): Promise<void> {
  const response = await fetch(`${service.base}/api/supervision/actors/fetcher/${action}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${CONTROL_TOKEN}` },
  });
  const body = await response.text();
  if (!response.ok) throw new Error(`fetcher ${action} answered ${response.status}: ${body}`);
}

/** Resolves once no snapshot has committed for 3 s: what was fetched before the stop is written. */
async function settled(commits: Commit[]): Promise<void> {
  let count = -1;
  let since = Date.now();
  await until(
    () => {
      if (commits.length !== count) {
        count = commits.length;
        since = Date.now();
      }
      return Date.now() - since >= 3_000;
    },
    60_000,
    "the last snapshots to commit",
  );
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await pause(100);
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The report's rows. */
export function loadRows(report: LoadReport | { skipped: string }): Row[] {
  const at = (fields: Parameters<typeof row>[1]) => row("load", fields);
  if ("skipped" in report) {
    return [at({ measure: "API during ingest", result: `skipped: ${report.skipped}` })];
  }
  const pilots = report.pilots.toLocaleString("en-US");
  const pair = (f: RouteFigures) => `${thousands(f.rps)} req/s · ${ms(f.p99Ms)}`;
  const ratios = (a: RouteFigures, b: RouteFigures) =>
    `${round(a.rps / b.rps)} · ${round(a.p99Ms / b.p99Ms)}`;
  const routeRow = (path: string, figures: LoadReport["routes"][string]) =>
    at({
      measure: `GET ${path} (${thousands(figures.bytes)} bytes sent) during ingest of ${pilots} pilots: ` +
        `req/s (${report.connections} connections) · p99 (1)`,
      result: pair(figures.ingest),
      baseline: `${pair(figures.idle)} without ingest`,
      ratio: ratios(figures.ingest, figures.idle),
    });
  const latency = (s: Summary | null) =>
    s === null ? "n/a (none committed)" : `${s.p50} / ${s.p99} ms (${s.n})`;
  const { alone, underLoad } = report.ingestMs;
  return [
    ...Object.entries(report.routes).map(([path, figures]) => routeRow(path, figures)),
    at({
      measure:
        `ingest of ${pilots} pilots (a snapshot every ${report.cadenceMs / 1000} s), fetched → committed, ` +
        `p50 / p99 (snapshots), during the ${report.connections}-connection load`,
      result: latency(underLoad),
      baseline: `${latency(alone)} without HTTP load`,
      ratio: underLoad && alone
        ? `${round(underLoad.p50 / alone.p50)} / ${round(underLoad.p99 / alone.p99)}`
        : "—",
    }),
    at({
      measure:
        `RSS of the service's process tree during ingest of ${pilots} pilots + HTTP load (PostgreSQL ` +
        "store, memory cache), max",
      result: `${mb(report.rss.ingestUnderLoadMax)} MB`,
      baseline: `${mb(report.rss.ready)} MB the same service just started (ready)`,
      ratio: `${round(report.rss.ingestUnderLoadMax / report.rss.ready)}`,
    }),
    at({
      measure: "actor restarts during the load run",
      result: report.restarts.count === 0
        ? "0"
        : `${report.restarts.count}: ${report.restarts.reasons.join("; ")}`,
      goal: "0",
      met: report.restarts.count === 0,
    }),
  ];
}

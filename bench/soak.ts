/**
 * `deno task soak --minutes N`: the collector as deployed by default (main.ts in its own process, the
 * embedded store: PGlite in a fresh DATA_DIR and the memory cache; no DATABASE_URL, no REDIS_URL) takes in
 * simulated peak traffic (2,000 pilots) as fast as it can for N minutes, from a feed that moves on at
 * every fetch (bench/fast_feed.ts) polled every 100 ms, the shortest POLL_INTERVAL_MS allows. Its feed
 * clock then runs many times faster than real time, so retention is on (POSITION_RETENTION_DAYS=1,
 * EVENT_RETENTION_DAYS=1), as a service meant to run for months would have it, and the database stays
 * bounded.
 *
 * Every minute (sooner in a run shorter than four minutes) it prints the RSS of the service's process
 * tree (its workers are threads, so that is every actor), the JavaScript heap alive in the main isolate
 * and in each actor's worker (through the V8 inspector, bench/inspector.ts, after a full collection in
 * each, so that a figure does not depend on when the last GC ran; `--no-inspect` leaves the workers out
 * and reads the main heap used from /metrics), every mailbox's depth and the snapshots stored. At the end:
 * RSS growth from the first sample after the warm-up to the last, and the verdict against the goals
 * (RSS < 250 MB, growth < 5 % over 60 minutes). Missed goals are reported, not failures: the exit code is
 * non-zero only when the soak itself fails (the service ends, a sample cannot be taken).
 *
 * Before the measured run the data folder is initialised by one start and stop of the service: the
 * first start of PGlite runs initdb, which leaves a larger WebAssembly memory behind than a restart does,
 * and a service that runs for months has long since restarted on its folder. The first start's RSS is
 * printed too.
 *
 *   deno task soak --minutes 60 [--pilots 2000] [--every 60] [--warmup-minutes 5] [--out .bench/soak.json]
 *   deno task soak --summarise .bench/soak.json     (a saved run's closing lines again)
 */
import { startFastFeed } from "./fast_feed.ts";
import { HeapProbe, type HeapUsage } from "./inspector.ts";
import { mb, processTreeMemory } from "./proc_memory.ts";
import { getJson, type Service, startService } from "./service.ts";
import { round, thousands } from "./stats.ts";

export const SOAK_GOALS = { rssMb: 250, growthPct: 5, overMinutes: 60 };

export interface SoakOptions {
  minutes: number;
  pilots: number;
  /** Between samples; by default a minute, or a quarter of a run shorter than four minutes. */
  everyMs?: number;
  /** Samples before this are warm-up; by default 5 minutes, or a quarter of a shorter run. */
  warmupMs?: number;
  /** Read every isolate's heap through the inspector (default true). */
  inspect?: boolean;
  /** Each sample as a line, as it is taken. */
  print(line: string): void;
  /** Progress and the service's own log lines. */
  progress(line: string): void;
}

export interface SoakSample {
  /** Since the measured start, ms. */
  atMs: number;
  rss: number;
  anon: number;
  /** Heap used of the main isolate: alive after a full collection when read through the inspector. */
  mainHeap: number;
  /** Whether the heaps were read after a full collection in each isolate (through the inspector). */
  heapsAfterGc?: boolean;
  /** Each actor's worker (empty without the inspector). */
  workers: HeapUsage[];
  mailboxes: Record<string, number>;
  restarts: number;
  stored: number;
  fetched: number;
}

export interface SoakReport {
  minutes: number;
  pilots: number;
  everyMs: number;
  warmupMs: number;
  /** RSS of the first start (initdb) when ready, and of the measured start when ready. */
  firstStartRss: number;
  startRss: number;
  samples: SoakSample[];
  /** Snapshots stored per second over the run. */
  storedPerSecond: number;
  /** Feed snapshots served. */
  served: number;
  /** The first sample at or after the warm-up, and the last. */
  baseline: SoakSample;
  last: SoakSample;
  maxRssAfterWarmup: number;
  maxRss: number;
  /** Last sample against the first after the warm-up. */
  growthPct: number;
  /** The least-squares line through the samples after the warm-up: its rise over them, in % of its start. */
  trendPct: number;
  /** Each isolate's heap used: first sample after the warm-up, last, and the trend as above. */
  heaps: { name: string; first: number; last: number; trendPct: number }[];
  goals: typeof SOAK_GOALS;
  met: { rss: boolean; growth: boolean };
}

interface ServicesHealth {
  services: { name: string; restarts: number; mailbox: { depth: number } }[];
}

interface Status {
  snapshots: { fetched: number; stored: number };
}

/** Runs the soak and returns its report; samples are printed as they come. */
export async function soak(options: SoakOptions): Promise<SoakReport> {
  const durationMs = options.minutes * 60_000;
  const everyMs = options.everyMs ?? Math.min(60_000, durationMs / 4);
  const warmupMs = options.warmupMs ?? Math.min(5 * 60_000, durationMs / 4);
  const inspect = options.inspect ?? true;
  const dataDir = await Deno.makeTempDir({ prefix: "soak-data-" });
  const feed = startFastFeed({ pilots: options.pilots });
  const env = {
    DATA_DIR: dataDir,
    FEED: "live",
    VATSIM_STATUS_URL: feed.statusUrl,
    POLL_INTERVAL_MS: "100",
    POSITION_RETENTION_DAYS: "1",
    EVENT_RETENTION_DAYS: "1",
    LOG_LEVEL: "warning",
  };
  const log = (line: string) => options.progress(line);
  try {
    options.progress(`first start in ${dataDir} (PGlite runs initdb)`);
    const first = await startService({ env, log, until: "running" });
    const firstStartRss = processTreeMemory(first.pid)?.total.rss ?? 0;
    const firstCode = await first.stop();
    if (firstCode !== 0) options.progress(`the first start ended with exit code ${firstCode}`);

    options.progress(
      `soak: ${options.minutes} min, ${thousands(options.pilots)} pilots as fast as they are taken in, ` +
        `a sample every ${round(everyMs / 1000, 1)} s, warm-up ${round(warmupMs / 1000, 1)} s`,
    );
    const service = await startService({ env, log, inspect, until: "running" });
    const startRss = processTreeMemory(service.pid)?.total.rss ?? 0;
    const probe = service.inspector ? await HeapProbe.connect(service.inspector) : null;
    const samples: SoakSample[] = [];
    /** RSS is also read between samples (every 5 s), so that a short peak is not missed: [at, bytes]. */
    const readings: [number, number][] = [[0, startRss]];
    const startedAt = performance.now();
    const gone = service.exited.then(ended);
    try {
      for (let next = everyMs; next <= durationMs + 1; next += everyMs) {
        while (performance.now() - startedAt < next) {
          await Promise.race([pause(Math.min(5_000, next - (performance.now() - startedAt))), gone]);
          readings.push([performance.now() - startedAt, processTreeMemory(service.pid)?.total.rss ?? 0]);
        }
        const sample = await takeSample(service, probe, performance.now() - startedAt);
        readings.push([sample.atMs, sample.rss]);
        samples.push(sample);
        options.print(sampleLine(sample, samples.length > 1 ? samples[samples.length - 2] : null));
      }
    } finally {
      gone.catch(() => {});
      probe?.close();
      const code = await service.stop();
      if (code !== 0) options.progress(`the service ended with exit code ${code}`);
    }
    return analyse({
      minutes: options.minutes,
      pilots: options.pilots,
      everyMs,
      warmupMs,
      firstStartRss,
      startRss,
      samples,
      readings,
      served: feed.served,
    });
  } finally {
    await feed.close();
    await Deno.remove(dataDir, { recursive: true });
  }
}

type Measured = Pick<
  SoakReport,
  "minutes" | "pilots" | "everyMs" | "warmupMs" | "firstStartRss" | "startRss" | "samples" | "served"
>;

/**
 * The figures of a run from its samples (and the RSS read between them, when kept): also used to
 * summarise a saved report again (`--summarise <report.json>`).
 */
export function analyse(run: Measured & { readings?: [number, number][] }): SoakReport {
  const { samples, warmupMs } = run;
  const readings = run.readings ??
    [[0, run.startRss], ...samples.map((s): [number, number] => [s.atMs, s.rss])];
  const after = samples.filter((s) => s.atMs >= warmupMs);
  const steady = after.length > 0 ? after : samples;
  const baseline = steady[0];
  const last = samples[samples.length - 1];
  const maxRssAfterWarmup = Math.max(...readings.filter(([at]) => at >= warmupMs).map(([, bytes]) => bytes));
  const growthPct = round(((last.rss - baseline.rss) / baseline.rss) * 100, 1);
  const names = [...new Set(steady.flatMap((s) => s.workers.map((w) => w.name)))];
  const heapOf = (s: SoakSample, name: string) =>
    name === "main" ? s.mainHeap : s.workers.find((w) => w.name === name)?.used;
  const heaps = ["main", ...names].map((name) => {
    const points = steady.flatMap((s): [number, number][] => {
      const used = heapOf(s, name);
      return used === undefined ? [] : [[s.atMs, used]];
    });
    return {
      name,
      first: points[0]?.[1] ?? 0,
      last: points[points.length - 1]?.[1] ?? 0,
      trendPct: trend(points),
    };
  });
  return {
    ...run,
    storedPerSecond: round(last.stored / (last.atMs / 1000), 2),
    baseline,
    last,
    maxRssAfterWarmup,
    maxRss: Math.max(...readings.map(([, bytes]) => bytes)),
    growthPct,
    trendPct: trend(steady.map((s) => [s.atMs, s.rss])),
    heaps,
    goals: SOAK_GOALS,
    met: { rss: maxRssAfterWarmup < SOAK_GOALS.rssMb * 1e6, growth: growthPct < SOAK_GOALS.growthPct },
  };
}

/** The rise of the least-squares line through `points` from the first to the last, in % of its start. */
function trend(points: [number, number][]): number {
  if (points.length < 2) return 0;
  const n = points.length;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / n;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / n;
  const sxx = points.reduce((sum, [x]) => sum + (x - meanX) ** 2, 0);
  const sxy = points.reduce((sum, [x, y]) => sum + (x - meanX) * (y - meanY), 0);
  const slope = sxx === 0 ? 0 : sxy / sxx;
  const [firstX] = points[0];
  const [lastX] = points[n - 1];
  const start = meanY + slope * (firstX - meanX);
  return round((slope * (lastX - firstX) / start) * 100, 1);
}

function ended(status: Deno.CommandStatus): never {
  throw new Error(`the service ended during the soak (exit code ${status.code}, signal ${status.signal})`);
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

async function takeSample(service: Service, probe: HeapProbe | null, atMs: number): Promise<SoakSample> {
  const memory = processTreeMemory(service.pid);
  if (memory === null) throw new Error("the service's process is gone");
  const [health, status, heaps] = await Promise.all([
    getJson<ServicesHealth>(service.base, "/api/services/health"),
    getJson<Status>(service.base, "/api/status"),
    probe ? probe.sample({ collectGarbage: true }) : null,
  ]);
  return {
    atMs: Math.round(atMs),
    rss: memory.total.rss,
    anon: memory.total.anon,
    mainHeap: heaps?.main.used ?? await mainHeapFromMetrics(service.base),
    heapsAfterGc: heaps !== null,
    workers: heaps?.workers ?? [],
    mailboxes: Object.fromEntries(health.services.map((s) => [s.name, s.mailbox.depth])),
    restarts: health.services.reduce((sum, s) => sum + s.restarts, 0),
    stored: status.snapshots.stored,
    fetched: status.snapshots.fetched,
  };
}

async function mainHeapFromMetrics(base: string): Promise<number> {
  const response = await fetch(`${base}/metrics`);
  const text = await response.text();
  const match = /^collector_main_heap_used_bytes(?:\{\})? (\S+)$/m.exec(text);
  return match ? Number(match[1]) : Number.NaN;
}

/** `12:00 rss 231.4 MB (anon 180.2) | heap MB main 20.1, store#1 45.2, … | mailboxes … | stored …` */
export function sampleLine(sample: SoakSample, previous: SoakSample | null): string {
  const minutes = Math.floor(sample.atMs / 60_000);
  const seconds = String(Math.round((sample.atMs % 60_000) / 1000)).padStart(2, "0");
  const heaps = [`main ${mb(sample.mainHeap)}`, ...sample.workers.map((w) => `${w.name} ${mb(w.used)}`)];
  const wasm = sample.workers.filter((w) => w.backing > 10e6).map((w) => `${w.name} ${mb(w.backing)}`);
  const queues = Object.entries(sample.mailboxes).map(([name, depth]) => `${name} ${depth}`);
  const since = previous === null ? sample.stored : sample.stored - previous.stored;
  const perSecond = since / ((sample.atMs - (previous?.atMs ?? 0)) / 1000);
  return [
    `soak ${minutes}:${seconds}`,
    `rss ${mb(sample.rss)} MB (anon ${mb(sample.anon)})`,
    `${sample.heapsAfterGc ? "heap live MB (after a full GC)" : "heap used MB"}: ${heaps.join(", ")}`,
    ...(wasm.length > 0 ? [`buffers MB: ${wasm.join(", ")}`] : []),
    `mailboxes: ${queues.join(", ")}`,
    `stored ${thousands(sample.stored)} (${round(perSecond, 1)}/s)`,
    ...(sample.restarts > 0 ? [`restarts ${sample.restarts}`] : []),
  ].join(" | ");
}

/** The closing lines: growth and the verdict. */
export function verdictLines(report: SoakReport): string[] {
  const yes = (met: boolean) => (met ? "met" : "NOT met");
  const at = (s: SoakSample) => `${round(s.atMs / 60_000, 1)} min`;
  const short = report.minutes < SOAK_GOALS.overMinutes
    ? ` (this run is ${report.minutes} min: indicative only)`
    : "";
  return [
    `soak: ${thousands(report.last.stored)} snapshots stored in ${report.minutes} min ` +
    `(${report.storedPerSecond}/s, ${round(report.storedPerSecond * 15, 0)}× real time), ` +
    `${thousands(report.served)} served by the feed, ${report.last.restarts} actor restarts`,
    `soak: RSS first start (initdb) ${mb(report.firstStartRss)} MB; measured start ${
      mb(report.startRss)
    } MB; max ${mb(report.maxRss)} MB, max after warm-up ${mb(report.maxRssAfterWarmup)} MB ` +
    `(goal < ${SOAK_GOALS.rssMb} MB): ${yes(report.met.rss)}`,
    `soak: RSS growth ${signed(report.growthPct)} % from ${mb(report.baseline.rss)} MB at ${
      at(report.baseline)
    } (after warm-up) to ${mb(report.last.rss)} MB at ${at(report.last)} ` +
    `(goal < ${SOAK_GOALS.growthPct} % over ${SOAK_GOALS.overMinutes} min)${short}: ${
      yes(report.met.growth)
    }`,
    `soak: RSS trend (least squares through the ${
      report.samples.filter((s) => s.atMs >= report.warmupMs).length
    } samples after warm-up) ${signed(report.trendPct)} % over them`,
    `soak: heap used after warm-up → end, MB (trend): ${
      report.heaps.map((h) => `${h.name} ${mb(h.first)} → ${mb(h.last)} (${signed(h.trendPct)} %)`).join(", ")
    }`,
  ];
}

const signed = (value: number) => `${value >= 0 ? "+" : ""}${value}`;

/** `--name value` or `--name=value`; undefined when absent. */
function flag(args: string[], name: string): string | undefined {
  const at = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (at < 0) return undefined;
  return args[at].includes("=") ? args[at].slice(args[at].indexOf("=") + 1) : args[at + 1];
}

if (import.meta.main && flag(Deno.args, "summarise") !== undefined) {
  // A saved report's closing lines again, with the figures recomputed from its samples.
  const saved = JSON.parse(await Deno.readTextFile(flag(Deno.args, "summarise") as string)) as SoakReport;
  for (const line of verdictLines(analyse(saved))) console.log(line);
} else if (import.meta.main) {
  const args = Deno.args;
  const number = (name: string) => {
    const raw = flag(args, name);
    return raw === undefined ? undefined : Number(raw);
  };
  const minutes = number("minutes") ?? 1;
  const pilots = number("pilots") ?? 2_000;
  const every = number("every");
  const warmup = number("warmup-minutes");
  if (
    !(minutes > 0) || !Number.isInteger(pilots) || pilots < 1 || pilots > 10_000 ||
    (every !== undefined && !(every > 0)) || (warmup !== undefined && !(warmup >= 0))
  ) {
    console.error(
      "usage: deno task soak --minutes N [--pilots 1..10000] [--every S] [--warmup-minutes M] [--out FILE]" +
        " [--no-inspect]",
    );
    Deno.exit(2);
  }
  const out = flag(args, "out") ?? ".bench/soak.json";
  try {
    const report = await soak({
      minutes,
      pilots,
      everyMs: every === undefined ? undefined : every * 1000,
      warmupMs: warmup === undefined ? undefined : warmup * 60_000,
      inspect: !args.includes("--no-inspect"),
      print: (line) => console.log(line),
      progress: (line) => console.error(line),
    });
    for (const line of verdictLines(report)) console.log(line);
    const dir = out.includes("/") ? out.slice(0, out.lastIndexOf("/")) : ".";
    await Deno.mkdir(dir, { recursive: true });
    await Deno.writeTextFile(out, JSON.stringify(report, null, 2) + "\n");
    console.log(`soak: report written to ${out}`);
  } catch (error) {
    console.error("soak failed:", error);
    Deno.exit(1);
  }
}

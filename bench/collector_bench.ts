/**
 * The collector's own numbers, through its real actors (each in its worker) on PostgreSQL: the peak
 * recording's fetched → committed latency, the same snapshots written by a bare COPY script for
 * comparison, how many times faster than real time simulated snapshots are taken in, and how many
 * position rows a snapshot writes per pilot.
 */
import { FIXTURES_DIR } from "../tests/helpers/fixtures.ts";
import { postgresAvailable, withTempDatabase } from "../tests/helpers/postgres.ts";
import { migrate } from "../db/migrate.ts";
import { openDatabase } from "../db/database.ts";
import { ensurePositionPartitions } from "../db/position_partitions.ts";
import { FeedModel } from "../sim/model.ts";
import { bareWrite } from "./bare_writer.ts";
import { type Commit, positionsPerSnapshot, prepareDatabase, runCollector } from "./collector_run.ts";
import { peakSnapshot } from "./peak_stream.ts";
import { ms, type Row, row } from "./report.ts";
import { round, summarise } from "./stats.ts";

const PEAK = "vatsim-data_2021-04-24T1528Z_ctp-westbound-peak.json";
const CADENCE_S = 15;
export const GOALS = { p50Ms: 60, p99Ms: 150, bareRatio: 0.5, replayMultiple: 200 };

export interface CollectorOptions {
  quick: boolean;
  progress(line: string): void;
}

async function folderOf(bodies: Uint8Array[]): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "bench-feed-" });
  for (const [k, body] of bodies.entries()) {
    await Deno.writeFile(`${dir}/${String(k).padStart(5, "0")}.json`, body);
  }
  return dir;
}

/** Runs the collector on `bodies` in a throwaway database: its commits and position rows per snapshot. */
async function collect(bodies: Uint8Array[], pollIntervalMs: number) {
  const feedDir = await folderOf(bodies);
  const dataDir = await Deno.makeTempDir({ prefix: "bench-data-" });
  try {
    return await withTempDatabase(async (url) => {
      await prepareDatabase(url);
      const commits = await runCollector({
        url,
        feedDir,
        dataDir,
        pollIntervalMs,
        expected: bodies.length,
        timeoutMs: 180_000,
      });
      return { commits, positions: await positionsPerSnapshot(url) };
    });
  } finally {
    await Deno.remove(feedDir, { recursive: true });
    await Deno.remove(dataDir, { recursive: true });
  }
}

/**
 * Steady samples: after the warm-up, and only snapshots fetched once the one before had committed, so
 * that a latency never includes waiting for another snapshot's write. On a machine so busy that every
 * snapshot waited (a quick run beside other work), all of them, queueing included, rather than none.
 */
function steadyLatencies(commits: Commit[], warmup: number): { ms: number[]; queued: number } {
  const ms: number[] = [];
  const all: number[] = [];
  let queued = 0;
  for (let i = 1 + warmup; i < commits.length; i++) {
    const latency = commits[i].committedAt - commits[i].fetchedAt;
    all.push(latency);
    if (commits[i].fetchedAt < commits[i - 1].committedAt) queued++;
    else ms.push(latency);
  }
  return { ms: ms.length > 0 ? ms : all, queued };
}

export async function collectorBench({ quick, progress }: CollectorOptions) {
  if (!postgresAvailable) return { skipped: "PostgreSQL did not answer (TEST_POSTGRES_URL)" } as const;
  const warmup = quick ? 3 : 8;
  const steadyCount = quick ? 10 : 60;
  const spacingMs = 400;
  const recording = await Deno.readTextFile(`${FIXTURES_DIR}${PEAK}`);
  const bodies = Array.from({ length: 1 + warmup + steadyCount }, (_, k) => peakSnapshot(recording, k));

  progress(
    `peak stream: ${bodies.length} snapshots of 1,925 pilots, one every ${spacingMs} ms, through the actors`,
  );
  const peak = await collect(bodies, spacingMs);
  const latencies = peak.commits.map((c) => c.committedAt - c.fetchedAt);
  const steady = steadyLatencies(peak.commits, warmup);
  const latency = summarise(steady.ms);

  progress("the same snapshots written by the bare COPY script");
  const bareMs = await bareOnFreshDatabase(bodies, peak.commits[0].updateTimestamp);
  const bare = summarise(bareMs.slice(1 + warmup));

  const simPilots = 2_000;
  const simSnapshots = quick ? 12 : 80;
  progress(
    `simulator: ${simSnapshots} snapshots of ${simPilots} pilots, replayed as fast as they are taken in`,
  );
  const model = new FeedModel({ pilots: simPilots, seed: 1 });
  const simBodies: Uint8Array[] = [];
  for (let i = 0; i < simSnapshots; i++) {
    simBodies.push(model.renderBytes());
    model.tick();
  }
  const sim = await collect(simBodies, 1);
  // From the first commit after the cold one to the last: the steady rate.
  const first = sim.commits[1];
  const last = sim.commits[sim.commits.length - 1];
  const perSecond = ((sim.commits.length - 2) / (last.committedAt - first.committedAt)) * 1000;
  const replayMultiple = round(perSecond * CADENCE_S, 0);
  progress("the same simulated snapshots written by the bare COPY script");
  const bareSimMs = await bareOnFreshDatabase(simBodies, sim.commits[0].updateTimestamp);
  // The same span as the collector's rate: from the end of the second snapshot to the end of the last.
  const bareSteadyMs = bareSimMs.slice(2).reduce((sum, ms) => sum + ms, 0);
  const barePerSecond = ((bareSimMs.length - 2) / bareSteadyMs) * 1000;

  return {
    peak: {
      snapshots: bodies.length,
      warmup,
      spacingMs,
      coldMs: latencies[0],
      steadyMs: latency,
      queuedLeftOut: steady.queued,
      positions: peak.positions,
    },
    bare: {
      baseline:
        "JSON.parse + COPY of the snapshot row, new sessions and moved positions; sessions that left " +
        "or came back, the clock, and controllers' last seen by UPDATE (no validation, no actors, no events or plans)",
      coldMs: round(bareMs[0]),
      steadyMs: bare,
      ratio: round(bare.p50 / latency.p50),
    },
    replay: {
      pilots: simPilots,
      snapshots: simSnapshots,
      perSecond: round(perSecond, 1),
      multiple: replayMultiple,
      barePerSecond: round(barePerSecond, 1),
      ratio: round(perSecond / barePerSecond),
      positions: sim.positions,
    },
    goals: GOALS,
    met: {
      p50: latency.p50 < GOALS.p50Ms,
      p99: latency.p99 < GOALS.p99Ms,
      bare: bare.p50 / latency.p50 >= GOALS.bareRatio,
      replay: replayMultiple >= GOALS.replayMultiple,
    },
  };
}

export type CollectorReport = Awaited<ReturnType<typeof collectorBench>>;

/** The bare COPY script's time per snapshot, on a fresh migrated database with the feed day's partitions. */
async function bareOnFreshDatabase(bodies: Uint8Array[], firstTimestamp: string): Promise<number[]> {
  return await withTempDatabase(async (url) => {
    const db = await openDatabase({ url, dataDir: "unused" });
    try {
      await migrate(db);
      const day = Date.parse(firstTimestamp.slice(0, 10));
      await ensurePositionPartitions(db, new Date(day), new Date(day + 2 * 86_400_000));
    } finally {
      await db.close();
    }
    return await bareWrite(url, bodies);
  });
}

/** The report's rows. */
export function collectorRows(report: CollectorReport): Row[] {
  const at = (fields: Parameters<typeof row>[1]) => row("collector", fields);
  if ("skipped" in report) {
    return [at({ measure: "collector on PostgreSQL", result: `skipped: ${report.skipped}` })];
  }
  const { peak, bare, replay, met } = report;
  const perPilot = (p: { positions: number; pilots: number }) =>
    `${round(p.positions, 0)} of ${round(p.pilots, 0)} pilots (${round(p.positions / p.pilots)})`;
  return [
    at({
      measure: `peak recording (1,925 pilots) fetched → committed through the actors on PostgreSQL, p50 ` +
        `(${peak.steadyMs.n} steady snapshots)`,
      result: ms(peak.steadyMs.p50),
      baseline: `${ms(bare.steadyMs.p50)} bare COPY script, same snapshots`,
      ratio: `collector/bare ${round(peak.steadyMs.p50 / bare.steadyMs.p50)}`,
      goal: `< ${GOALS.p50Ms} ms`,
      met: met.p50,
    }),
    at({
      measure: "  the same, p99",
      result: ms(peak.steadyMs.p99),
      baseline: `${ms(bare.steadyMs.p99)} bare`,
      ratio: `collector/bare ${round(peak.steadyMs.p99 / bare.steadyMs.p99)}`,
      goal: `< ${GOALS.p99Ms} ms`,
      met: met.p99,
    }),
    at({
      measure: "  bare COPY script / collector, p50 (higher is better)",
      result: `${bare.ratio}`,
      baseline: `${ms(bare.steadyMs.p50)} / ${ms(peak.steadyMs.p50)}`,
      ratio: `${bare.ratio}`,
      goal: `≥ ${GOALS.bareRatio}`,
      met: met.bare,
    }),
    at({
      measure: "  first snapshot (cold: every session created)",
      result: ms(peak.coldMs),
      baseline: `${ms(bare.coldMs)} bare`,
      ratio: `${round(peak.coldMs / bare.coldMs)}`,
    }),
    at({
      measure:
        `replay: simulated snapshots (${replay.pilots.toLocaleString("en-US")} pilots) committed per ` +
        `second, × ${CADENCE_S} s = multiple of real time`,
      result: `${replay.perSecond}/s = ${replay.multiple}×`,
      baseline: `${replay.barePerSecond}/s bare COPY script, same snapshots`,
      ratio: `collector/bare ${replay.ratio}`,
      goal: `≥ ${GOALS.replayMultiple}×`,
      met: met.replay,
    }),
    at({
      measure: "position rows per steady snapshot: peak stream",
      result: perPilot(peak.positions.steady),
    }),
    at({
      measure: "position rows per steady snapshot: simulator",
      result: perPilot(replay.positions.steady),
    }),
  ];
}

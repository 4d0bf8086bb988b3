/**
 * Memory of the collector as deployed by default (the embedded store: PGlite and the memory cache) under
 * peak traffic taken in as fast as it goes: a short run of the soak (bench/soak.ts), whose RSS after its
 * warm-up is held against the goal (< 250 MB for the five workers with the embedded store), next to the
 * floor measured in the same run: a Deno process with five empty workers and a listener
 * (bench/rss_floor.ts). The soak itself (`deno task soak --minutes 60`) measures growth.
 */
import { mb, processTreeMemory } from "./proc_memory.ts";
import { type Row, row } from "./report.ts";
import { soak, SOAK_GOALS } from "./soak.ts";
import { round } from "./stats.ts";

export interface MemoryReport {
  floorRss: number;
  minutes: number;
  pilots: number;
  firstStartRss: number;
  startRss: number;
  maxRssAfterWarmup: number;
  maxRss: number;
  storedPerSecond: number;
  goalMb: number;
  met: boolean;
}

/** The RSS of bench/rss_floor.ts once its workers run. */
async function floorRss(): Promise<number> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-net=127.0.0.1",
      new URL("./rss_floor.ts", import.meta.url).pathname,
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  try {
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!text.includes("ready")) {
      const { value, done } = await reader.read();
      if (done) throw new Error("bench/rss_floor.ts ended before it was ready");
      text += value;
    }
    reader.releaseLock();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    return processTreeMemory(child.pid)?.total.rss ?? 0;
  } finally {
    child.kill("SIGKILL");
    await child.status;
    await child.stdout.cancel().catch(() => {});
  }
}

export async function memoryBench(
  { quick, progress }: { quick: boolean; progress: (line: string) => void },
): Promise<MemoryReport> {
  const floor = await floorRss();
  progress(`memory: floor (deno, five empty workers, a listener) ${mb(floor)} MB`);
  const minutes = quick ? 0.5 : 1.5;
  const report = await soak({ minutes, pilots: 2_000, inspect: false, print: progress, progress });
  return {
    floorRss: floor,
    minutes,
    pilots: report.pilots,
    firstStartRss: report.firstStartRss,
    startRss: report.startRss,
    maxRssAfterWarmup: report.maxRssAfterWarmup,
    maxRss: report.maxRss,
    storedPerSecond: report.storedPerSecond,
    goalMb: SOAK_GOALS.rssMb,
    met: report.met.rss,
  };
}

/** The report's rows. */
export function memoryRows(report: MemoryReport): Row[] {
  const floor = `${mb(report.floorRss)} MB deno + five empty workers + a listener`;
  return [
    row("memory", {
      measure:
        `RSS of the process tree, five workers + embedded store (PGlite, memory cache), peak traffic ` +
        `(${report.pilots.toLocaleString("en-US")} pilots) as fast as it goes (${report.storedPerSecond} ` +
        `snapshots/s), max after warm-up (${report.minutes} min run)`,
      result: `${mb(report.maxRssAfterWarmup)} MB`,
      baseline: floor,
      ratio: `${round(report.maxRssAfterWarmup / report.floorRss)}`,
      goal: `< ${report.goalMb} MB`,
      met: report.met,
    }),
    row("memory", {
      measure: "  the same service just started on its data folder (ready, before the load builds up)",
      result: `${mb(report.startRss)} MB`,
      baseline: floor,
      ratio: `${round(report.startRss / report.floorRss)}`,
      goal: `< ${report.goalMb} MB`,
      met: report.startRss < report.goalMb * 1e6,
    }),
    row("memory", {
      measure: "  its first start on an empty data folder (PGlite runs initdb)",
      result: `${mb(report.firstStartRss)} MB`,
      baseline: floor,
      ratio: `${round(report.firstStartRss / report.floorRss)}`,
    }),
  ];
}

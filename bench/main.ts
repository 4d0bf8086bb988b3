/**
 * `deno task bench`: one report of every figure, each next to its baseline measured in the same run, the
 * ratio, the goal and whether it is met, printed as one Markdown table at the end and written as JSON to
 * .bench/report.json (the rows, and each section's raw numbers). Sections:
 *
 * - bus: typed bus messages per second between two actors against raw postMessage relayed by the main
 *   thread; crash: crash → replacement answers an ask, against a plain new Worker();
 * - collector (bench/collector_bench.ts): fetched → committed on PostgreSQL against a bare COPY script,
 *   and replay speed;
 * - front (bench/front_bench.ts): GET /api/flights through the app against a bare Deno.serve;
 * - load (bench/load_bench.ts): the hot routes while the service ingests 10,000 simulated pilots, against
 *   the same routes without ingest, and ingest latency with and without that HTTP load; RSS;
 * - memory (bench/memory_bench.ts): RSS with the embedded store under peak traffic, against the floor of
 *   a Deno process with five empty workers.
 *
 * The last four run in fresh processes (bench/section.ts), so none measures what an earlier one left
 * behind. Missed goals are reported, not failures; the exit code is non-zero only when the bench itself
 * fails. `--quick` runs a small version (for checking the bench, not for numbers).
 */
import { busContender, type Contender, rawContender } from "./bus_throughput.ts";
import { BACKOFF, crashLatency, type CrashSample } from "./crash_latency.ts";
import { type CollectorReport, collectorRows } from "./collector_bench.ts";
import { type FrontReport, frontRows } from "./front_bench.ts";
import { type LoadReport, loadRows } from "./load_bench.ts";
import { type MemoryReport, memoryRows } from "./memory_bench.ts";
import { markdownTable, ms, type Row, row } from "./report.ts";
import { runSection } from "./section.ts";
import { median, round, summarise, thousands } from "./stats.ts";

const quick = Deno.args.includes("--quick");
const MESSAGES = quick ? 20_000 : 200_000;
/** Warm-up rounds (not counted) move a quarter of MESSAGES each. */
const WARMUP_ROUNDS = 1;
const ROUNDS = quick ? 2 : 5;
/** Items the bus sender tells per handled message before it re-tells itself (see actors/sender.ts). */
const CHUNK = 100;
/** Of those messages, how many travel at once (so the sender is not idle for a round trip per chunk). */
const IN_FLIGHT = 4;
/** The receiver's prefetch window (the runtime's default is 32). */
const RECEIVER_PREFETCH = 128;
const CRASHES = quick ? 10 : 100;
/** The same crash without a warm spare, for comparison (fewer: each takes longer). */
const COLD_CRASHES = quick ? 5 : 40;
const CRASH_SPACING_MS = 300;
const CRASH_WARMUPS = 3;
const BUS_GOAL = 0.7;
const CRASH_P99_GOAL_MS = 100;

function progress(line: string): void {
  console.error(`bench: ${line}`);
}

async function throughput() {
  const rates = new Map<string, number[]>([["bus", []], ["raw relay", []], ["raw port", []]]);
  const contenders: Contender[] = [];
  try {
    const bus = await busContender({
      chunk: CHUNK,
      inFlight: IN_FLIGHT,
      receiverPrefetch: RECEIVER_PREFETCH,
    });
    contenders.push(bus, rawContender("relay"));
    contenders.push(rawContender("port"));
    // Rounds interleave the contenders, so machine noise falls on all of them alike.
    for (let r = 0; r < WARMUP_ROUNDS + ROUNDS; r++) {
      const warm = r < WARMUP_ROUNDS;
      for (const contender of contenders) {
        const n = warm ? MESSAGES / 4 : MESSAGES;
        const ms = await contender.round(r, n);
        const rate = (n / ms) * 1000;
        if (!warm) rates.get(contender.label)?.push(rate);
        progress(
          `${warm ? "warm-up" : `round ${r - WARMUP_ROUNDS + 1}/${ROUNDS}`} ${contender.label}: ` +
            `${thousands(rate)} msg/s (${round(ms, 1)} ms)`,
        );
      }
    }
    const deadLetters = bus.deadLetters();
    if (deadLetters > 0) throw new Error(`the bus bench produced ${deadLetters} dead letters`);
  } finally {
    for (const contender of contenders) await contender.close();
  }
  const of = (label: string) => {
    const list = rates.get(label) ?? [];
    return { median: Math.round(median(list)), rounds: list.map(Math.round) };
  };
  const result = { bus: of("bus"), rawRelay: of("raw relay"), rawPort: of("raw port") };
  const ratio = round(result.bus.median / result.rawRelay.median);
  // Each round's bus and raw relay ran back to back, so their quotient shares the machine's load then.
  const relayRates = rates.get("raw relay") ?? [];
  const pairedRatio = round(median((rates.get("bus") ?? []).map((rate, i) => rate / relayRates[i])));
  return {
    messages: MESSAGES,
    warmupRounds: WARMUP_ROUNDS,
    rounds: ROUNDS,
    chunk: CHUNK,
    inFlight: IN_FLIGHT,
    receiverPrefetch: RECEIVER_PREFETCH,
    msgsPerSec: result,
    baseline: "raw postMessage relayed through the main thread (A → main → B, one postMessage per item)",
    ratio,
    pairedRatio,
    ratioToDirectPort: round(result.bus.median / result.rawPort.median),
    goal: BUS_GOAL,
    met: ratio >= BUS_GOAL,
  };
}

async function restarts() {
  progress(
    `crashing an actor ${CRASHES} times (+${CRASH_WARMUPS} warm-up), backoff ${JSON.stringify(BACKOFF)}`,
  );
  const { samples, spawnBaselineMs } = await crashLatency({
    crashes: CRASHES,
    warmups: CRASH_WARMUPS,
    spareWorkers: 1,
    spacingMs: CRASH_SPACING_MS,
  });
  progress(`the same ${COLD_CRASHES} times with no spare worker`);
  const cold = await crashLatency({
    crashes: COLD_CRASHES,
    warmups: CRASH_WARMUPS,
    spareWorkers: 0,
    spacingMs: CRASH_SPACING_MS,
  });
  const part = (key: keyof CrashSample) => summarise(samples.map((s) => s[key]));
  const totalMs = part("totalMs");
  const baseline = summarise(spawnBaselineMs);
  return {
    crashes: CRASHES,
    spacingMs: CRASH_SPACING_MS,
    coldCrashes: COLD_CRASHES,
    coldTotalMs: summarise(cold.samples.map((s) => s.totalMs)),
    warmups: CRASH_WARMUPS,
    backoff: BACKOFF,
    totalMs,
    noticeMs: part("noticeMs"),
    decideMs: part("decideMs"),
    spawnMs: part("spawnMs"),
    answerMs: part("answerMs"),
    baseline: "plain new Worker() (empty module) until its first message",
    spawnBaselineMs: baseline,
    ratioP50: round(totalMs.p50 / baseline.p50),
    ratioP99: round(totalMs.p99 / baseline.p99),
    goalP99Ms: CRASH_P99_GOAL_MS,
    met: totalMs.p99 < CRASH_P99_GOAL_MS,
  };
}

type BusReport = Awaited<ReturnType<typeof throughput>>;
type CrashReport = Awaited<ReturnType<typeof restarts>>;

function busRows(bus: BusReport): Row[] {
  return [
    row("bus", {
      measure: `typed bus tell, actor A → actor B in two workers (${thousands(bus.messages)} zod-validated ` +
        `msgs, receiver prefetch ${bus.receiverPrefetch}, median of ${bus.rounds} rounds)`,
      result: `${thousands(bus.msgsPerSec.bus.median)} msg/s`,
      baseline: `${thousands(bus.msgsPerSec.rawRelay.median)} msg/s raw postMessage relayed via main`,
      ratio: `${bus.ratio} (paired ${bus.pairedRatio})`,
      goal: `≥ ${bus.goal}`,
      met: bus.met,
    }),
    row("bus", {
      measure: "  raw postMessage A → B over a MessagePort (no main thread; for reference)",
      result: `${thousands(bus.msgsPerSec.rawPort.median)} msg/s`,
      ratio: `bus/port ${bus.ratioToDirectPort}`,
    }),
  ];
}

function crashRows(crash: CrashReport): Row[] {
  const pair = (s: { p50: number; p99: number }) => `${ms(s.p50)} / ${ms(s.p99)}`;
  const at = (fields: Parameters<typeof row>[1]) => row("crash", fields);
  return [
    at({
      measure: `crash → replacement answers an ask, p50 (${crash.crashes} crashes, backoff 0, 1 warm spare)`,
      result: ms(crash.totalMs.p50),
      baseline: `${ms(crash.spawnBaselineMs.p50)} plain new Worker() to first message`,
      ratio: `${crash.ratioP50}`,
    }),
    at({
      measure: "crash → replacement answers an ask, p99",
      result: ms(crash.totalMs.p99),
      baseline: `${ms(crash.spawnBaselineMs.p99)} plain new Worker()`,
      ratio: `${crash.ratioP99}`,
      goal: `< ${crash.goalP99Ms} ms`,
      met: crash.met,
    }),
    at({
      measure: `  the same with no spare worker, p50 / p99 (${crash.coldCrashes} crashes)`,
      result: pair(crash.coldTotalMs),
      baseline: `${pair(crash.totalMs)} with the spare`,
      ratio: `none/spare p99 ${round(crash.coldTotalMs.p99 / crash.totalMs.p99)}`,
    }),
    at({ measure: "  crash ordered → host noticed (p50 / p99)", result: pair(crash.noticeMs) }),
    at({ measure: "  noticed → replacement start() called (p50 / p99)", result: pair(crash.decideMs) }),
    at({
      measure: "  start() → replacement started: spawn (p50 / p99)",
      result: pair(crash.spawnMs),
      baseline: `${pair(crash.spawnBaselineMs)} plain new Worker()`,
      ratio: `${round(crash.spawnMs.p50 / crash.spawnBaselineMs.p50)}`,
    }),
    at({ measure: "  started → ask answered (p50 / p99)", result: pair(crash.answerMs) }),
  ];
}

async function main(): Promise<void> {
  const startedAt = performance.now();
  progress(`bus throughput: ${thousands(MESSAGES)} msgs, ${WARMUP_ROUNDS} warm-up + ${ROUNDS} rounds`);
  const bus = await throughput();
  const crash = await restarts();
  // Each in a fresh process (bench/section.ts), so none measures the heap and workers left before it.
  const collector = await runSection<CollectorReport>("collector", quick);
  const front = await runSection<FrontReport>("front", quick);
  const load = await runSection<LoadReport | { skipped: string }>("load", quick);
  const memory = await runSection<MemoryReport>("memory", quick);
  const rows = [
    ...busRows(bus),
    ...crashRows(crash),
    ...collectorRows(collector),
    ...frontRows(front),
    ...loadRows(load),
    ...memoryRows(memory),
  ];
  const report = {
    bench: "collector",
    at: new Date().toISOString(),
    deno: Deno.version.deno,
    cores: navigator.hardwareConcurrency,
    loadAverage: Deno.loadavg(),
    quick,
    durationMs: Math.round(performance.now() - startedAt),
    rows,
    sections: { bus, crash, collector, front, load, memory },
  };
  const dir = new URL("../.bench/", import.meta.url);
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(new URL("report.json", dir), JSON.stringify(report, null, 2) + "\n");
  const missed = rows.filter((r) => r.met === false).length;
  const goals = rows.filter((r) => r.met !== null).length;
  console.log(
    `\n## Bench report (Deno ${report.deno}, ${report.cores} cores, load average at the end ` +
      `${report.loadAverage.map((l) => round(l, 1)).join(" ")}, ${round(report.durationMs / 60_000, 1)} min` +
      `${quick ? ", quick" : ""})\n`,
  );
  console.log(markdownTable(rows));
  console.log(`\n${goals - missed} of ${goals} goals met. ${notes(bus, crash)}`);
  console.log("Written to .bench/report.json (these rows, and every section's raw numbers).");
}

/** What the table has no room for: how the runtime's two figures were taken. */
function notes(bus: BusReport, crash: CrashReport): string {
  return `Bus: the sender tells ${bus.chunk} items per handled message, ${bus.inFlight} such messages in` +
    ` flight, to a receiver with the default mailbox (1000) and backpressure on its item kind; per round` +
    ` ${bus.msgsPerSec.bus.rounds.map(thousands).join(", ")} msg/s, raw relay` +
    ` ${
      bus.msgsPerSec.rawRelay.rounds.map(thousands).join(", ")
    }. Crash: crashes ${crash.spacingMs} ms apart,` +
    ` the replacement starts in the system's warm spare worker (made again 100 ms after it is taken);` +
    ` total min ${crash.totalMs.min} ms, p90 ${crash.totalMs.p90} ms, max ${crash.totalMs.max} ms.`;
}

try {
  await main();
} catch (error) {
  console.error("bench failed:", error);
  Deno.exit(1);
}

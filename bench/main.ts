/**
 * `deno task bench`: the runtime's two headline numbers against plain-worker baselines measured in the
 * same run, then the collector's (bench/collector_bench.ts) against a bare COPY script, then the HTTP
 * front's hot route against a bare Deno.serve (bench/front_bench.ts), printed as Markdown tables, then as
 * one JSON line (also written to .bench/report.json).
 * Missed goals are reported, not failures; the exit code is non-zero only when the bench itself fails.
 *
 * `--quick` runs a small version (for checking the bench, not for numbers).
 */
import { busContender, type Contender, rawContender } from "./bus_throughput.ts";
import { BACKOFF, crashLatency, type CrashSample } from "./crash_latency.ts";
import { type CollectorReport, collectorRows } from "./collector_bench.ts";
import { FRONT_P99_GOAL_MS, FRONT_RPS_GOAL, type FrontReport } from "./front_bench.ts";
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

type Report = {
  bus: Awaited<ReturnType<typeof throughput>>;
  crash: Awaited<ReturnType<typeof restarts>>;
  collector: CollectorReport;
};

function table({ bus, crash }: Report): string {
  const ms = (value: number) => `${value} ms`;
  const pair = (s: { p50: number; p99: number }) => `${ms(s.p50)} / ${ms(s.p99)}`;
  const rows = [
    ["measure", "result", "baseline (same run)", "ratio", "goal", "met"],
    [
      `typed bus tell, actor A → actor B (${thousands(bus.messages)} msgs, median of ${bus.rounds})`,
      `${thousands(bus.msgsPerSec.bus.median)} msg/s`,
      `${thousands(bus.msgsPerSec.rawRelay.median)} msg/s raw postMessage relayed via main`,
      `bus/raw ${bus.ratio} (paired ${bus.pairedRatio})`,
      `≥ ${bus.goal}`,
      yes(bus.met),
    ],
    [
      "raw postMessage A → B over a MessagePort (no main thread; for reference)",
      `${thousands(bus.msgsPerSec.rawPort.median)} msg/s`,
      "—",
      `bus/port ${bus.ratioToDirectPort}`,
      "—",
      "—",
    ],
    [
      `crash → replacement answers an ask, p50 (${crash.crashes} crashes, backoff 0, 1 warm spare)`,
      ms(crash.totalMs.p50),
      `${ms(crash.spawnBaselineMs.p50)} plain new Worker() to first message, p50`,
      `${crash.ratioP50}`,
      "—",
      "—",
    ],
    [
      "crash → replacement answers an ask, p99",
      ms(crash.totalMs.p99),
      `${ms(crash.spawnBaselineMs.p99)} plain new Worker(), p99`,
      `${crash.ratioP99}`,
      `< ${crash.goalP99Ms} ms`,
      yes(crash.met),
    ],
    [
      `  the same with no spare worker, p50 / p99 (${crash.coldCrashes} crashes)`,
      pair(crash.coldTotalMs),
      "—",
      `spare/none p99 ${round(crash.totalMs.p99 / crash.coldTotalMs.p99)}`,
      "—",
      "—",
    ],
    ["  crash ordered → host noticed (p50 / p99)", pair(crash.noticeMs), "—", "—", "—", "—"],
    ["  noticed → replacement start() called (p50 / p99)", pair(crash.decideMs), "—", "—", "—", "—"],
    [
      "  start() → replacement started: spawn (p50 / p99)",
      pair(crash.spawnMs),
      `${pair(crash.spawnBaselineMs)} plain new Worker()`,
      `${round(crash.spawnMs.p50 / crash.spawnBaselineMs.p50)}`,
      "—",
      "—",
    ],
    ["  started → ask answered (p50 / p99)", pair(crash.answerMs), "—", "—", "—", "—"],
  ];
  return markdown(rows);
}

const yes = (met: boolean) => (met ? "yes" : "**no**");

function markdown(rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(rows[0]), line(rows[0].map(() => "---")), ...rows.slice(1).map(line)].join("\n");
}

async function main(): Promise<void> {
  const startedAt = performance.now();
  progress(`bus throughput: ${thousands(MESSAGES)} msgs, ${WARMUP_ROUNDS} warm-up + ${ROUNDS} rounds`);
  const bus = await throughput();
  const crash = await restarts();
  // Each in a fresh process (bench/section.ts), so neither measures the heap and workers left before it.
  const collector = await runSection<CollectorReport>("collector", quick);
  const front = await runSection<FrontReport>("front", quick);
  const report = {
    bench: "runtime",
    at: new Date().toISOString(),
    deno: Deno.version.deno,
    cores: navigator.hardwareConcurrency,
    quick,
    durationMs: Math.round(performance.now() - startedAt),
    bus,
    crash,
    collector,
    front,
  };
  const dir = new URL("../.bench/", import.meta.url);
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(new URL("report.json", dir), JSON.stringify(report, null, 2) + "\n");
  console.log(`\n## Runtime bench (Deno ${report.deno}, ${report.cores} cores${quick ? ", quick" : ""})\n`);
  console.log(table(report));
  console.log(
    `\nBus baseline: ${bus.baseline}; the runtime routes worker → main → worker, so this is the fair one.` +
      ` The bus sender tells ${bus.chunk} items per handled message, ${bus.inFlight} such messages in flight;` +
      ` the receiver has prefetch ${bus.receiverPrefetch} (default 32) and the default mailbox (1000), with` +
      " backpressure on its item kind." +
      ` Bus per round: ${bus.msgsPerSec.bus.rounds.map(thousands).join(", ")} msg/s;` +
      ` raw relay: ${bus.msgsPerSec.rawRelay.rounds.map(thousands).join(", ")};` +
      ` raw port: ${bus.msgsPerSec.rawPort.rounds.map(thousands).join(", ")}.`,
  );
  console.log(
    `Crash: backoff minMs ${BACKOFF.minMs}, maxMs ${BACKOFF.maxMs} (no delay); crashes ${crash.spacingMs} ms` +
      " apart; the replacement starts in the system's warm spare worker (the default, 1 spare), which is" +
      ` made again 100 ms after it is taken; total min ${crash.totalMs.min}` +
      ` ms, p90 ${crash.totalMs.p90} ms, max ${crash.totalMs.max} ms.\n`,
  );
  console.log("## Collector bench (PostgreSQL, the real actors in their workers)\n");
  console.log(
    markdown([
      ["measure", "result", "baseline (same run)", "ratio", "goal", "met"],
      ...collectorRows(collector),
    ]),
  );
  if (!("skipped" in collector)) {
    const { peak, replay } = collector;
    console.log(
      `\nPeak: the recording, then ${
        peak.snapshots - 1
      } variants 15 s apart (every pilot moved along its heading,` +
        ` about 5 reconnecting per snapshot), fetched by the fetcher from a folder every ${peak.spacingMs} ms;` +
        ` committed = the NOTIFY of a bench trigger on snapshots, delivered after COMMIT. The first` +
        ` ${peak.warmup} steady snapshots are warm-up; ${peak.queuedLeftOut} later ones fetched before the previous` +
        ` commit were left out. Steady min ${peak.steadyMs.min} ms, p90 ${peak.steadyMs.p90} ms, max ${peak.steadyMs.max}` +
        ` ms. Simulator: ${replay.snapshots} snapshots rendered beforehand, fetched every 1 ms, rate from the` +
        " second commit to the last. Written to .bench/report.json.\n",
    );
  }
  console.log(
    `## Front bench (GET /api/flights, ${thousands(front.flights)} flights, ${
      thousands(front.bytes)
    } bytes, ${thousands(front.gzipBytes)} gzipped)\n`,
  );
  console.log(
    markdown([["measure", "result", "baseline (same run)", "ratio", "goal", "met"], ...frontRows(front)]),
  );
  console.log(
    `\nThe app serves the hot view through every middleware (request counting, routing, ETag), gzipped as` +
      " the client accepts; the baseline is a bare Deno.serve answering the same bytes and headers." +
      ` Requests per second: median of ${front.rounds}` +
      ` rounds with ${front.connections} keep-alive connections; latency: one connection, so it is the` +
      " server's time and not the queue's. Load from bench/http_load.ts in its own process.\n",
  );
  console.log(JSON.stringify(report));
}

function frontRows(front: FrontReport): string[][] {
  return [
    [
      `requests per second (${front.connections} connections)`,
      thousands(front.app.rps),
      `${thousands(front.bare.rps)} bare Deno.serve`,
      `${front.ratio}`,
      `≥ ${FRONT_RPS_GOAL}`,
      yes(front.met.ratio),
    ],
    [
      "latency p99 (1 connection)",
      `${front.app.p99Ms} ms`,
      `${front.bare.p99Ms} ms bare Deno.serve`,
      `${round(front.app.p99Ms / front.bare.p99Ms)}`,
      `< ${FRONT_P99_GOAL_MS} ms`,
      yes(front.met.p99),
    ],
  ];
}

try {
  await main();
} catch (error) {
  console.error("bench failed:", error);
  Deno.exit(1);
}

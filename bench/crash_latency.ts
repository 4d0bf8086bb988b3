/**
 * Crash → replacement latency: an actor throws in a handler; the time until its replacement answers an
 * ask (sent right behind the crash, so it waits in the mailbox across the restart). The baseline is a
 * plain `new Worker()` until its first message, measured between the crashes.
 */
import { ActorSystem } from "../supervision/system.ts";
import { waiter, within } from "./deadline.ts";
import { CrasherProtocol } from "./protocol.ts";

/** The restart delay used: no backoff, so the measure is the runtime's own work. */
export const BACKOFF = { minMs: 0, maxMs: 0, randomFactor: 0, resetAfterMs: 60_000 };

export interface CrashSample {
  /** Crash ordered (tell) → the replacement's answer to the ask arrived: the measure with the goal. */
  totalMs: number;
  /** Crash ordered → the host has the crash report and has salvaged the mailbox (supervisor told). */
  noticeMs: number;
  /** Noticed → the supervisor calls start() on the replacement (restart policy, backoff, queue). */
  decideMs: number;
  /** start() → the replacement worker reports `started` (spawn, module load, actor start). */
  spawnMs: number;
  /** Started → the waiting ask is answered. */
  answerMs: number;
}

export interface CrashResults {
  samples: CrashSample[];
  /** Plain worker spawn until its first message, one per crash. */
  spawnBaselineMs: number[];
}

export interface CrashOptions {
  crashes: number;
  warmups: number;
  /** Warm spare workers the system keeps (the runtime's default is 1; 0 = every restart spawns afresh). */
  spareWorkers: number;
  /** Pause before each crash: crashes are rare events, and a spare is made again within this time. */
  spacingMs: number;
}

export async function crashLatency(options: CrashOptions): Promise<CrashResults> {
  const system = new ActorSystem({
    type: "supervisor",
    name: "bench-crash",
    intensity: options.crashes + options.warmups + 10,
    periodMs: 600_000,
    backoff: BACKOFF,
    children: [{ name: "crasher", module: new URL("./actors/crasher.ts", import.meta.url).href }],
  }, { log: { level: "fatal", format: "pretty" }, spareWorkers: options.spareWorkers });
  const process = system.actor("crasher");
  if (!process) throw new Error("crasher is not in the bench tree");

  // Instrumentation, bench only: when the host records the crashed message as a dead letter (it does so
  // as it takes the incarnation down), and when the supervisor starts the replacement.
  let marks: { notice?: number; spawn?: number; started?: number } = {};
  const unsubscribe = system.bus.deadLetters.onDeadLetter((letter) => {
    if (letter.to === "crasher" && letter.reason === "actor_failed") marks.notice ??= performance.now();
  });
  const start = process.start.bind(process);
  process.start = () => {
    marks.spawn ??= performance.now();
    return start().then(() => void (marks.started ??= performance.now()));
  };

  const samples: CrashSample[] = [];
  const spawnBaselineMs: number[] = [];
  const crasher = system.ref("crasher", CrasherProtocol);
  try {
    await system.start();
    for (let i = 0; i < options.warmups + options.crashes; i++) {
      await new Promise((resolve) => setTimeout(resolve, options.spacingMs));
      marks = {};
      const incarnation = process.incarnation + 1;
      const crashedAt = performance.now();
      crasher.tell("crasher.throw", {});
      const echo = await crasher.ask("crasher.echo", { seq: i }, { timeoutMs: 5_000 });
      const answeredAt = performance.now();
      if (echo.seq !== i || echo.incarnation !== incarnation) {
        throw new Error(`crash ${i}: answer ${JSON.stringify(echo)}, expected incarnation ${incarnation}`);
      }
      const { notice, spawn, started } = marks;
      if (notice === undefined || spawn === undefined || started === undefined) {
        throw new Error(`crash ${i}: a restart step was not seen (${JSON.stringify(marks)})`);
      }
      const baseline = await plainSpawn();
      if (i < options.warmups) continue;
      samples.push({
        totalMs: answeredAt - crashedAt,
        noticeMs: notice - crashedAt,
        decideMs: spawn - notice,
        spawnMs: started - spawn,
        answerMs: answeredAt - started,
      });
      spawnBaselineMs.push(baseline);
    }
  } finally {
    unsubscribe();
    await system.stop();
  }
  return { samples, spawnBaselineMs };
}

/** `new Worker()` until the worker's first message arrives, then terminated. */
async function plainSpawn(): Promise<number> {
  const first = waiter<void>();
  const started = performance.now();
  const worker = new Worker(new URL("./empty_worker.ts", import.meta.url), { type: "module" });
  worker.onmessage = () => first.resolve();
  worker.onerror = (event) => {
    event.preventDefault();
    first.reject(new Error(`plain worker failed: ${event.message}`));
  };
  try {
    await within(first.promise, 10_000, "plain worker spawn");
    return performance.now() - started;
  } finally {
    worker.terminate();
  }
}

/**
 * Restart delays as Akka/Pekko's `BackoffSupervisor` computes them: exponential, capped, jittered, and
 * forgotten once a child has run cleanly for long enough.
 */
import { z } from "zod";

export const BackoffOptionsSchema = z.object({
  minMs: z.number().int().min(0).default(100),
  maxMs: z.number().int().min(0).default(30_000),
  randomFactor: z.number().min(0).max(1).default(0.2),
  resetAfterMs: z.number().int().positive().default(60_000),
}).refine((o) => o.maxMs >= o.minMs, { message: "maxMs must be >= minMs", path: ["maxMs"] });
export type BackoffOptions = z.output<typeof BackoffOptionsSchema>;

/**
 * Past this exponent `minMs · 2^attempt` (minMs >= 1) exceeds every safe integer, so every maxMs: the cap
 * applies, and 2^attempt is never computed for huge attempts.
 */
const CAPPED_EXPONENT = 64;

/**
 * min·2^attempt capped at max, then jitter of up to randomFactor on top, still capped at max.
 * Pekko lets the jitter go past maxBackoff; here max is a hard ceiling. Rounded to whole ms.
 *
 * @example
 * ```ts
 * const options = BackoffOptionsSchema.parse({ minMs: 100, maxMs: 10_000, randomFactor: 0 });
 * backoffDelay(0, options); // 100
 * backoffDelay(3, options); // 800
 * backoffDelay(20, options); // 10_000
 * ```
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  if (!Number.isInteger(attempt) || attempt < 0) {
    throw new RangeError(`attempt must be an integer >= 0, got ${attempt}`);
  }
  const { minMs, maxMs, randomFactor } = options;
  if (minMs === 0) return 0; // 0 · 2^n, whatever the jitter
  const exponential = attempt >= CAPPED_EXPONENT ? maxMs : Math.min(maxMs, minMs * 2 ** attempt);
  const jittered = exponential * (1 + random() * randomFactor);
  return Math.min(maxMs, Math.round(jittered));
}

/**
 * The restart delay of one child across its restarts.
 *
 * @example
 * ```ts
 * const backoff = new Backoff(BackoffOptionsSchema.parse({ randomFactor: 0 }));
 * backoff.next(performance.now(), startedAt); // 100, then 200, 400, … until the child runs for 60 s
 * ```
 */
export class Backoff {
  #attempt = 0;
  readonly options: BackoffOptions;

  constructor(options: BackoffOptions, private readonly random: () => number = Math.random) {
    this.options = BackoffOptionsSchema.parse(options);
  }

  /** Restarts so far since the last reset; the exponent of the next delay. */
  get attempt(): number {
    return this.#attempt;
  }

  /**
   * Delay before the next restart of a child that (re)started at `startedAt` and failed at `now` (both
   * monotonic ms). If it ran cleanly for `resetAfterMs` or longer, the attempt count resets to 0 first.
   * Increments the attempt.
   */
  next(now: number, startedAt: number): number {
    if (now - startedAt >= this.options.resetAfterMs) this.#attempt = 0;
    const delay = backoffDelay(this.#attempt, this.options, this.random);
    this.#attempt++;
    return delay;
  }

  reset(): void {
    this.#attempt = 0;
  }
}

/**
 * The longest a child that crashes at once on every start can take to crash `crashes + 1` times: the sum
 * of its first `crashes` restart delays, each at its largest jitter. A supervisor whose period is not
 * longer than this, for `crashes` = its intensity, may restart such a child for ever without giving up.
 *
 * @example
 * ```ts
 * const options = BackoffOptionsSchema.parse({ minMs: 100, maxMs: 1_000, randomFactor: 0 });
 * crashLoopSpanMs(5, options); // 100 + 200 + 400 + 800 + 1_000 = 2_500
 * ```
 */
export function crashLoopSpanMs(crashes: number, options: BackoffOptions): number {
  let total = 0;
  for (let attempt = 0; attempt < crashes; attempt++) {
    const delay = backoffDelay(attempt, options, () => 1);
    if (delay === options.maxMs) return total + (crashes - attempt) * delay; // the rest are capped too
    total += delay;
  }
  return total;
}

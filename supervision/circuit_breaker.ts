/**
 * A circuit breaker with Akka/Pekko semantics: it stops hammering a failing dependency and lets one trial
 * call through after a reset timeout that grows while the dependency keeps failing.
 */
import { getLogger } from "@logtape/logtape";
import { z } from "zod";
import { describeError } from "../runtime/errors.ts";

export const BreakerOptionsSchema = z.object({
  maxFailures: z.number().int().min(1).default(5),
  callTimeoutMs: z.number().int().positive().default(10_000),
  resetTimeoutMs: z.number().int().positive().default(30_000),
  exponentialBackoffFactor: z.number().min(1).default(2),
  maxResetTimeoutMs: z.number().int().positive().default(300_000),
  randomFactor: z.number().min(0).max(1).default(0),
});
export type BreakerOptions = z.output<typeof BreakerOptionsSchema>;
export type BreakerOptionsInput = z.input<typeof BreakerOptionsSchema>;
export type BreakerState = "closed" | "open" | "half-open";

/** `failures` are consecutive (kept while open); `lastTransitionAt` is epoch ms, readable in any thread. */
export interface BreakerSnapshot {
  name: string;
  state: BreakerState;
  failures: number;
  currentResetTimeoutMs: number;
  nextTrialInMs: number | null;
  opens: number;
  lastFailure: string | null;
  lastTransitionAt: number | null;
}

/** The breaker refused the call without running it. `remainingMs` is 0 while a half-open trial runs. */
export class CircuitOpenError extends Error {
  constructor(readonly breaker: string, readonly remainingMs: number) {
    super(`circuit breaker ${breaker} is open; next trial in ${Math.ceil(remainingMs)} ms`);
    this.name = "CircuitOpenError";
  }
}

/** The call ran longer than `callTimeoutMs`; its signal has been aborted with this error. */
export class CallTimeoutError extends Error {
  constructor(readonly breaker: string, readonly timeoutMs: number) {
    super(`call through circuit breaker ${breaker} timed out after ${timeoutMs} ms`);
    this.name = "CallTimeoutError";
  }
}

type TransitionListener = (from: BreakerState, to: BreakerState, snapshot: BreakerSnapshot) => void;
const log = getLogger(["supervision", "circuit-breaker"]);

/**
 * @example
 * ```ts
 * const breaker = new CircuitBreaker("feed", { maxFailures: 3, resetTimeoutMs: 5_000 });
 * const body = await breaker.call((signal) => fetch(url, { signal }).then((r) => r.text()));
 * ```
 */
export class CircuitBreaker {
  readonly options: BreakerOptions;
  #status: Omit<BreakerSnapshot, "name" | "nextTrialInMs"> = {
    state: "closed",
    failures: 0,
    currentResetTimeoutMs: 0,
    opens: 0,
    lastFailure: null,
    lastTransitionAt: null,
  };
  #openedAt = 0;
  #trialStartedAt: number | null = null;
  /** Bumped on every state change, so the outcome of a call begun in an earlier period is ignored. */
  #epoch = 0;
  #listeners = new Set<TransitionListener>();

  constructor(readonly name: string, options: BreakerOptionsInput = {}, private readonly rng = Math.random) {
    this.options = BreakerOptionsSchema.parse(options);
    this.#status.currentResetTimeoutMs = this.options.resetTimeoutMs;
  }

  /** Runs fn through the breaker. fn gets an AbortSignal that aborts on call timeout. */
  async call<T>(
    fn: (signal: AbortSignal) => Promise<T>,
    opts: { isFailure?: (error: unknown) => boolean } = {},
  ): Promise<T> {
    this.guard();
    const epoch = this.#epoch;
    const controller = new AbortController();
    const timeoutError = new CallTimeoutError(this.name, this.options.callTimeoutMs);
    const { promise: timedOut, reject } = Promise.withResolvers<never>();
    controller.signal.addEventListener("abort", () => reject(timeoutError)); // not onabort: fn may use it
    const timer = setTimeout(() => controller.abort(timeoutError), this.options.callTimeoutMs);
    try {
      // The executor calls fn at once and turns a synchronous throw into a rejection.
      const work = new Promise<T>((resolve) => resolve(fn(controller.signal)));
      const result = await Promise.race([work, timedOut]);
      this.#outcome(epoch, undefined, false);
      return result;
    } catch (error) {
      // A classifier that throws escapes to the caller: its bug should be loud, not a silent count.
      this.#outcome(epoch, error, error === timeoutError || (opts.isFailure?.(error) ?? true));
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** For a call made after guard(): outcomes reported while open, or half-open with no trial, are ignored. */
  succeed(): void {
    this.#outcome(this.#epoch, undefined, false);
  }

  fail(error: unknown): void {
    this.#outcome(this.#epoch, error, true);
  }

  /** Fails fast with CircuitOpenError when open, or half-open with the trial already in flight. */
  guard(): void {
    const now = this.#refresh();
    const { state, nextTrialInMs: left } = this.#snapshotAt(now);
    if (state === "open" || this.#trialStartedAt !== null) throw new CircuitOpenError(this.name, left ?? 0);
    if (state === "half-open") this.#trialStartedAt = now;
  }

  /** Listens to every state change; returns the unsubscribe. */
  onTransition(listener: TransitionListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  snapshot(): BreakerSnapshot {
    return this.#snapshotAt(this.#refresh());
  }

  /** Manual reset from the control API: closed, failures 0, reset timeout back to its initial value. */
  reset(): void {
    if (this.#status.state !== "closed") return this.#transition("closed", performance.now());
    this.#status.failures = 0;
    this.#epoch++;
  }

  #outcome(epoch: number, error: unknown, failed: boolean): void {
    // While open nothing ran through the breaker, and in half-open only the trial counts.
    const status = this.#status;
    const counts = status.state === "closed" || this.#trialStartedAt !== null;
    if (epoch !== this.#epoch || !counts) return;
    if (failed) status.lastFailure = describeError(error);
    if (status.state === "half-open") return this.#transition(failed ? "open" : "closed", performance.now());
    status.failures = failed ? status.failures + 1 : 0;
    if (status.failures >= this.options.maxFailures) this.#transition("open", performance.now());
  }

  /** The breaker keeps no timer: time-driven changes happen when someone looks. Returns `now`. */
  #refresh(now = performance.now()): number {
    if (this.#status.state === "open" && now - this.#openedAt >= this.#status.currentResetTimeoutMs) {
      this.#transition("half-open", now);
    } else if (this.#trialStartedAt !== null && now - this.#trialStartedAt >= this.options.callTimeoutMs) {
      // A guard() caller that never reported would otherwise hold the breaker half-open for ever.
      this.#status.lastFailure = `trial reported no outcome within ${this.options.callTimeoutMs} ms`;
      this.#transition("open", now);
    }
    return now;
  }

  #transition(to: BreakerState, now: number): void {
    const status = this.#status;
    const from = status.state;
    if (to === "open") {
      // As Pekko: it grows only on re-opening from half-open, and the jitter is part of what keeps growing.
      if (from === "half-open") {
        const jitter = 1 + this.rng() * this.options.randomFactor;
        const grown = status.currentResetTimeoutMs * this.options.exponentialBackoffFactor * jitter;
        status.currentResetTimeoutMs = Math.min(grown, this.options.maxResetTimeoutMs);
      }
      this.#openedAt = now;
      status.opens++;
    } else if (to === "closed") {
      status.currentResetTimeoutMs = this.options.resetTimeoutMs;
      status.failures = 0;
    }
    status.state = to;
    status.lastTransitionAt = Date.now();
    this.#trialStartedAt = null;
    this.#epoch++;
    const snapshot = this.#snapshotAt(now);
    for (const listener of [...this.#listeners]) {
      try {
        listener(from, to, { ...snapshot });
      } catch (error) {
        log.error("breaker {name}: a transition listener threw: {error}", { name: this.name, error });
      }
    }
  }

  #snapshotAt(now: number): BreakerSnapshot {
    const { state, currentResetTimeoutMs } = this.#status;
    const remaining = state === "open" ? Math.max(0, this.#openedAt + currentResetTimeoutMs - now) : null;
    return { name: this.name, ...this.#status, nextTrialInMs: remaining };
  }
}

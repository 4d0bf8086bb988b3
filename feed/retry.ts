/**
 * Retries for feed requests: 5xx, 429 and network errors are tried again after an exponential, jittered
 * delay (or the server's `Retry-After`, capped), within a time budget so one poll stays bounded.
 */
import { FeedError } from "./live_source.ts";

export interface RetryPolicy {
  /** Tries per URL, the first included. */
  attempts: number;
  /** Delay before the first retry; doubled for each further one. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A longer `Retry-After` is cut down to this. */
  maxRetryAfterMs: number;
  /** No retry starts (and no request runs) past this long after the first try. */
  budgetMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 3,
  baseDelayMs: 500,
  maxDelayMs: 4_000,
  maxRetryAfterMs: 10_000,
  budgetMs: 20_000,
};

/** What the retry loop reads from the outside world; tests pass their own. */
export interface RetryClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** In [0, 1). */
  random(): number;
}

export const realClock: RetryClock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
  random: Math.random,
};

/** `Retry-After` as ms from `nowMs` (wall clock): delta seconds or an HTTP date; null when absent or bad. */
export function parseRetryAfter(header: string | null, nowMs = Date.now()): number | null {
  if (header === null) return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP date has a weekday and month name; Date.parse alone would also take "-5" as a year.
  const at = /[a-z]/i.test(text) ? Date.parse(text) : NaN;
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

/** Whether trying again may help: 5xx, 429, timeouts and network errors may; other 4xx and a cap do not. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof FeedError) {
    return error.status !== null && (error.status === 429 || error.status >= 500);
  }
  // A caller's abort is not a failure to retry; a request timeout (TimeoutError) is.
  if (error instanceof DOMException && error.name === "AbortError") return false;
  return true;
}

/** Exponential backoff with "equal jitter": between half and all of `base · 2^(attempt-1)`, capped. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number): number {
  const full = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return full / 2 + random() * (full / 2);
}

/** Runs `attempt` until it succeeds, fails for good, or runs out of tries or budget; throws the last error. */
export async function withRetry<T>(
  attempt: () => Promise<T>,
  policy: RetryPolicy,
  options: { signal?: AbortSignal; clock?: RetryClock; onRetry?: (error: unknown, delayMs: number) => void } =
    {},
): Promise<T> {
  const clock = options.clock ?? realClock;
  const deadline = clock.now() + policy.budgetMs;
  for (let n = 1;; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (options.signal?.aborted || !isRetryable(error) || n >= policy.attempts) throw error;
      const retryAfter = error instanceof FeedError ? error.retryAfterMs : null;
      const delay = retryAfter !== null
        ? Math.min(retryAfter, policy.maxRetryAfterMs)
        : backoffDelay(n, policy, clock.random);
      // A retry that could not even start within the budget is not worth the wait.
      if (clock.now() + delay >= deadline) throw error;
      options.onRetry?.(error, delay);
      await clock.sleep(delay, options.signal);
    }
  }
}

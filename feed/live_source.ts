/**
 * Fetches the live VATSIM feed: the status document names the data URLs (`data.v3`), which are tried in
 * turn until one answers. Every request has a timeout and a body size cap, checked while streaming; 5xx,
 * 429 and network errors are retried (feed/retry.ts) before the next URL is tried.
 */
import { z } from "zod";
import {
  DEFAULT_RETRY,
  parseRetryAfter,
  realClock,
  type RetryClock,
  type RetryPolicy,
  withRetry,
} from "./retry.ts";

const StatusSchema = z.object({ data: z.object({ v3: z.array(z.string().url()).min(1) }) });

/** A feed request that got an answer other than 2xx, or a body past the cap. */
export class FeedError extends Error {
  constructor(
    message: string,
    readonly url: string,
    readonly status: number | null = null,
    /** From the answer's `Retry-After`, when it had one. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = "FeedError";
  }
}

export interface LiveSourceOptions {
  /** e.g. https://status.vatsim.net/status.json */
  statusUrl: string;
  /** Per request, headers and body included. */
  timeoutMs: number;
  /** Largest body accepted (the real feed is 2–4 MB at peaks). */
  maxBytes: number;
  /** How often the list of data URLs is fetched again. */
  refreshMs: number;
  /** Retries per URL; the budget bounds the whole of next(), status document included. */
  retry?: RetryPolicy;
  /** Time, sleep and randomness of the retries (tests pass a fake). */
  clock?: RetryClock;
  /** Told before each retry, e.g. to log and count it. */
  onRetry?: (url: string, error: unknown, delayMs: number) => void;
}

export interface LiveSnapshot {
  url: string;
  bytes: Uint8Array<ArrayBuffer>;
  fetchMs: number;
}

export class LiveSource {
  #urls: string[] = [];
  #urlsAt = -Infinity;
  /** The URL that answered last, tried first next time. */
  #preferred = 0;

  constructor(readonly options: LiveSourceOptions) {}

  /**
   * Fetches one snapshot, trying each data URL in turn (with retries) while the retry budget lasts;
   * throws the last failure when none answers.
   */
  async next(signal?: AbortSignal): Promise<LiveSnapshot> {
    const clock = this.options.clock ?? realClock;
    const policy = this.options.retry ?? DEFAULT_RETRY;
    const deadline = clock.now() + policy.budgetMs;
    const retrying = <T>(url: string, attempt: () => Promise<T>) =>
      withRetry(attempt, { ...policy, budgetMs: Math.max(0, deadline - clock.now()) }, {
        signal,
        clock,
        onRetry: (error, delayMs) => this.options.onRetry?.(url, error, delayMs),
      });
    const urls = await this.#dataUrls(signal, retrying);
    let lastError: unknown = null;
    const first = this.#preferred;
    for (let i = 0; i < urls.length; i++) {
      if (i > 0 && clock.now() >= deadline) break;
      const index = (first + i) % urls.length;
      const started = performance.now();
      try {
        const bytes = await retrying(urls[index], () => fetchCapped(urls[index], this.options, signal));
        this.#preferred = index;
        return { url: urls[index], bytes, fetchMs: performance.now() - started };
      } catch (error) {
        if (signal?.aborted) throw error;
        lastError = error;
        // A URL that used up the budget (a black hole holds each request until its timeout) must not stay
        // first: the next poll starts with the one after it.
        this.#preferred = (index + 1) % urls.length;
      }
    }
    // Every data URL failed: ask the status document again next time, it may name new ones.
    this.#urlsAt = -Infinity;
    throw lastError;
  }

  async #dataUrls(
    signal: AbortSignal | undefined,
    retrying: <T>(url: string, attempt: () => Promise<T>) => Promise<T>,
  ): Promise<string[]> {
    if (this.#urls.length > 0 && performance.now() - this.#urlsAt < this.options.refreshMs) return this.#urls;
    const { statusUrl } = this.options;
    const bytes = await retrying(
      statusUrl,
      () => fetchCapped(statusUrl, { ...this.options, maxBytes: 1024 * 1024 }, signal),
    );
    let parsed;
    try {
      parsed = StatusSchema.safeParse(JSON.parse(new TextDecoder().decode(bytes)));
    } catch (error) {
      throw new FeedError(`status document is not JSON: ${(error as Error).message}`, this.options.statusUrl);
    }
    if (!parsed.success) {
      throw new FeedError("status document has no data.v3 list of URLs", this.options.statusUrl);
    }
    if (parsed.data.data.v3.join() !== this.#urls.join()) this.#preferred = 0;
    this.#urls = parsed.data.data.v3;
    this.#urlsAt = performance.now();
    return this.#urls;
  }
}

/** GETs `url` within `timeoutMs` and reads at most `maxBytes` of body (gzip is decoded by fetch). */
export async function fetchCapped(
  url: string,
  limits: { timeoutMs: number; maxBytes: number },
  signal?: AbortSignal,
): Promise<Uint8Array<ArrayBuffer>> {
  const timeout = AbortSignal.timeout(limits.timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  const response = await fetch(url, { signal: combined, headers: { "accept-encoding": "gzip" } });
  if (!response.ok) {
    await response.body?.cancel();
    throw new FeedError(
      `${url} answered ${response.status} ${response.statusText}`,
      url,
      response.status,
      parseRetryAfter(response.headers.get("retry-after")),
    );
  }
  const declared = Number(response.headers.get("content-length") ?? NaN);
  if (declared > limits.maxBytes) {
    await response.body?.cancel();
    throw new FeedError(`${url} declares ${declared} bytes, over the cap of ${limits.maxBytes}`, url);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of response.body ?? []) {
    total += chunk.byteLength;
    if (total > limits.maxBytes) {
      throw new FeedError(`${url} sent more than the cap of ${limits.maxBytes} bytes`, url);
    }
    chunks.push(chunk);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * The fetcher: polls the feed (live, or a folder of recorded snapshots), drops bodies it has already
 * seen (the same `update_timestamp` and the same bytes), and moves each new raw body to the processor
 * without a copy.
 */
import { z } from "zod";
import { type ActorContext, defineActor } from "../runtime/actor.ts";
import { CircuitOpenError } from "../supervision/circuit_breaker.ts";
import { peekUpdateTimestamp } from "../feed/timestamp.ts";
import { LiveSource } from "../feed/live_source.ts";
import { DEFAULT_RETRY } from "../feed/retry.ts";
import { ReplaySource } from "../feed/replay_source.ts";
import { CacheProtocol, FetcherProtocol, type FetchInfo, ProcessorProtocol, SERVICES } from "./protocol.ts";
import { describeError } from "../runtime/errors.ts";

const ConfigSchema = z.object({
  /** "live", or the path of a folder of recorded `.json` snapshots. */
  feed: z.string().min(1),
  statusUrl: z.string().url(),
  pollIntervalMs: z.number().int().positive(),
  requestTimeoutMs: z.number().int().positive().default(10_000),
  maxBytes: z.number().int().positive().default(32 * 1024 * 1024),
  /** Delay before the first retry of a failed request (feed/retry.ts); doubled for each further one. */
  retryBaseDelayMs: z.number().int().positive().default(DEFAULT_RETRY.baseDelayMs),
  /** How long the feed breaker stays open before it lets one trial poll through. */
  breakerResetMs: z.number().int().positive().default(30_000),
  /** How many recent bodies (timestamp and digest) are remembered for deduplication. */
  rememberTimestamps: z.number().int().positive().default(1_000),
});

type Config = z.output<typeof ConfigSchema>;

/** Different bodies remembered under one `update_timestamp` (a whole one and its broken copies). */
const MAX_BODIES_PER_TIMESTAMP = 8;

interface Fetched {
  bytes: Uint8Array<ArrayBuffer>;
  info: Omit<FetchInfo, "bytes">;
}

interface State {
  next(signal: AbortSignal): Promise<Fetched | null>;
  /**
   * The digests of the bodies seen per recent `update_timestamp`, in insertion order (a Map keeps it),
   * so the oldest timestamp is evicted first.
   */
  seen: Map<string, string[]>;
}

export default defineActor({
  protocol: FetcherProtocol,
  config: ConfigSchema,
  start(ctx): State {
    const { config } = ctx;
    ctx.schedule(0, "fetcher.poll", {});
    if (config.feed !== "live") {
      const replay = new ReplaySource(config.feed);
      return {
        seen: new Map(),
        next: async () => {
          const file = await replay.next();
          if (file === null) return null;
          return {
            bytes: file.bytes,
            info: { source: `replay:${file.name}`, fetchedAt: Date.now(), fetchMs: null },
          };
        },
      };
    }
    const live = new LiveSource({
      statusUrl: config.statusUrl,
      timeoutMs: config.requestTimeoutMs,
      maxBytes: config.maxBytes,
      refreshMs: 5 * 60_000,
      // Retries end within one request timeout of the first try, so a whole poll (at most the budget plus
      // one request) stays under the breaker's call timeout below.
      retry: { ...DEFAULT_RETRY, baseDelayMs: config.retryBaseDelayMs, budgetMs: config.requestTimeoutMs },
      onRetry: (url, error, delayMs) => {
        ctx.metrics.count("feed_fetch_retries_total");
        ctx.log.info("retrying {url} in {delayMs} ms: {error}", {
          url,
          delayMs: Math.round(delayMs),
          error: describeError(error),
        });
      },
    });
    // The breaker's own timeout sits above the per-request ones, which fire first.
    const breaker = ctx.breaker("feed", {
      maxFailures: 3,
      callTimeoutMs: 3 * config.requestTimeoutMs,
      resetTimeoutMs: config.breakerResetMs,
    });
    return {
      seen: new Map(),
      next: async (signal) => {
        const got = await breaker.call((callSignal) => live.next(AbortSignal.any([signal, callSignal])));
        return {
          bytes: got.bytes,
          info: { source: `live:${got.url}`, fetchedAt: Date.now(), fetchMs: got.fetchMs },
        };
      },
    };
  },
  async handle(state, _poll, ctx) {
    const startedAt = performance.now();
    const fetched = await state.next(ctx.signal).catch((error: unknown) => {
      // A failing feed is the breaker's business, not a reason to restart the fetcher.
      ctx.metrics.count("feed_fetch_errors_total");
      const level = error instanceof CircuitOpenError ? "debug" : "warn";
      ctx.log[level]("fetch failed: {error}", { error: describeError(error) });
      return "failed" as const;
    });
    if (fetched === null) {
      ctx.log.info("replay finished: every recorded snapshot was sent");
      return state;
    }
    ctx.schedule(
      Math.max(0, ctx.config.pollIntervalMs - (performance.now() - startedAt)),
      "fetcher.poll",
      {},
    );
    if (fetched !== "failed") await forward(state, fetched, ctx);
    return state;
  },
});

/**
 * Sends a snapshot on unless the same body was seen already. A repeat is still reported to the cache,
 * which judges staleness: the same timestamp for minutes means the feed stopped moving.
 *
 * The timestamp alone is not enough: a cut-off or corrupt copy of a snapshot still shows it, and if it
 * came first the whole copy fetched next would be dropped as its repeat and never stored. With the
 * digest, each copy goes on once: the broken one to the quarantine, the whole one to the store, whose
 * own key (the timestamp) keeps a second whole copy from being written twice.
 */
async function forward(
  state: State,
  fetched: Fetched,
  ctx: ActorContext<typeof FetcherProtocol, Config>,
): Promise<void> {
  ctx.metrics.count("snapshots_fetched_total");
  ctx.span?.setAttribute("feed.source", fetched.info.source);
  if (fetched.info.fetchMs !== null) ctx.metrics.observe("feed_fetch_seconds", fetched.info.fetchMs / 1000);
  const timestamp = peekUpdateTimestamp(fetched.bytes);
  const digests = timestamp === null ? undefined : state.seen.get(timestamp);
  // Only a body whose timestamp was seen needs its digest before it may go on.
  const known = digests === undefined ? null : await digest(fetched.bytes);
  if (timestamp !== null && digests !== undefined && known !== null && digests.includes(known)) {
    ctx.metrics.count("snapshots_duplicate_total", 1, { stage: "fetcher" });
    ctx.span?.addEvent("duplicate", { "snapshot.update_timestamp": timestamp });
    ctx.log.debug("duplicate snapshot {timestamp} from {source}", { timestamp, source: fetched.info.source });
    ctx.ref(SERVICES.cache, CacheProtocol).tell("cache.seen", { updateTimestamp: timestamp });
    return;
  }
  const { bytes } = fetched;
  // A new timestamp's digest is taken once the body has left: from a copy, since the body is moved.
  const copy = timestamp !== null && known === null ? bytes.slice() : null;
  // Move exactly the body: a view into a larger buffer would move (and count) the whole buffer.
  const raw = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    ? bytes.buffer
    : bytes.slice().buffer;
  ctx.ref(SERVICES.processor, ProcessorProtocol).tell(
    "processor.snapshot",
    { fetch: { ...fetched.info, bytes: raw.byteLength }, raw },
    { transfer: [raw] },
  );
  ctx.flush();
  if (timestamp === null) return;
  remember(state, ctx.config, timestamp, known ?? await digest(copy as Uint8Array<ArrayBuffer>));
}

/** Notes a body's digest under its timestamp, within the bounds. */
function remember(state: State, config: Config, timestamp: string, digest: string): void {
  const digests = state.seen.get(timestamp);
  if (digests !== undefined) {
    // Distinct bodies under one timestamp are broken copies; a few are enough to recognise them.
    if (digests.length < MAX_BODIES_PER_TIMESTAMP) digests.push(digest);
    return;
  }
  state.seen.set(timestamp, [digest]);
  if (state.seen.size > config.rememberTimestamps) {
    const [oldest] = state.seen.keys();
    state.seen.delete(oldest);
  }
}

/** SHA-256 of a body, hex (a 4 MB body takes a few ms, once per poll). */
async function digest(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(hash, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * The error journal behind `/api/errors/*`: what went wrong, classified (feed, validation, database,
 * cache, runtime, http), with the actor and the time, and how things recovered. Bounded: the newest
 * `capacity` entries and a tenth as many recoveries are kept; older ones are dropped.
 *
 * It is fed from what the front can already see, so no actor has to report to it: dead letters as they
 * happen, and once a second (`observe`) the differences in the actors' health (restarts, breaker states)
 * and in the failure counters of the metrics. A recovery is timed to that second.
 */
import type { ActorHealth } from "../runtime/actor_process.ts";
import type { DeadLetter } from "../runtime/dead_letters.ts";
import type { MetricsRegistry } from "../runtime/metrics.ts";
import { RingBuffer } from "../runtime/ring_buffer.ts";

export const ERROR_CLASSES = ["feed", "validation", "database", "cache", "runtime", "http"] as const;
export type ErrorClass = typeof ERROR_CLASSES[number];

export interface ErrorEntry {
  /** Epoch ms. */
  at: number;
  class: ErrorClass;
  actor: string | null;
  message: string;
  /** How many occurrences this entry stands for (counter increases are grouped per look). */
  count: number;
}

export interface Recovery {
  kind: "restart" | "breaker" | "spool";
  actor: string;
  /** What recovered: the breaker's name, the restart's reason, the spool. */
  what: string;
  startedAt: number;
  recoveredAt: number;
  durationMs: number;
}

/** Failure counters of the actors (and the front's own 5xx), by class. */
const COUNTERS: { name: string; class: ErrorClass; actor: string | null; message: string }[] = [
  { name: "feed_fetch_errors_total", class: "feed", actor: "fetcher", message: "feed fetch failed" },
  { name: "snapshots_rejected_total", class: "validation", actor: "processor", message: "snapshot rejected" },
  { name: "records_rejected_total", class: "validation", actor: "processor", message: "records quarantined" },
  {
    name: "diff_seed_failures_total",
    class: "database",
    actor: "processor",
    message: "diff state not restored",
  },
  { name: "store_write_failures_total", class: "database", actor: "store", message: "database write failed" },
  { name: "store_query_failures_total", class: "database", actor: "store", message: "database read failed" },
  { name: "spool_dropped_total", class: "database", actor: "store", message: "spooled message dropped" },
  { name: "hot_views_failures_total", class: "database", actor: "store", message: "hot views not read" },
  { name: "cache_degraded_total", class: "cache", actor: "cache", message: "cache degraded to memory" },
];

/** A breaker's failures belong to what it guards. */
function breakerClass(name: string): ErrorClass {
  if (name === "feed") return "feed";
  if (name === "database") return "database";
  if (name === "redis" || name === "cache") return "cache";
  return "runtime";
}

export class ErrorJournal {
  readonly #entries: RingBuffer<ErrorEntry>;
  readonly #recoveries: RingBuffer<Recovery>;
  /** Counter values and actor states at the last look, to see what changed since. */
  #counters = new Map<string, number>();
  #restarts = new Map<string, number>();
  #breakers = new Map<string, { state: string; since: number }>();
  #restarting = new Map<string, { since: number; reason: string }>();
  #spoolSince: number | null = null;

  constructor(capacity = 10_000) {
    this.#entries = new RingBuffer(capacity);
    this.#recoveries = new RingBuffer(Math.max(1, Math.floor(capacity / 10)));
  }

  record(entry: Omit<ErrorEntry, "count"> & { count?: number }): void {
    this.#entries.push({ count: 1, ...entry });
  }

  deadLetter(letter: DeadLetter): void {
    this.record({
      at: letter.at,
      class: "runtime",
      actor: letter.to,
      message: `dead letter ${letter.kind} from ${letter.from}: ${letter.reason} (${letter.detail})`,
    });
  }

  /** Notes what changed since the last look. The first look only takes the starting values. */
  observe(health: readonly ActorHealth[], metrics: MetricsRegistry, now = Date.now()): void {
    for (const counter of COUNTERS) this.#counter(counter.name, metrics.get(counter.name), now, counter);
    const serverErrors = metrics.snapshot()
      .filter((s) =>
        s.name === "http_requests_total" && s.type === "counter" && s.labels.status?.startsWith("5")
      )
      .reduce((sum, s) => sum + (s.type === "counter" ? s.value : 0), 0);
    this.#counter("http_5xx", serverErrors, now, { class: "http", actor: null, message: "HTTP 5xx answers" });
    for (const actor of health) {
      this.#observeRestarts(actor, now);
      for (const breaker of actor.breakers) this.#observeBreaker(actor.name, breaker.name, breaker, now);
    }
    this.#observeSpool(metrics.get("spool_files"), now);
  }

  /** Entries at or after `since` (epoch ms), newest last. */
  since(since: number): ErrorEntry[] {
    return this.#entries.toArray().filter((entry) => entry.at >= since);
  }

  recoveries(): Recovery[] {
    return this.#recoveries.toArray();
  }

  #counter(
    key: string,
    value: number,
    now: number,
    what: { class: ErrorClass; actor: string | null; message: string },
  ): void {
    const before = this.#counters.get(key);
    this.#counters.set(key, value);
    // A counter that went down was reset (a restart of whoever keeps it): only rises are failures.
    if (before !== undefined && value > before) this.record({ at: now, ...what, count: value - before });
  }

  #observeRestarts(actor: ActorHealth, now: number): void {
    const before = this.#restarts.get(actor.name);
    this.#restarts.set(actor.name, actor.restarts);
    if (before !== undefined && actor.restarts > before) {
      // lastRestartReasons is newest first.
      const fresh = actor.lastRestartReasons.slice(0, actor.restarts - before).reverse();
      for (const restart of fresh) {
        const at = Date.parse(restart.at);
        if (!restart.manual) {
          this.record({ at, class: "runtime", actor: actor.name, message: restart.reason });
        }
        this.#restarting.set(actor.name, { since: at, reason: restart.reason });
      }
    }
    const restarting = this.#restarting.get(actor.name);
    if (restarting && actor.status === "running") {
      this.#restarting.delete(actor.name);
      this.#recovered("restart", actor.name, restarting.reason, restarting.since, now);
    }
  }

  #observeBreaker(
    actor: string,
    name: string,
    breaker: { state: string; lastFailure: string | null; lastTransitionAt: number | null },
    now: number,
  ): void {
    const key = `${actor}/${name}`;
    const before = this.#breakers.get(key);
    const since = breaker.lastTransitionAt ?? now;
    if (before?.state === breaker.state) return;
    // Open and half-open are one outage: it is timed from the transition out of closed.
    const outageGoesOn = before !== undefined && before.state !== "closed" && breaker.state !== "closed";
    this.#breakers.set(key, { state: breaker.state, since: outageGoesOn ? before.since : since });
    if (before === undefined) return;
    if (breaker.state === "open" && before.state === "closed") {
      this.record({
        at: since,
        class: breakerClass(name),
        actor,
        message: `breaker ${name} opened${breaker.lastFailure ? `: ${breaker.lastFailure}` : ""}`,
      });
    }
    if (breaker.state === "closed" && before.state !== "closed") {
      this.#recovered("breaker", actor, name, before.since, since);
    }
  }

  #observeSpool(files: number, now: number): void {
    if (files > 0 && this.#spoolSince === null) this.#spoolSince = now;
    if (files === 0 && this.#spoolSince !== null) {
      this.#recovered("spool", "store", "spooled snapshots written", this.#spoolSince, now);
      this.#spoolSince = null;
    }
  }

  #recovered(
    kind: Recovery["kind"],
    actor: string,
    what: string,
    startedAt: number,
    recoveredAt: number,
  ): void {
    this.#recoveries.push({
      kind,
      actor,
      what,
      startedAt,
      recoveredAt,
      durationMs: Math.max(0, recoveredAt - startedAt),
    });
  }
}

/**
 * The processor: parses and validates each raw snapshot, diffs it against the state carried from the
 * previous one (sessions, plans, controllers, kept positions), then sends its summary, the diff's
 * changes and rejected records to the store and the summary to the cache. A body that is not a v3
 * snapshot goes to the store's quarantine with the reason (G3); nothing a snapshot contains can crash the
 * processor. The diff state lives here; a new incarnation (after a crash, or a new process) asks the
 * store for the state at the newest stored snapshot before its first diff (db/diff_seed.ts), so what
 * changed meanwhile still becomes events. When the store cannot answer, the first snapshot re-creates
 * every session, which the store's natural keys absorb, and only the changes in between are missed.
 */
import { z } from "zod";
import { type ActorContext, defineActor } from "../runtime/actor.ts";
import { describeError } from "../runtime/errors.ts";
import type { ActorRef } from "../runtime/protocol.ts";
import { DEFAULT_GRACE_MS, diffSnapshots, type DiffState } from "../feed/diff.ts";
import { diffStateFromSeed } from "../feed/diff_seed.ts";
import { type FeedSnapshot, parseSnapshot, summariseSnapshot } from "../feed/parse_snapshot.ts";
import { feedTimestampMs, peekUpdateTimestamp } from "../feed/timestamp.ts";
import { findAnomalies, MAX_ANOMALIES } from "../feed/anomalies.ts";
import { DEFAULT_STALENESS } from "../feed/staleness.ts";
import {
  MAX_CHANGE_ROWS,
  noSightings,
  type Sightings,
  type SnapshotChanges,
  snapshotChangesOf,
} from "../db/network.ts";
import {
  CacheProtocol,
  FrontProtocol,
  MAX_LIVE_EVENTS,
  ProcessorProtocol,
  SERVICES,
  StoreProtocol,
} from "./protocol.ts";

const ConfigSchema = z.object({
  /** Rejected records sent to the quarantine per snapshot; the rest are counted, not kept. */
  maxRejectedPerSnapshot: z.number().int().nonnegative().max(100).default(100),
  /** How long a session may be missing from the feed before it counts as ended (feed/diff.ts). */
  graceMs: z.number().int().nonnegative().default(DEFAULT_GRACE_MS),
  /** How long the first snapshot of an incarnation waits for the store's diff state. */
  seedTimeoutMs: z.number().int().positive().default(15_000),
});

interface State {
  store: ActorRef<typeof StoreProtocol>;
  cache: ActorRef<typeof CacheProtocol>;
  front: ActorRef<typeof FrontProtocol>;
  /** Null until the first snapshot of this incarnation, unless the store gave it back. */
  diff: DiffState | null;
  /** The store was asked for the diff state (once per incarnation). */
  seeded: boolean;
  /** The run of snapshots behind the diff state so far (feed/staleness.ts): the newest and how many. */
  behind: Behind | null;
}

type Behind = { updateTimestamp: string; count: number };

export default defineActor({
  protocol: ProcessorProtocol,
  config: ConfigSchema,
  start: (ctx): State => ({
    store: ctx.ref(SERVICES.store, StoreProtocol),
    cache: ctx.ref(SERVICES.cache, CacheProtocol),
    front: ctx.ref(SERVICES.front, FrontProtocol),
    diff: null,
    seeded: false,
    behind: null,
  }),
  async handle(state, message, ctx): Promise<State> {
    if (!state.seeded) state = { ...state, seeded: true, diff: await seed(state.store, ctx) };
    const { fetch, raw } = message.body;
    const bytes = new Uint8Array(raw);
    const startedAt = performance.now();
    const parsed = parseSnapshot(bytes);
    if (!parsed.ok) {
      ctx.metrics.count("snapshots_rejected_total");
      ctx.log.warn("{source} is not a v3 snapshot, quarantined: {reason}", {
        source: fetch.source,
        reason: parsed.reason,
      });
      const updateTimestamp = peekUpdateTimestamp(bytes);
      state.store.tell("store.quarantine", { fetch, reason: parsed.reason, raw, updateTimestamp }, {
        transfer: [raw],
      });
      return state;
    }
    const summary = summariseSnapshot(parsed.snapshot);
    ctx.span?.setAttributes({
      "snapshot.update_timestamp": summary.updateTimestamp,
      "snapshot.pilots": summary.pilots,
    });
    const rejected = parsed.rejected.slice(0, ctx.config.maxRejectedPerSnapshot).map((r) => ({
      section: r.section,
      reason: r.reason,
      raw: r.raw,
    }));
    if (parsed.rejected.length > 0) ctx.metrics.count("records_rejected_total", parsed.rejected.length);
    for (const record of parsed.flagged) {
      for (const flag of record.flags) ctx.metrics.count("records_flagged_total", 1, { flag });
    }
    const { previous, behind } = await baseline(state, summary.updateTimestamp, ctx);
    if (previous === null && state.diff !== null && behind === null) {
      ctx.log.warn("the feed's clock was set back to {at} (after {before}): diffing afresh from there", {
        at: summary.updateTimestamp,
        before: state.diff.updateTimestamp,
      });
    }
    const found = findAnomalies({
      snapshot: parsed.snapshot,
      flagged: parsed.flagged,
      previous,
      atMs: feedTimestampMs(summary.updateTimestamp),
    });
    for (const anomaly of found) ctx.metrics.count("anomalies_total", 1, { kind: anomaly.kind });
    const { diff, ...result } = diffed(previous, parsed.snapshot, ctx.config.graceMs);
    const { changes, dropped } = bounded(result.changes);
    if (dropped > 0) {
      ctx.metrics.count("changes_dropped_total", dropped);
      ctx.log.error("snapshot {timestamp}: {dropped} changes beyond {max} per kind left out", {
        timestamp: summary.updateTimestamp,
        dropped,
        max: MAX_CHANGE_ROWS,
      });
    }
    ctx.metrics.observe("snapshot_processing_seconds", (performance.now() - startedAt) / 1000);
    ctx.metrics.count("snapshots_processed_total");
    const eventsByType = new Map<string, number>();
    for (const { type } of changes.events) eventsByType.set(type, (eventsByType.get(type) ?? 0) + 1);
    for (const [type, n] of eventsByType) ctx.metrics.count("events_total", n, { type });
    state.store.tell("store.snapshot", {
      fetch,
      summary,
      rejected,
      rejectedTotal: parsed.rejected.length,
      anomalies: found.slice(0, MAX_ANOMALIES),
      changes,
    });
    state.cache.tell("cache.put", { summary, fetch });
    if (changes.events.length > 0) {
      const live = changes.events.slice(0, MAX_LIVE_EVENTS);
      state.front.tell("front.events", { events: live, dropped: changes.events.length - live.length });
    }
    return { ...state, diff, behind };
  },
});

/**
 * What a snapshot is diffed against: the state, except when the feed's clock was set back. A snapshot
 * behind the state is a lagging mirror's copy, or one the store holds already (a replay read again after
 * a restart), and changes nothing, until `clockSetBackAfter` new ones in a row, each newer than the one
 * before, show the feed runs on from there (the rule the cache's staleness follows): the last of them is
 * then diffed afresh, as after a restart, since the state is on a clock the feed has left. `behind` is
 * the run so far.
 */
async function baseline(
  state: State,
  at: string,
  ctx: Context,
): Promise<{ previous: DiffState | null; behind: Behind | null }> {
  const { diff } = state;
  if (diff === null || at >= diff.updateTimestamp) return { previous: diff, behind: null };
  if (await storedAlready(state.store, at, ctx)) return { previous: diff, behind: state.behind };
  const run = state.behind;
  const count = run !== null && at > run.updateTimestamp ? run.count + 1 : 1;
  if (count >= DEFAULT_STALENESS.clockSetBackAfter) return { previous: null, behind: null };
  return { previous: diff, behind: { updateTimestamp: at, count } };
}

/** Whether the store holds the snapshot; when it cannot say, taken as held (nothing is reset on a guess). */
async function storedAlready(
  store: ActorRef<typeof StoreProtocol>,
  at: string,
  ctx: Context,
): Promise<boolean> {
  try {
    const answer = await store.ask("store.holds", { updateTimestamp: at }, {
      timeoutMs: ctx.config.seedTimeoutMs,
    });
    if (answer.ok) return answer.stored;
    throw new Error(answer.error);
  } catch (error) {
    ctx.log.warn("whether {at} is stored is not known ({error}): taken as stored", {
      at,
      error: describeError(error),
    });
    return true;
  }
}

/** The diff state at the store's newest snapshot, or null (nothing stored, or no answer: logged). */
type Context = ActorContext<typeof ProcessorProtocol, z.output<typeof ConfigSchema>>;

async function seed(store: ActorRef<typeof StoreProtocol>, ctx: Context): Promise<DiffState | null> {
  try {
    const answer = await store.ask("store.diffSeed", {}, { timeoutMs: ctx.config.seedTimeoutMs });
    if (!answer.ok) throw new Error(answer.error);
    if (answer.seed === null) return null;
    const { flights, prefiles, controllers, updateTimestamp } = answer.seed;
    ctx.log.info("diffing on from {at}: {flights} flights, {prefiles} prefiles, {controllers} controllers", {
      at: updateTimestamp,
      flights: flights.length,
      prefiles: prefiles.length,
      controllers: controllers.length,
    });
    return diffStateFromSeed(answer.seed);
  } catch (error) {
    ctx.metrics.count("diff_seed_failures_total");
    ctx.log.warn("no diff state from the store ({error}): the next snapshot starts afresh", {
      error: describeError(error),
    });
    return null;
  }
}

/**
 * Diffs a snapshot newer than the state; one that is not newer (a repeat, or a copy from behind, which
 * the cache flags as stale) changes nothing and leaves the state as it was.
 */
function diffed(
  previous: DiffState | null,
  snapshot: FeedSnapshot,
  graceMs: number,
): { changes: SnapshotChanges; diff: DiffState | null } {
  const at = snapshot.general.update_timestamp;
  if (previous !== null && at <= previous.updateTimestamp) {
    return {
      changes: { at, graceMs, events: [], flights: noSightings(), continuedControllers: [] },
      diff: previous,
    };
  }
  const diff = diffSnapshots(previous, snapshot, { graceMs });
  return { changes: snapshotChangesOf(diff, graceMs), diff: diff.state };
}

/** Each list cut to what one message may carry (G4), and how many entries were left out. */
export function bounded(changes: SnapshotChanges): { changes: SnapshotChanges; dropped: number } {
  let dropped = 0;
  const cut = <T>(list: T[]): T[] => {
    if (list.length <= MAX_CHANGE_ROWS) return list;
    dropped += list.length - MAX_CHANGE_ROWS;
    return list.slice(0, MAX_CHANGE_ROWS);
  };
  const rowsOf = (flights: Sightings): Sightings => {
    if (flights.cid.length <= MAX_CHANGE_ROWS) return flights;
    dropped += flights.cid.length - MAX_CHANGE_ROWS;
    const columns = Object.entries(flights).map(([name, column]) => [name, column.slice(0, MAX_CHANGE_ROWS)]);
    return Object.fromEntries(columns) as Sightings;
  };
  return {
    changes: {
      at: changes.at,
      graceMs: changes.graceMs,
      events: cut(changes.events),
      flights: rowsOf(changes.flights),
      continuedControllers: cut(changes.continuedControllers),
    },
    dropped,
  };
}

/**
 * Whether the feed can be trusted as "now": it is stale when one `update_timestamp` keeps coming back for
 * too long, when a snapshot goes back in time, or when the pilot count collapses from one step to the
 * next. A feed whose clock was set back and runs on from there is followed after a few snapshots: a
 * clock that ran hours fast must not make the feed stale until it catches up. Pure: the caller keeps
 * the state and feeds it observations with their times, from a clock that never jumps (performance.now).
 */
import { feedTimestampMs } from "./timestamp.ts";

export interface StalenessOptions {
  /** The same update_timestamp seen for longer than this (first to last sighting) is stale. */
  sameTimestampMs: number;
  /** A fall by more than half is a collapse only from at least this many pilots (a fall to 0 always is). */
  collapseBase: number;
  /**
   * Counts are compared only between snapshots this close in feed time: a halving within one 15 s step
   * is a broken feed, one between a Sunday peak and a Wednesday morning is not. A collapse that lasts
   * longer than this is therefore accepted as the new state.
   */
  collapseWindowMs: number;
  /**
   * This many snapshots in a row behind the last good one, each newer than the one before, mean the
   * feed's clock was set back and runs on from there: the last of them is accepted as the present. One
   * stale copy from a lagging mirror never is; several in a row, with no fresher one between, are the
   * only feed there is.
   */
  clockSetBackAfter: number;
}

export const DEFAULT_STALENESS: StalenessOptions = {
  sameTimestampMs: 120_000,
  collapseBase: 100,
  collapseWindowMs: 10 * 60_000,
  clockSetBackAfter: 3,
};

export interface StalenessState {
  /** The newest update_timestamp seen by any path, and the wall-clock ms of its first and last sightings. */
  newest: { updateTimestamp: string; firstSeenAt: number; lastSeenAt: number } | null;
  /** The last snapshot accepted as good. */
  good: { updateTimestamp: string; pilots: number } | null;
  /** Why the last snapshot was refused; cleared by the next good one. */
  refused: string | null;
  /** The run of snapshots behind the last good one so far: the newest of them and how many. */
  behind: { updateTimestamp: string; count: number } | null;
}

export type Verdict = { stale: false } | { stale: true; reason: string };

export const initialStaleness = (): StalenessState => ({
  newest: null,
  good: null,
  refused: null,
  behind: null,
});

/** Notes a sighting of `updateTimestamp` (a new snapshot or a repeat of one). */
function sighted(state: StalenessState, updateTimestamp: string, at: number): StalenessState["newest"] {
  const { newest } = state;
  if (newest === null || updateTimestamp > newest.updateTimestamp) {
    return { updateTimestamp, firstSeenAt: at, lastSeenAt: at };
  }
  if (updateTimestamp < newest.updateTimestamp) return newest;
  return {
    updateTimestamp,
    firstSeenAt: Math.min(newest.firstSeenAt, at),
    lastSeenAt: Math.max(newest.lastSeenAt, at),
  };
}

/**
 * A snapshot that got through to the cache. `accepted` says whether it becomes the latest good state;
 * a snapshot that goes back in time or whose pilot count collapsed does not.
 */
export function observeSnapshot(
  state: StalenessState,
  snapshot: { updateTimestamp: string; pilots: number; at: number },
  options: StalenessOptions = DEFAULT_STALENESS,
): { state: StalenessState; accepted: boolean } {
  const { updateTimestamp, pilots, at } = snapshot;
  const newest = sighted(state, updateTimestamp, at);
  const { good } = state;
  // A redelivery of the latest good snapshot changes nothing.
  if (good !== null && updateTimestamp === good.updateTimestamp) {
    return { state: { ...state, newest }, accepted: false };
  }
  if (good !== null && updateTimestamp < good.updateTimestamp) {
    const run = state.behind;
    const behind = run !== null && updateTimestamp > run.updateTimestamp
      ? { updateTimestamp, count: run.count + 1 }
      : { updateTimestamp, count: 1 };
    if (behind.count >= options.clockSetBackAfter) {
      // The newest sighting was on the clock before it was set back: the repeats to come are of this one.
      const now = { updateTimestamp, firstSeenAt: at, lastSeenAt: at };
      return {
        state: { newest: now, good: { updateTimestamp, pilots }, refused: null, behind: null },
        accepted: true,
      };
    }
    const refused = `snapshot went back in time (${updateTimestamp} after ${good.updateTimestamp})`;
    return { state: { ...state, newest, refused, behind }, accepted: false };
  }
  if (good !== null && collapsed(good, { updateTimestamp, pilots }, options)) {
    const refused = `pilot count collapsed from ${good.pilots} to ${pilots} at ${updateTimestamp}`;
    return { state: { ...state, newest, refused }, accepted: false };
  }
  return {
    state: { newest, good: { updateTimestamp, pilots }, refused: null, behind: null },
    accepted: true,
  };
}

/** A snapshot the fetcher dropped because its update_timestamp had been seen already. */
export function observeRepeat(
  state: StalenessState,
  repeat: { updateTimestamp: string; at: number },
): StalenessState {
  const { newest } = state;
  if (newest !== null && repeat.updateTimestamp < newest.updateTimestamp) {
    const refused = `snapshot went back in time (${repeat.updateTimestamp} after ${newest.updateTimestamp})`;
    return { ...state, refused };
  }
  return { ...state, newest: sighted(state, repeat.updateTimestamp, repeat.at) };
}

export function verdict(state: StalenessState, options: StalenessOptions = DEFAULT_STALENESS): Verdict {
  if (state.refused !== null) return { stale: true, reason: state.refused };
  const { newest } = state;
  if (newest !== null && newest.lastSeenAt - newest.firstSeenAt > options.sameTimestampMs) {
    const seconds = Math.round((newest.lastSeenAt - newest.firstSeenAt) / 1000);
    return { stale: true, reason: `same update_timestamp for ${seconds} s` };
  }
  return { stale: false };
}

function collapsed(
  before: { updateTimestamp: string; pilots: number },
  after: { updateTimestamp: string; pilots: number },
  options: StalenessOptions,
): boolean {
  const gap = feedTimestampMs(after.updateTimestamp) - feedTimestampMs(before.updateTimestamp);
  // NaN (a timestamp not in the normalised form) compares false: such pairs are not judged.
  if (!(gap <= options.collapseWindowMs)) return false;
  if (after.pilots === 0) return before.pilots > 0;
  return before.pilots >= options.collapseBase && after.pilots < before.pilots / 2;
}

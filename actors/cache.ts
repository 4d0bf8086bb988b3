/**
 * The cache: keeps the latest good snapshot summary for the front, in memory, and judges whether the
 * feed is stale (feed/staleness.ts) from the snapshots and from the repeats the fetcher reports. One
 * value plus a fixed-size verdict state, so its size is fixed (G4). A restart empties it until the next
 * snapshot arrives.
 */
import { z } from "zod";
import type { Logger } from "@logtape/logtape";
import { defineActor } from "../runtime/actor.ts";
import { CacheProtocol, type LatestSnapshot } from "./protocol.ts";
import {
  initialStaleness,
  observeRepeat,
  observeSnapshot,
  type StalenessState,
  verdict,
} from "../feed/staleness.ts";

interface State {
  latest: LatestSnapshot | null;
  staleness: StalenessState;
}

export default defineActor({
  protocol: CacheProtocol,
  config: z.object({}),
  start: (): State => ({ latest: null, staleness: initialStaleness() }),
  handle(state, message, ctx) {
    switch (message.kind) {
      case "cache.put": {
        const { summary, fetch } = message.body;
        // An older snapshot (out of order, or the feed going back in time) or a collapsed one never wins.
        const { state: staleness, accepted } = observeSnapshot(state.staleness, {
          updateTimestamp: summary.updateTimestamp,
          pilots: summary.pilots,
          at: fetch.fetchedAt,
        });
        logChange(state.staleness, staleness, ctx.log);
        if (!accepted) return { ...state, staleness };
        return { latest: { summary, fetch, receivedAt: Date.now() }, staleness };
      }
      case "cache.seen": {
        const { updateTimestamp, seenAt } = message.body;
        const staleness = observeRepeat(state.staleness, { updateTimestamp, at: seenAt });
        logChange(state.staleness, staleness, ctx.log);
        return { ...state, staleness };
      }
      case "cache.latest":
        message.reply(state.latest);
        return state;
      case "cache.status":
        message.reply({ latest: state.latest, feed: verdict(state.staleness) });
        return state;
    }
  },
});

/** Logs when the verdict turns stale, changes reason, or turns fresh again; not on every message. */
function logChange(before: StalenessState, after: StalenessState, log: Logger): void {
  const was = verdict(before);
  const now = verdict(after);
  // Compared by their first word: the seconds in "same update_timestamp for N s" grow with each repeat.
  if (now.stale && (!was.stale || was.reason.split(" ")[0] !== now.reason.split(" ")[0])) {
    log.warn("feed is stale: {reason}", { reason: now.reason });
  } else if (!now.stale && was.stale) {
    log.info("feed is fresh again");
  }
}

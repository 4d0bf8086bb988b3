/**
 * The cache: keeps the latest snapshot summary for the front, in memory. One value, replaced by each
 * newer snapshot, so its size is fixed (G4). A restart empties it until the next snapshot arrives.
 */
import { z } from "zod";
import { defineActor } from "../runtime/actor.ts";
import { CacheProtocol, type LatestSnapshot } from "./protocol.ts";

export default defineActor({
  protocol: CacheProtocol,
  config: z.object({}),
  start: () => ({ latest: null as LatestSnapshot | null }),
  handle(state, message) {
    switch (message.kind) {
      case "cache.put": {
        const { summary, fetch } = message.body;
        // Snapshots can arrive out of order (a redelivery after a restart): an older one never wins.
        if (state.latest !== null && summary.updateTimestamp <= state.latest.summary.updateTimestamp) {
          return state;
        }
        return { latest: { summary, fetch, receivedAt: Date.now() } };
      }
      case "cache.latest":
        message.reply(state.latest);
        return state;
    }
  },
});

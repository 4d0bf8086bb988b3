/**
 * The front's live event feed: the typed events of each processed snapshot (feed/diff_events.ts), as the
 * processor hands them over. Keeps the newest `capacity` for `/api/events/history` and passes each new
 * batch to the `/api/events/stream` listeners. Bounded twice: the processor sends at most
 * MAX_LIVE_EVENTS per snapshot, and the feed keeps at most `capacity`; both count what they leave out.
 */
import type { FeedEvent } from "../feed/diff_events.ts";
import { RingBuffer } from "../runtime/ring_buffer.ts";

export type EventListener = (events: readonly FeedEvent[]) => void;

export class EventFeed {
  readonly #recent: RingBuffer<FeedEvent>;
  readonly #listeners = new Set<EventListener>();
  /** Events of snapshots that never reached the front (beyond the per-snapshot bound). */
  droppedAtSource = 0;

  constructor(capacity = 10_000) {
    this.#recent = new RingBuffer(capacity);
  }

  add(events: readonly FeedEvent[], dropped = 0): void {
    this.droppedAtSource += dropped;
    for (const event of events) this.#recent.push(event);
    for (const listener of this.#listeners) listener(events);
  }

  /** The newest events, newest first; `since` compares feed times (`at`), `type` one event type. */
  history(filter: { type?: string; since?: string; limit: number }): FeedEvent[] {
    const since = filter.since === undefined ? -Infinity : Date.parse(filter.since);
    const matching: FeedEvent[] = [];
    const all = this.#recent.toArray();
    for (let i = all.length - 1; i >= 0 && matching.length < filter.limit; i--) {
      const event = all[i];
      if (filter.type !== undefined && event.type !== filter.type) continue;
      if (Date.parse(event.at) < since) continue;
      matching.push(event);
    }
    return matching;
  }

  /** Calls `listener` with each new batch; returns the way to stop. */
  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

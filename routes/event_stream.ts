/**
 * The typed events as they happen: `GET /api/events/history?type=&since=&limit=` (the newest the front
 * keeps, routes/event_feed.ts) and `GET /api/events/stream?type=` (Server-Sent Events, one `feed-event`
 * per event, so a client can follow flights and controllers live). Streams are bounded in number, and a
 * client that reads too slowly loses the oldest unsent events (counted in the next event's `dropped`)
 * instead of holding memory.
 */
import { Hono } from "hono";
import { z } from "zod";
import { type FeedEvent, feedEventSchema } from "../feed/diff_events.ts";
import { parseQuery } from "./data.ts";
import type { FrontDeps } from "./deps.ts";
import { boundedStreams } from "./sse.ts";

export const EVENT_TYPES = feedEventSchema.options.map((option) => option.shape.type.value);

const type = z.enum(EVENT_TYPES, { message: `must be one of ${EVENT_TYPES.join(", ")}` });
export const EVENT_HISTORY_QUERY = {
  type,
  since: z.iso.datetime({ offset: true, message: "must be an ISO 8601 time with a zone" }),
  limit: z.string().regex(/^\d{1,4}$/, { message: "must be a whole number up to 9999" }).transform(Number),
};
export const EVENT_STREAM_QUERY = { type };

export const EventHistorySchema = z.object({ events: z.array(feedEventSchema) });

export interface EventStreamOptions {
  /** Streams open at once; one more is a 503 (default 32). */
  maxStreams?: number;
  /** Events waiting for a slow client; beyond it the oldest go (default 5,000). */
  maxQueued?: number;
  /** Silence after which a stream gets a keepalive comment (default 15,000 ms). */
  keepaliveMs?: number;
  /** Aborted as the process stops: open streams end, or graceful shutdown would wait on them. */
  closing?: AbortSignal;
}

/** The event routes over the live feed, to be mounted at `/api/events`. */
export function eventStreamRoutes(deps: Pick<FrontDeps, "events">, options: EventStreamOptions = {}): Hono {
  const openStream = boundedStreams({ maxStreams: options.maxStreams ?? 32, closing: options.closing });
  const maxQueued = options.maxQueued ?? 5_000;
  const keepaliveMs = options.keepaliveMs ?? 15_000;
  const app = new Hono();

  app.get("/history", (c) => {
    const { type, since, limit } = parseQuery(c, EVENT_HISTORY_QUERY);
    return c.json({ events: deps.events.history({ type, since, limit: limit ?? 100 }) });
  });

  app.get("/stream", (c) => {
    const { type } = parseQuery(c, EVENT_STREAM_QUERY);
    return openStream(c, async (stream, ended) => {
      const queue: FeedEvent[] = [];
      let dropped = 0;
      let wake: (() => void) | undefined;
      const unsubscribe = deps.events.subscribe((events) => {
        for (const event of events) if (type === undefined || event.type === type) queue.push(event);
        if (queue.length > maxQueued) dropped += queue.splice(0, queue.length - maxQueued).length;
        wake?.();
      });
      /** Resolves on new events, on the end of the stream, or after keepaliveMs of quiet. */
      const quiet = () =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(done, keepaliveMs);
          function done() {
            clearTimeout(timer);
            wake = undefined;
            resolve();
          }
          wake = done;
        });
      ended.addEventListener("abort", () => wake?.(), { once: true });
      try {
        while (!ended.aborted) {
          if (queue.length === 0) {
            await quiet();
            if (queue.length === 0 && !ended.aborted) await stream.write(": keepalive\n\n");
            continue;
          }
          const event = queue.shift() as FeedEvent;
          const data = dropped > 0 ? { ...event, dropped } : event;
          dropped = 0;
          await stream.writeSSE({ event: "feed-event", data: JSON.stringify(data) });
        }
      } finally {
        unsubscribe();
      }
    });
  });

  return app;
}

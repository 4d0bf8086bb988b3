/**
 * The part every Server-Sent Events route shares: at most `maxStreams` open at once (one more is a 503
 * with Retry-After), none opened while the process stops, and each one ended from this side when it
 * does (the server's graceful shutdown waits for every open response, and a stream never ends by
 * itself). The route's `body` writes until `ended` aborts: the client went away or the process stops.
 */
import type { Context } from "hono";
import { type SSEStreamingApi, streamSSE } from "hono/streaming";
import { errorResponse } from "./errors.ts";

export interface StreamLimits {
  maxStreams: number;
  /** Aborted when the process stops. */
  closing?: AbortSignal;
}

export type StreamBody = (stream: SSEStreamingApi, ended: AbortSignal) => Promise<void>;

/** Returns the function that opens a stream under `limits`, counting the open ones. */
export function boundedStreams(limits: StreamLimits): (c: Context, body: StreamBody) => Response {
  let open = 0;
  return (c, body) => {
    // Hono answers HEAD by dropping the GET body without cancelling it: a stream would write to nobody.
    if (c.req.method === "HEAD") return c.body(null, 200, { "Content-Type": "text/event-stream" });
    if (limits.closing?.aborted) return errorResponse(c, 503, "shutting_down", "the service is stopping");
    if (open >= limits.maxStreams) {
      return errorResponse(
        c,
        503,
        "too_many_streams",
        `at most ${limits.maxStreams} streams may be open at once`,
        {
          "Retry-After": "5",
        },
      );
    }
    open++;
    return streamSSE(c, async (stream) => {
      const ended = new AbortController();
      stream.onAbort(() => ended.abort());
      // Aborting the stream also frees a write that waits on a client that no longer reads.
      limits.closing?.addEventListener("abort", () => stream.abort(), { signal: ended.signal });
      try {
        await body(stream, ended.signal);
      } finally {
        // Also removes the closing listener.
        ended.abort();
        open--;
      }
    });
  };
}

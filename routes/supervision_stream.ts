/**
 * `GET /api/supervision/stream`: the supervision tree, each actor's health and the feed's data age as
 * Server-Sent Events, for the live page (routes/page.ts). An event goes out on connect and whenever what
 * it says changes; a quiet stream carries a keepalive comment so that proxies keep it open.
 */
import { getLogger } from "@logtape/logtape";
import { Hono } from "hono";
import type { z } from "zod";
import type { BreakerStateSchema } from "../runtime/wire.ts";
import type { TreeNode } from "../supervision/child.ts";
import { type FrontDeps, type StatusReport, StatusReportSchema } from "./deps.ts";
import { boundedStreams } from "./sse.ts";
import { type ServiceHealth, toServiceHealth } from "./services.ts";
import { withDeadline } from "./timeout.ts";

/** The route's knobs; production uses the defaults, tests shorten the times. */
export interface SupervisionStreamOptions {
  /** Streams open at once; one more is a 503 (default 32). */
  maxStreams?: number;
  /** How often the deps are read while any stream is open (default 1000 ms). */
  pollMs?: number;
  /** Silence after which a stream gets a keepalive comment (default 15000 ms). */
  keepaliveMs?: number;
  /** How long each read of `deps.status()` may take (default 2000 ms). */
  statusTimeoutMs?: number;
  /**
   * Aborted when the process stops. The server's graceful shutdown waits for every open response, and
   * a stream never ends by itself, so streams end from this side instead.
   */
  closing?: AbortSignal;
}

/** An actor as `/api/services/health` shows it (which names only its worst breaker), with every breaker. */
export type StreamedActor = ServiceHealth & {
  breakers: Pick<z.infer<typeof BreakerStateSchema>, "name" | "state" | "failures">[];
};

/** The data of one `supervision` event. Ages are whole seconds, so that a clock ticking is not a change. */
export interface SupervisionUpdate {
  tree: TreeNode;
  /** Every actor in tree order, `heartbeatAgeMs` to the second. */
  services: StreamedActor[];
  /** As `/api/status` reports it, `dataAgeSeconds` whole; null when the status did not answer. */
  feed: StatusReport["feed"] | null;
}

const log = getLogger(["http"]);

/** The stream route, to be mounted at `/api/supervision/stream`. */
export function supervisionStreamRoutes(
  deps: Pick<FrontDeps, "supervision" | "status">,
  options: SupervisionStreamOptions = {},
): Hono {
  const openStream = boundedStreams({ maxStreams: options.maxStreams ?? 32, closing: options.closing });
  const keepaliveMs = options.keepaliveMs ?? 15_000;
  const statusTimeoutMs = options.statusTimeoutMs ?? 2000;
  const poller = new UpdatePoller(() => readUpdate(deps, statusTimeoutMs), options.pollMs ?? 1000);
  const app = new Hono();

  app.get("/", (c) =>
    openStream(c, async (stream, ended) => {
      const unsent = new NewestUnsent();
      const stopListening = poller.listen((data) => unsent.put(data));
      try {
        while (!ended.aborted) {
          const data = await unsent.take(keepaliveMs, ended);
          if (ended.aborted) break;
          if (data === null) await stream.write(": keepalive\n\n");
          else await stream.writeSSE({ event: "supervision", data });
        }
      } finally {
        stopListening();
      }
    }));

  return app;
}

/**
 * One reader of the deps for every open stream: it polls while anyone listens and hands each change to
 * all listeners, so 32 open pages cost the actors no more than one.
 */
class UpdatePoller {
  #listeners = new Set<(data: string) => void>();
  #latest: string | null = null;
  #running: AbortController | null = null;

  constructor(private readonly read: () => Promise<SupervisionUpdate>, private readonly pollMs: number) {}

  /** Calls `listener` with the newest update now (if any) and on every change; returns the unlisten. */
  listen(listener: (data: string) => void): () => void {
    this.#listeners.add(listener);
    if (this.#latest !== null) listener(this.#latest);
    if (this.#running === null || this.#running.signal.aborted) void this.#poll();
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size > 0) return;
      // An update kept while nobody listens would be stale when the next stream opens.
      this.#latest = null;
      this.#running?.abort();
    };
  }

  async #poll(): Promise<void> {
    const running = this.#running = new AbortController();
    while (!running.signal.aborted) {
      try {
        const data = JSON.stringify(await this.read());
        // A loop stopped during the read leaves the listeners to the loop that replaced it.
        if (running.signal.aborted) return;
        if (data !== this.#latest) {
          this.#latest = data;
          for (const listener of this.#listeners) listener(data);
        }
      } catch (error) {
        // Nothing awaits this loop, so an error escaping it would end the process.
        log.error("the supervision stream could not read the deps: {error}", { error });
      }
      await pause(this.pollMs, running.signal);
    }
  }
}

/** The newest update a stream has not sent yet: a client that reads slowly skips the ones in between. */
class NewestUnsent {
  #data: string | null = null;
  #wake: (() => void) | null = null;

  put(data: string): void {
    this.#data = data;
    this.#wake?.();
  }

  /** Takes the update, waiting up to `ms` for one; null when none came in time or `signal` aborted. */
  async take(ms: number, signal: AbortSignal): Promise<string | null> {
    if (this.#data === null) {
      const woken = new AbortController();
      this.#wake = () => woken.abort();
      await pause(ms, AbortSignal.any([signal, woken.signal]));
      this.#wake = null;
    }
    const data = this.#data;
    this.#data = null;
    return data;
  }
}

async function readUpdate(
  deps: Pick<FrontDeps, "supervision" | "status">,
  statusTimeoutMs: number,
): Promise<SupervisionUpdate> {
  const feed = await readFeed(deps, statusTimeoutMs);
  // Health and tree are read together, after the wait for the status, so that they agree.
  const services = deps.supervision.health().map((actor): StreamedActor => {
    const age = actor.heartbeatAgeMs;
    return {
      ...toServiceHealth(actor),
      heartbeatAgeMs: age === null ? null : Math.floor(age / 1000) * 1000,
      breakers: actor.breakers.map(({ name, state, failures }) => ({ name, state, failures })),
    };
  });
  return { tree: deps.supervision.tree(), services, feed };
}

async function readFeed(
  deps: Pick<FrontDeps, "status">,
  timeoutMs: number,
): Promise<SupervisionUpdate["feed"]> {
  try {
    const parts = await withDeadline(() => deps.status(), timeoutMs, "status");
    // Parsing drops fields outside the contract, as /api/status does.
    const feed = StatusReportSchema.shape.feed.parse(parts.feed);
    return { ...feed, dataAgeSeconds: feed.dataAgeSeconds === null ? null : Math.floor(feed.dataAgeSeconds) };
  } catch (error) {
    log.warn("the supervision stream could not read the status: {error}", { error });
    return null;
  }
}

/** Resolves after `ms`, or at once when `signal` aborts; either way no timer is left behind. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done);
    if (signal.aborted) done();
  });
}

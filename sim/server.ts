// The simulated feed on localhost: `/status.json` names `/vatsim-data.json`, which serves the model's
// current snapshot. A timer ticks the model at the feed cadence (or faster), or tests tick it by hand, and
// switch on fault modes to see how a client copes.

import { FeedModel, type FeedModelOptions } from "./model.ts";

/** How the data URL misbehaves; `none` serves the current snapshot. */
export type FaultMode = "none" | "slow" | "5xx" | "429" | "truncated" | "malformed" | "stale";

export const FAULT_MODES: readonly FaultMode[] = [
  "none",
  "slow",
  "5xx",
  "429",
  "truncated",
  "malformed",
  "stale",
];

export interface SimulatorOptions extends FeedModelOptions {
  /** Default 0: any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  hostname?: string;
  /** Ticks run every `cadenceMs / speed` ms of real time; default 1 (the real 15 s). */
  speed?: number;
  /** No timer: the model advances only on `tick()`. For tests. */
  manual?: boolean;
  /** How long `slow` holds each data response; default 5,000 ms. */
  slowMs?: number;
  /** `Retry-After` seconds sent with a 429; default 30. */
  retryAfterSeconds?: number;
}

export interface Simulator {
  statusUrl: string;
  dataUrl: string;
  model: FeedModel;
  /** Switches how the data URL answers from the next request on. */
  setFault(mode: FaultMode): void;
  /** Advances the model by one cadence and publishes the new snapshot. */
  tick(): void;
  /** Stops the timer, cancels held (slow) responses and closes the listener. */
  close(): Promise<void>;
}

/**
 * Starts the simulated feed. Unlike the model, its clock starts at the present (unless `startTime` is given),
 * so that the collector sees fresh data.
 *
 * @example
 * ```ts
 * const sim = startSimulator({ pilots: 500, manual: true });
 * const status = await (await fetch(sim.statusUrl)).json(); // { data: { v3: [sim.dataUrl] } }
 * sim.tick();
 * await sim.close();
 * ```
 */
export function startSimulator(options: SimulatorOptions = {}): Simulator {
  const model = new FeedModel({
    ...options,
    startTime: options.startTime ?? Math.floor(Date.now() / 1000) * 1000,
  });
  const speed = options.speed ?? 1;
  if (!(speed > 0)) throw new RangeError(`speed must be positive, not ${speed}`);
  const slowMs = options.slowMs ?? 5000;
  const retryAfter = options.retryAfterSeconds ?? 30;
  const closing = new AbortController();

  let fault: FaultMode = "none";
  let body = model.renderBytes();
  // What `stale` keeps serving: the snapshot current when the fault was switched on.
  let frozen = body;

  const server = Deno.serve({
    port: options.port ?? 0,
    hostname: options.hostname ?? "127.0.0.1",
    signal: closing.signal,
    onListen: () => {},
  }, async (request): Promise<Response> => {
    const path = new URL(request.url).pathname;
    if (path === "/status.json") return json({ data: { v3: [dataUrl] } });
    if (path === "/vatsim-data.json") return await serveData(request.signal);
    const control = path.match(/^\/control\/(fault|tick)(?:\/([\w-]+))?$/);
    if (control && request.method === "POST") {
      if (control[1] === "tick") {
        tick();
        return json({ tick: model.tickCount });
      }
      const mode = control[2] as FaultMode;
      if (!FAULT_MODES.includes(mode)) return json({ error: `unknown fault mode ${control[2]}` }, 400);
      setFault(mode);
      return json({ fault: mode });
    }
    return json({ error: "not found" }, 404);
  });
  const { hostname, port } = server.addr;
  const base = `http://${hostname}:${port}`;
  const statusUrl = `${base}/status.json`;
  const dataUrl = `${base}/vatsim-data.json`;

  async function serveData(requestSignal: AbortSignal): Promise<Response> {
    switch (fault) {
      case "slow":
        await delay(slowMs, AbortSignal.any([closing.signal, requestSignal]));
        return feedResponse(body);
      case "5xx":
        return new Response("<html><body><h1>502 Bad Gateway</h1></body></html>", {
          status: 502,
          headers: { "content-type": "text/html" },
        });
      case "429":
        return json({ error: "rate limited" }, 429, { "retry-after": String(retryAfter) });
      case "truncated":
        return feedResponse(body.subarray(0, Math.floor(body.byteLength / 2)));
      case "malformed":
        // A syntax error early in the body, in an otherwise complete document.
        return feedResponse(malformed(body));
      case "stale":
        return feedResponse(frozen);
      default:
        return feedResponse(body);
    }
  }

  function tick(): void {
    model.tick();
    body = model.renderBytes();
  }

  function setFault(mode: FaultMode): void {
    if (mode === "stale" && fault !== "stale") frozen = body;
    fault = mode;
  }

  const timer = options.manual ? null : setInterval(tick, model.cadenceMs / speed);

  return {
    statusUrl,
    dataUrl,
    model,
    setFault,
    tick,
    async close() {
      if (timer !== null) clearInterval(timer);
      closing.abort();
      await server.finished;
    },
  };
}

const PILOTS_OPEN = new TextEncoder().encode(`"pilots":[`);

/** The body with a stray comma opening the pilots array: `"pilots":[,{…`. */
function malformed(body: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  // `pilots` follows the short `general` header, so it is near the start.
  let at = 0;
  while (at < body.length && !PILOTS_OPEN.every((byte, i) => body[at + i] === byte)) at++;
  const end = Math.min(at + PILOTS_OPEN.length, body.length);
  const out = new Uint8Array(body.length + 1);
  out.set(body.subarray(0, end), 0);
  out[end] = 44; // ","
  out.set(body.subarray(end), end + 1);
  return out;
}

function feedResponse(bytes: Uint8Array<ArrayBuffer>): Response {
  return new Response(bytes, { headers: { "content-type": "application/json; charset=utf-8" } });
}

function json(value: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(value), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}

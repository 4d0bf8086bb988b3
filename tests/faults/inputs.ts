/**
 * What the fault cases feed the service: a replay folder of simulator snapshots, and a stand-in for
 * status.vatsim.net that answers each data request from a script, recording every body it sent.
 */
import { FeedModel } from "../../sim/model.ts";
import { describeBody, type SentSnapshot } from "./ledger.ts";

/**
 * The simulator's first `count` snapshots, one feed cadence apart, from its fixed start time (or
 * `startTime`, epoch ms).
 */
export function simBodies(
  options: { count: number; pilots: number; seed?: number; startTime?: number },
): Uint8Array[] {
  const model = new FeedModel({
    pilots: options.pilots,
    seed: options.seed ?? 7,
    startTime: options.startTime,
  });
  const bodies: Uint8Array[] = [];
  for (let i = 0; i < options.count; i++) {
    if (i > 0) model.tick();
    bodies.push(model.renderBytes());
  }
  return bodies;
}

/**
 * A replay folder of simulator snapshots (`snap-000.json`, …) with `extra` files beside them (say a
 * body that is not a snapshot), and what the feed sends from it, in the fetcher's order.
 */
export async function simFolder(
  options: { count: number; pilots: number; extra?: Record<string, Uint8Array> },
): Promise<{ dir: string; sent: SentSnapshot[] }> {
  const dir = await Deno.makeTempDir({ prefix: "fault_feed_" });
  const files: [string, Uint8Array][] = simBodies(options).map((bytes, i) => [
    `snap-${String(i).padStart(3, "0")}.json`,
    bytes,
  ]);
  files.push(...Object.entries(options.extra ?? {}));
  files.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [name, bytes] of files) await Deno.writeFile(`${dir}/${name}`, bytes);
  return { dir, sent: files.map(([name, bytes]) => describeBody(name, bytes)) };
}

/** One answer of the stand-in's data URL. */
export type FeedAnswer =
  | { body: Uint8Array }
  | { status: number; headers?: Record<string, string> }
  /** A 302 to a URL that redirects to itself for ever. */
  | { redirectLoop: true }
  /** `megabytes` of JSON-looking bytes, streamed without a Content-Length, for as long as it is read. */
  | { huge: number };

export interface FeedStub {
  statusUrl: string;
  /** The bodies sent whole with a 200, in order (the ones the service must store or quarantine). */
  sent: SentSnapshot[];
  /** Their bytes, for a clean run of the same bodies. */
  bodies: Uint8Array[];
  /** Queues more answers. */
  push(...answers: FeedAnswer[]): void;
  /** Whether every queued answer has been given. */
  done(): boolean;
  close(): Promise<void>;
}

/**
 * Serves queued answers, one per data request. With `blackHoleFirst` the status document names first a
 * data URL of the same host that never answers (the fetcher may reach only the status document's host).
 */
export function feedStub(script: FeedAnswer[], options: { blackHoleFirst?: boolean } = {}): FeedStub {
  const queue = [...script];
  let last: Uint8Array | null = null;
  const closing = new AbortController();
  const stub: FeedStub = {
    statusUrl: "",
    sent: [],
    bodies: [],
    push: (...answers) => queue.push(...answers),
    done: () => queue.length === 0,
    async close() {
      closing.abort();
      await server.finished;
    },
  };
  const server: Deno.HttpServer<Deno.NetAddr> = Deno.serve(
    { port: 0, hostname: "127.0.0.1", signal: closing.signal, onListen: () => {} },
    (request): Response | Promise<Response> => {
      const { pathname } = new URL(request.url);
      if (pathname === "/status.json") {
        return Response.json({
          data: { v3: options.blackHoleFirst ? [`${origin}/hole`, dataUrl] : [dataUrl] },
        });
      }
      if (pathname === "/loop") return Response.redirect(`${origin}/loop`, 302);
      if (pathname === "/hole") return blackHole(request.signal, closing.signal);
      if (pathname !== "/vatsim-data.json") return new Response("not found", { status: 404 });
      const answer = queue.shift();
      if (answer === undefined) {
        // Past the script the last body is served again: the fetcher drops it as a repeat.
        if (last === null) return new Response("no snapshot yet", { status: 503 });
        return new Response(last.slice(), { headers: { "content-type": "application/json" } });
      }
      if ("body" in answer) {
        last = answer.body;
        stub.sent.push(describeBody(`body ${stub.sent.length + 1}`, answer.body));
        stub.bodies.push(answer.body);
        return new Response(answer.body.slice(), { headers: { "content-type": "application/json" } });
      }
      if ("redirectLoop" in answer) return Response.redirect(`${origin}/loop`, 302);
      if ("huge" in answer) return new Response(hugeStream(answer.huge, closing.signal));
      return new Response("failing on purpose", { status: answer.status, headers: answer.headers });
    },
  );
  const origin: string = `http://127.0.0.1:${server.addr.port}`;
  const dataUrl: string = `${origin}/vatsim-data.json`;
  stub.statusUrl = `${origin}/status.json`;
  return stub;
}

/** An answer that never comes: the request hangs until its client gives up or the stub closes. */
function blackHole(...signals: AbortSignal[]): Promise<Response> {
  return new Promise((resolve) => {
    const signal = AbortSignal.any(signals);
    signal.addEventListener("abort", () => resolve(new Response(null, { status: 504 })), { once: true });
  });
}

/** `megabytes` MiB of `{"general":{},"pilots":[0,0,…`, made in 64 KiB chunks as they are read. */
function hugeStream(megabytes: number, signal: AbortSignal): ReadableStream<Uint8Array> {
  const chunk = new TextEncoder().encode("0,".repeat(32 * 1024));
  let left = megabytes * 16;
  return new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(`{"general":{},"pilots":[`));
    },
    pull(controller) {
      if (signal.aborted || left-- <= 0) return controller.close();
      controller.enqueue(chunk);
    },
  });
}

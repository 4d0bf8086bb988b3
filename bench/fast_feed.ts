/**
 * A simulated feed (sim/model.ts) that moves on one cadence at every fetch of its data URL, so that a
 * collector polling it takes in snapshots as fast as it can: the collector, not a timer, sets the pace,
 * and no snapshot is rendered that nobody fetches. For the soak. `sim/server.ts` is the feed on the real
 * clock (or a fixed speed), with fault modes.
 */
import { FeedModel } from "../sim/model.ts";

export interface FastFeed {
  statusUrl: string;
  /** Snapshots served so far. */
  readonly served: number;
  close(): Promise<void>;
}

export function startFastFeed(options: { pilots: number; seed?: number }): FastFeed {
  // The feed's clock starts now and runs ahead by a cadence per fetch.
  const model = new FeedModel({
    pilots: options.pilots,
    seed: options.seed ?? 1,
    startTime: Math.floor(Date.now() / 1000) * 1000,
  });
  let served = 0;
  const closing = new AbortController();
  const server: Deno.HttpServer<Deno.NetAddr> = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    signal: closing.signal,
    onListen: () => {},
  }, (request): Response => {
    const path = new URL(request.url).pathname;
    if (path === "/status.json") {
      return Response.json({ data: { v3: [`http://127.0.0.1:${server.addr.port}/vatsim-data.json`] } });
    }
    if (path !== "/vatsim-data.json") return Response.json({ error: "not found" }, { status: 404 });
    if (served > 0) model.tick();
    served++;
    return new Response(model.renderBytes(), { headers: { "content-type": "application/json" } });
  });
  return {
    statusUrl: `http://127.0.0.1:${server.addr.port}/status.json`,
    get served() {
      return served;
    },
    async close() {
      closing.abort();
      await server.finished;
    },
  };
}

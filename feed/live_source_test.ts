import assert from "node:assert/strict";
import { FeedError, fetchCapped, LiveSource } from "./live_source.ts";

/** A local HTTP server; `routes` maps a path to a handler. */
async function withServer(
  routes: Record<string, (request: Request) => Response | Promise<Response>>,
  fn: (base: string, hits: string[]) => Promise<void>,
): Promise<void> {
  const hits: string[] = [];
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, (request) => {
    const path = new URL(request.url).pathname;
    hits.push(path);
    return routes[path]?.(request) ?? new Response("nothing here", { status: 404 });
  });
  try {
    await fn(`http://127.0.0.1:${server.addr.port}`, hits);
  } finally {
    await server.shutdown();
  }
}

const options = (statusUrl: string) => ({ statusUrl, timeoutMs: 2_000, maxBytes: 1_000, refreshMs: 60_000 });

Deno.test("finds the data URLs in the status document and falls back to the next one that answers", async () => {
  await withServer({
    "/status.json": (request) => {
      const { origin } = new URL(request.url);
      return Response.json({
        data: { v3: ["http://127.0.0.1:1/unreachable", `${origin}/b`, `${origin}/c`] },
      });
    },
    "/b": () => new Response("down", { status: 503 }),
    "/c": () => new Response('{"general":{}}'),
  }, async (url, hits) => {
    const source = new LiveSource(options(url + "/status.json"));
    const got = await source.next();
    assert.equal(got.url, url + "/c");
    assert.equal(new TextDecoder().decode(got.bytes), '{"general":{}}');
    // The URL that answered is tried first next time, and the status document is not fetched again.
    hits.length = 0;
    await source.next();
    assert.deepEqual(hits, ["/c"]);
  });
});

Deno.test("a status document without data.v3 is a FeedError", async () => {
  await withServer({ "/status.json": () => Response.json({ data: {} }) }, async (url) => {
    await assert.rejects(new LiveSource(options(url + "/status.json")).next(), FeedError);
  });
});

Deno.test("a body over the cap is refused, whether declared or streamed", async () => {
  await withServer({
    "/declared": () => new Response("x".repeat(2_000)),
    "/streamed": () =>
      new Response(
        new ReadableStream({
          start(controller) {
            for (let i = 0; i < 4; i++) controller.enqueue(new TextEncoder().encode("y".repeat(400)));
            controller.close();
          },
        }),
      ),
  }, async (url) => {
    const limits = { timeoutMs: 2_000, maxBytes: 1_000 };
    await assert.rejects(fetchCapped(url + "/declared", limits), /declares 2000 bytes, over the cap of 1000/);
    await assert.rejects(fetchCapped(url + "/streamed", limits), /sent more than the cap of 1000 bytes/);
  });
});

Deno.test("a request that does not finish within the timeout is aborted", async () => {
  let release = () => {};
  const held = new Promise<void>((resolve) => release = resolve);
  await withServer({ "/slow": async () => (await held, new Response("late")) }, async (url) => {
    try {
      await assert.rejects(
        fetchCapped(url + "/slow", { timeoutMs: 100, maxBytes: 1_000 }),
        /timed out|abort/i,
      );
    } finally {
      release();
    }
  });
});

Deno.test("a non-2xx answer is a FeedError with the status", async () => {
  await withServer({ "/gone": () => new Response("gone", { status: 410 }) }, async (url) => {
    await assert.rejects(
      fetchCapped(url + "/gone", { timeoutMs: 2_000, maxBytes: 1_000 }),
      (error: FeedError) => {
        assert.equal(error.status, 410);
        return true;
      },
    );
  });
});

import assert from "node:assert/strict";
import { FeedError, fetchCapped, LiveSource } from "./live_source.ts";
import type { RetryClock } from "./retry.ts";

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

/** A retry clock whose sleeps return at once and move its time on; it records every delay. */
function fakeClock(): RetryClock & { sleeps: number[] } {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: (ms) => (sleeps.push(ms), now += ms, Promise.resolve()),
    random: () => 0.5,
  };
}

const retry = { attempts: 3, baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 5_000, budgetMs: 10_000 };

const options = (statusUrl: string, clock = fakeClock()) => ({
  statusUrl,
  timeoutMs: 2_000,
  maxBytes: 1_000,
  refreshMs: 60_000,
  retry,
  clock,
});

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

Deno.test("5xx and 429 are retried with backoff, honouring Retry-After in seconds or as a date, capped", async () => {
  let served = 0;
  const answers = [
    () => new Response("busy", { status: 503 }),
    () => new Response("slow down", { status: 429, headers: { "retry-after": "2" } }),
    () => new Response('{"general":{}}'),
  ];
  await withServer({
    "/status.json": (request) => Response.json({ data: { v3: [new URL("/data", request.url).href] } }),
    "/data": () => answers[Math.min(served++, answers.length - 1)](),
  }, async (url, hits) => {
    const clock = fakeClock();
    const retried: number[] = [];
    const source = new LiveSource({
      ...options(url + "/status.json", clock),
      onRetry: (_, __, ms) => retried.push(ms),
    });
    const got = await source.next();
    assert.equal(new TextDecoder().decode(got.bytes), '{"general":{}}');
    assert.deepEqual(hits, ["/status.json", "/data", "/data", "/data"]);
    // 100 ms · 2^0 with the jitter at its middle (75 ms), then the server's 2 s.
    assert.deepEqual(clock.sleeps, [75, 2_000]);
    assert.deepEqual(retried, clock.sleeps);
  });
  await withServer({
    "/status.json": (request) => Response.json({ data: { v3: [new URL("/late", request.url).href] } }),
    "/late": () =>
      new Response("later", {
        status: 429,
        headers: { "retry-after": new Date(Date.now() + 60 * 60_000).toUTCString() },
      }),
  }, async (url) => {
    const clock = fakeClock();
    const source = new LiveSource({
      ...options(url + "/status.json", clock),
      retry: { ...retry, budgetMs: 60_000 },
    });
    await assert.rejects(source.next(), (error: FeedError) => error.status === 429);
    // An hour's Retry-After is cut to the 5 s cap.
    assert.deepEqual(clock.sleeps, [5_000, 5_000]);
  });
});

Deno.test("a 4xx other than 429 is not retried; the next URL is tried at once", async () => {
  await withServer({
    "/status.json": (request) => {
      const { origin } = new URL(request.url);
      return Response.json({ data: { v3: [`${origin}/gone`, `${origin}/ok`] } });
    },
    "/gone": () => new Response("gone", { status: 404 }),
    "/ok": () => new Response("{}"),
  }, async (url, hits) => {
    const clock = fakeClock();
    const got = await new LiveSource(options(url + "/status.json", clock)).next();
    assert.equal(got.url, url + "/ok");
    assert.deepEqual(hits, ["/status.json", "/gone", "/ok"]);
    assert.deepEqual(clock.sleeps, []);
  });
});

Deno.test("network errors are retried, and the retry budget bounds the whole poll", async () => {
  await withServer({
    "/status.json": () =>
      Response.json({
        data: { v3: ["http://127.0.0.1:1/a", "http://127.0.0.1:1/b", "http://127.0.0.1:1/c"] },
      }),
  }, async (url) => {
    const clock = fakeClock();
    // 3 tries per URL, but 250 ms of budget: the first URL waits 75 + 150 ms between its tries; the
    // others get one try each, as a retry would end past the budget.
    const source = new LiveSource({
      ...options(url + "/status.json", clock),
      retry: { ...retry, budgetMs: 250 },
    });
    await assert.rejects(source.next(), TypeError);
    assert.deepEqual(clock.sleeps, [75, 150]);
  });
});

Deno.test("a gzip-encoded body is decoded, and the cap applies to the decoded bytes", async () => {
  const body = JSON.stringify({
    general: { update_timestamp: "2024-01-01T00:00:00Z" },
    pad: "z".repeat(5_000),
  });
  await withServer({
    "/data": () =>
      new Response(new Blob([body]).stream().pipeThrough(new CompressionStream("gzip")), {
        headers: { "content-encoding": "gzip", "content-type": "application/json" },
      }),
  }, async (url) => {
    const bytes = await fetchCapped(url + "/data", { timeoutMs: 2_000, maxBytes: 10_000 });
    assert.equal(new TextDecoder().decode(bytes), body);
    await assert.rejects(
      fetchCapped(url + "/data", { timeoutMs: 2_000, maxBytes: 1_000 }),
      /sent more than the cap of 1000 bytes/,
    );
  });
});

Deno.test("a URL that used up the poll's budget is not tried first on the next poll", async () => {
  await withServer({
    "/status.json": (request) => {
      const { origin } = new URL(request.url);
      return Response.json({ data: { v3: [`${origin}/slow`, `${origin}/ok`] } });
    },
    "/slow": () => new Response("down", { status: 503 }),
    "/ok": () => new Response("{}"),
  }, async (url, hits) => {
    // No budget left after the first try (as after a request that ran into its timeout): the poll ends
    // without reaching /ok.
    const source = new LiveSource({ ...options(url + "/status.json"), retry: { ...retry, budgetMs: 0 } });
    await assert.rejects(source.next(), /503/);
    const got = await source.next();
    assert.equal(got.url, url + "/ok");
    assert.deepEqual(hits.filter((path) => path !== "/status.json"), ["/slow", "/ok"]);
  });
});

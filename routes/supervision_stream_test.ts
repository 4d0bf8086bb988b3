import assert from "node:assert/strict";
import {
  type SupervisionStreamOptions,
  supervisionStreamRoutes,
  type SupervisionUpdate,
} from "./supervision_stream.ts";
import { actorHealth, errorOf, fakeDeps, STATUS_PARTS } from "./test_deps.ts";
import type { FrontDeps } from "./deps.ts";

/** Reads a stream one SSE block (an event or a comment) at a time. */
function sseReader(response: Response) {
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "text/event-stream");
  assert.ok(response.body);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  return {
    /** The next block, or null when the stream ended. */
    async next(): Promise<string | null> {
      while (!buffered.includes("\n\n")) {
        const { value, done } = await reader.read();
        if (done) return null;
        buffered += value;
      }
      const end = buffered.indexOf("\n\n");
      const block = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      return block;
    },
    cancel: () => reader.cancel(),
  };
}

/** The update carried by a `supervision` event block. */
function updateOf(block: string | null): SupervisionUpdate {
  assert.ok(block !== null, "the stream ended before an event");
  const [event, data] = block.split("\n");
  assert.equal(event, "event: supervision");
  assert.ok(data.startsWith("data: "), block);
  return JSON.parse(data.slice("data: ".length));
}

function streamRoutes(deps: FrontDeps, options: SupervisionStreamOptions = {}) {
  return supervisionStreamRoutes(deps, { pollMs: 5, ...options });
}

Deno.test("the stream sends the tree, every actor's health and the feed at once", async () => {
  const deps = fakeDeps();
  const stream = sseReader(await streamRoutes(deps).request("/"));
  try {
    const update = updateOf(await stream.next());
    assert.deepEqual(update.tree, deps.supervision.tree());
    assert.deepEqual(update.services.map((s) => `${s.name} ${s.status}`), [
      "fetcher running",
      "store stopped",
    ]);
    // 40 ms is counted in whole seconds; the internals of actor health stay out, as in /api/services.
    assert.equal(update.services[0].heartbeatAgeMs, 0);
    assert.equal("busy" in update.services[0], false);
    assert.deepEqual(update.services[0].mailbox, { depth: 2, capacity: 100 });
    assert.deepEqual(update.feed, STATUS_PARTS.feed);
  } finally {
    await stream.cancel();
  }
});

Deno.test("the stream sends again only on a change, and keepalive comments while quiet", async () => {
  const deps = fakeDeps();
  const stream = sseReader(await streamRoutes(deps, { keepaliveMs: 30 }).request("/"));
  try {
    updateOf(await stream.next());
    // Nothing changed: only a comment comes, although the deps were read several times meanwhile.
    assert.equal(await stream.next(), ": keepalive");
    await deps.supervision.control("store", "start");
    const update = updateOf(await stream.next());
    assert.equal(update.services.find((s) => s.name === "store")?.status, "running");
  } finally {
    await stream.cancel();
  }
});

Deno.test("ages count in whole seconds, so a ticking clock alone sends nothing", async () => {
  let ageMs = 1_000;
  let dataAge = 15.1;
  const deps = fakeDeps({
    status: () =>
      Promise.resolve({ ...STATUS_PARTS, feed: { ...STATUS_PARTS.feed, dataAgeSeconds: dataAge } }),
  });
  deps.supervision.health = () => [{ ...actorHealth("fetcher"), heartbeatAgeMs: ageMs }];
  const stream = sseReader(await streamRoutes(deps, { keepaliveMs: 30 }).request("/"));
  try {
    const first = updateOf(await stream.next());
    assert.equal(first.services[0].heartbeatAgeMs, 1_000);
    assert.equal(first.feed?.dataAgeSeconds, 15);
    ageMs = 1_900;
    dataAge = 15.9;
    assert.equal(await stream.next(), ": keepalive");
    ageMs = 2_000;
    dataAge = 16.2;
    const next = updateOf(await stream.next());
    assert.equal(next.services[0].heartbeatAgeMs, 2_000);
    assert.equal(next.feed?.dataAgeSeconds, 16);
  } finally {
    await stream.cancel();
  }
});

Deno.test("every breaker of an actor is listed, not only the worst", async () => {
  const breaker = (name: string, state: "closed" | "open") => ({
    name,
    state,
    failures: state === "open" ? 5 : 0,
    currentResetTimeoutMs: 1000,
    nextTrialInMs: null,
    opens: 0,
    lastFailure: null,
    lastTransitionAt: null,
  });
  const deps = fakeDeps();
  const breakers = [breaker("feed", "closed"), breaker("auth", "open")];
  deps.supervision.health = () => [{ ...actorHealth("fetcher"), breaker: breakers[1], breakers }];
  const stream = sseReader(await streamRoutes(deps).request("/"));
  try {
    const [fetcher] = updateOf(await stream.next()).services;
    assert.equal(fetcher.breaker?.name, "auth");
    assert.deepEqual(fetcher.breakers, [
      { name: "feed", state: "closed", failures: 0 },
      { name: "auth", state: "open", failures: 5 },
    ]);
  } finally {
    await stream.cancel();
  }
});

Deno.test("a status that does not answer leaves the feed null and the health still flowing", async () => {
  const deps = fakeDeps({ status: () => new Promise(() => {}) });
  const stream = sseReader(await streamRoutes(deps, { statusTimeoutMs: 20 }).request("/"));
  try {
    const update = updateOf(await stream.next());
    assert.equal(update.feed, null);
    assert.equal(update.services.length, 2);
  } finally {
    await stream.cancel();
  }
});

Deno.test("every open stream is served by one read of the deps at a time", async () => {
  const reads: ((parts: typeof STATUS_PARTS) => void)[] = [];
  const deps = fakeDeps({ status: () => new Promise((resolve) => reads.push(resolve)) });
  // Polls far apart: every read in this test is one the streams asked for.
  const routes = streamRoutes(deps, { pollMs: 60_000 });
  const first = sseReader(await routes.request("/"));
  const second = sseReader(await routes.request("/"));
  try {
    assert.equal(reads.length, 1);
    reads[0](STATUS_PARTS);
    const [a, b] = await Promise.all([first.next(), second.next()]);
    assert.equal(a, b);
    assert.deepEqual(updateOf(a).feed, STATUS_PARTS.feed);
    // A stream opened later gets the newest update at once, without a read of its own.
    const third = sseReader(await routes.request("/"));
    assert.equal(await third.next(), a);
    await third.cancel();
    assert.equal(reads.length, 1);
  } finally {
    await first.cancel();
    await second.cancel();
  }
});

Deno.test("streams beyond the limit are a 503, and a client going away frees its place", async () => {
  const routes = streamRoutes(fakeDeps(), { maxStreams: 2 });
  const first = sseReader(await routes.request("/"));
  const second = sseReader(await routes.request("/"));
  try {
    const refused = await routes.request("/");
    assert.equal(refused.headers.get("Retry-After"), "5");
    assert.match(await errorOf(refused, 503, "too_many_streams"), /at most 2 streams/);
    await first.cancel();
    // Its loop ends as the cancel reaches it, in promise callbacks that all run before the next task.
    await new Promise((resolve) => setTimeout(resolve, 0));
    const third = sseReader(await routes.request("/"));
    updateOf(await third.next());
    await third.cancel();
  } finally {
    await second.cancel();
  }
});

Deno.test("closing ends the open streams and refuses new ones", async () => {
  const closing = new AbortController();
  const routes = streamRoutes(fakeDeps(), { closing: closing.signal });
  const stream = sseReader(await routes.request("/"));
  updateOf(await stream.next());
  closing.abort();
  assert.equal(await stream.next(), null);
  await errorOf(await routes.request("/"), 503, "shutting_down");
});

Deno.test("HEAD answers the headers without holding a stream open", async () => {
  const routes = streamRoutes(fakeDeps(), { maxStreams: 1 });
  const head = await routes.request("/", { method: "HEAD" });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get("content-type"), "text/event-stream");
  assert.equal(head.body, null);
  const stream = sseReader(await routes.request("/"));
  updateOf(await stream.next());
  await stream.cancel();
});

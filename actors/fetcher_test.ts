/** The fetcher in-process over a replay folder, with the processor replaced by a recording service. */
import assert from "node:assert/strict";
import { soloActor } from "./test_support.ts";
import { waitFor } from "../tests/helpers/system.ts";
import { CacheProtocol, ProcessorProtocol } from "./protocol.ts";

const snapshot = (timestamp: string, pilots: number) =>
  JSON.stringify({ general: { update_timestamp: timestamp }, pilots: new Array(pilots).fill({}) });

Deno.test("replays a folder in name order, moves each body once, and drops bodies already seen (telling the cache)", async () => {
  const folder = await Deno.makeTempDir();
  const files = {
    "1.json": snapshot("2024-01-01T00:00:00.1Z", 1),
    "2.json": snapshot("2024-01-01T00:00:15.1Z", 2),
    "3.json": snapshot("2024-01-01T00:00:15.1Z", 2), // the same body again
    "4.json": "[]",
    "5.json": snapshot("2024-01-01T00:00:30.1Z", 5),
  };
  for (const [name, text] of Object.entries(files)) await Deno.writeTextFile(`${folder}/${name}`, text);
  const system = soloActor("fetcher", {
    config: { feed: folder, statusUrl: "http://127.0.0.1:1/unused", pollIntervalMs: 10 },
  });
  const received: { source: string; text: string }[] = [];
  system.bus.serve("processor", ProcessorProtocol, (m) => {
    assert.equal(m.body.fetch.bytes, m.body.raw.byteLength);
    received.push({ source: m.body.fetch.source, text: new TextDecoder().decode(m.body.raw) });
  });
  const repeats: { updateTimestamp: string }[] = [];
  system.bus.serve("cache", CacheProtocol, (m) => {
    if (m.kind === "cache.seen") repeats.push(m.body);
  });
  try {
    await system.start();
    await waitFor("four bodies", () => received.length === 4);
    await waitFor("the duplicate counted", () => system.bus.metrics.get("snapshots_duplicate_total") === 1);
    assert.deepEqual(received.map((r) => r.source), [
      "replay:1.json",
      "replay:2.json",
      "replay:4.json",
      "replay:5.json",
    ]);
    assert.equal(received[1].text, files["2.json"]);
    assert.equal(system.bus.metrics.get("snapshots_fetched_total"), 5);
    // The repeat went no further than a note to the cache (timestamp normalised), which judges staleness.
    await waitFor("the repeat reported", () => repeats.length === 1);
    assert.equal(repeats[0].updateTimestamp, "2024-01-01T00:00:15.100000Z");
  } finally {
    await system.stop();
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("live: a 503 is retried within the poll, and the snapshot goes on without tripping the breaker", async () => {
  let dataHits = 0;
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, (request) => {
    const { pathname, origin } = new URL(request.url);
    if (pathname === "/status.json") return Response.json({ data: { v3: [`${origin}/data`] } });
    dataHits++;
    return dataHits === 1
      ? new Response("busy", { status: 503 })
      : new Response(snapshot("2024-01-01T00:00:00Z", 2));
  });
  const system = soloActor("fetcher", {
    // Breaker states reach health with the heartbeat.
    heartbeatMs: 20,
    config: {
      feed: "live",
      statusUrl: `http://127.0.0.1:${server.addr.port}/status.json`,
      pollIntervalMs: 60_000,
      retryBaseDelayMs: 1,
    },
  });
  const received: string[] = [];
  system.bus.serve("processor", ProcessorProtocol, (m) => void received.push(m.body.fetch.source));
  try {
    await system.start();
    await waitFor("the snapshot", () => received.length === 1);
    assert.equal(received[0], `live:http://127.0.0.1:${server.addr.port}/data`);
    assert.equal(dataHits, 2);
    assert.equal(system.bus.metrics.get("feed_fetch_retries_total"), 1);
    assert.equal(system.bus.metrics.get("feed_fetch_errors_total"), 0);
    const breakers = () => system.health().find((actor) => actor.name === "fetcher")?.breakers ?? [];
    await waitFor("the feed breaker in health", () => breakers().length > 0);
    assert.deepEqual(breakers().map((b) => [b.name, b.state]), [["feed", "closed"]]);
  } finally {
    await system.stop();
    await server.shutdown();
  }
});

Deno.test("a broken copy of a snapshot does not hide the whole copy fetched after it, nor the other way round", async () => {
  const folder = await Deno.makeTempDir();
  const whole = snapshot("2024-01-01T00:00:00.1Z", 3);
  const files = {
    // A cut-off body still shows its timestamp; the whole one after it must not count as its repeat.
    "1.json": whole.slice(0, whole.length / 2),
    "2.json": whole,
    "3.json": whole,
    // A corrupt copy after the whole one is not a repeat either: it goes on to be quarantined.
    "4.json": whole.replace('"pilots":[', '"pilots":[,'),
  };
  for (const [name, text] of Object.entries(files)) await Deno.writeTextFile(`${folder}/${name}`, text);
  const system = soloActor("fetcher", {
    config: { feed: folder, statusUrl: "http://127.0.0.1:1/unused", pollIntervalMs: 10 },
  });
  const received: string[] = [];
  system.bus.serve("processor", ProcessorProtocol, (m) => void received.push(m.body.fetch.source));
  system.bus.serve("cache", CacheProtocol, () => {});
  try {
    await system.start();
    await waitFor("four bodies fetched", () => system.bus.metrics.get("snapshots_fetched_total") === 4);
    await waitFor("three bodies sent", () => received.length === 3);
    assert.deepEqual(received, ["replay:1.json", "replay:2.json", "replay:4.json"]);
    assert.equal(system.bus.metrics.get("snapshots_duplicate_total"), 1);
  } finally {
    await system.stop();
    await Deno.remove(folder, { recursive: true });
  }
});

/** The processor in-process, with the store and cache replaced by main-thread services that record. */
import assert from "node:assert/strict";
import type { z } from "zod";
import { soloActor } from "./test_support.ts";
import { waitFor } from "../tests/helpers/system.ts";
import { CacheProtocol, ProcessorProtocol, StoreProtocol } from "./protocol.ts";
import { FIXTURES_DIR as FIXTURES } from "../tests/helpers/fixtures.ts";
import { simBodies } from "../tests/faults/inputs.ts";

type StoreMessage = { kind: string; body: unknown };

type SeedAnswer = z.input<(typeof StoreProtocol)["store.diffSeed"]["reply"]>;

async function withProcessor(
  fn: (send: (bytes: Uint8Array) => void, store: StoreMessage[], cache: unknown[]) => Promise<void>,
  seedAnswer: SeedAnswer = { ok: true, seed: null },
) {
  const system = soloActor("processor");
  const store: StoreMessage[] = [];
  const cache: unknown[] = [];
  system.bus.serve("store", StoreProtocol, (m) => {
    if (m.kind === "store.diffSeed") m.reply(seedAnswer);
    else if (m.kind === "store.holds") m.reply({ ok: true, stored: false }); // this stand-in keeps nothing
    else store.push({ kind: m.kind, body: m.body });
  });
  system.bus.serve("cache", CacheProtocol, (m) => void cache.push(m.body));
  await system.start();
  try {
    const processor = system.ref("processor", ProcessorProtocol);
    await fn(
      (bytes) => {
        const raw = bytes.slice().buffer;
        processor.tell("processor.snapshot", {
          fetch: { source: "test", fetchedAt: Date.now(), fetchMs: null, bytes: raw.byteLength },
          raw,
        }, { transfer: [raw] });
      },
      store,
      cache,
    );
  } finally {
    await system.stop();
  }
}

type Snapshot = z.input<(typeof StoreProtocol)["store.snapshot"]["body"]>;

Deno.test("every recorded snapshot passes and is summarised to the store and the cache", async () => {
  await withProcessor(async (send, store, cache) => {
    const files = [...Deno.readDirSync(FIXTURES)].map((e) => e.name).filter((n) =>
      n.startsWith("vatsim-data_")
    );
    for (const name of files) send(await Deno.readFile(FIXTURES + name));
    await waitFor(
      "every snapshot processed",
      () => store.length === files.length && cache.length === files.length,
    );
    assert.ok(store.every((m) => m.kind === "store.snapshot"));
    const pilots = store.map((m) => (m.body as Snapshot).summary.pilots).sort((a, b) => a - b);
    assert.deepEqual(pilots, [638, 1077, 1083, 1706, 1925]);
  });
});

Deno.test("a body that is not a v3 snapshot is sent to the quarantine with its reason and bytes", async () => {
  await withProcessor(async (send, store, cache) => {
    const bytes = await Deno.readFile(FIXTURES + "transceivers-data_2021-04-21.json");
    send(bytes);
    send(new TextEncoder().encode("{ not json"));
    await waitFor("two quarantines", () => store.length === 2);
    const [transceivers, junk] = store.map((m) =>
      m.body as { reason: string; raw: ArrayBuffer; updateTimestamp: null }
    );
    assert.equal(store[0].kind, "store.quarantine");
    assert.match(transceivers.reason, /not a v3 snapshot/);
    assert.equal(transceivers.raw.byteLength, bytes.byteLength);
    assert.equal(transceivers.updateTimestamp, null);
    assert.match(junk.reason, /JSON/i);
    assert.equal(cache.length, 0);
  });
});

Deno.test("one bad pilot is rejected alone; the rest of its snapshot goes on", async () => {
  await withProcessor(async (send, store) => {
    const feed = JSON.parse(
      await Deno.readTextFile(FIXTURES + "vatsim-data_2025-08-06T0654Z_current-schema.json"),
    );
    feed.pilots[3].cid = "not a number";
    send(new TextEncoder().encode(JSON.stringify(feed)));
    await waitFor("the snapshot", () => store.length === 1);
    const body = store[0].body as Snapshot;
    assert.equal(body.summary.pilots, 637);
    assert.equal(body.rejectedTotal, 1);
    assert.equal(body.rejected[0].section, "pilots");
    assert.match(body.rejected[0].reason, /pilots\[3\]\.cid/);
  });
});

Deno.test("the processor keeps the diff state: pair-a then pair-b sends the sessions pair-b ended and began", async () => {
  await withProcessor(async (send, store) => {
    send(await Deno.readFile(FIXTURES + "vatsim-data_2021-04-09T1543Z_pair-a.json"));
    send(await Deno.readFile(FIXTURES + "vatsim-data_2021-04-09T1619Z_pair-b.json"));
    await waitFor("both snapshots", () => store.length === 2);
    const [first, second] = store.map((m) => (m.body as Snapshot).changes);
    const count = (events: { type: string }[], type: string) => events.filter((e) => e.type === type).length;
    assert.equal(count(first.events, "FLIGHT_CREATED"), 1077);
    const kept = (flights: typeof first.flights) => flights.latitude.filter((l) => l !== null).length;
    assert.equal(kept(first.flights), 1077);
    assert.equal(first.flights.first_sighting.filter((first) => first).length, 1077);
    assert.equal(count(second.events, "FLIGHT_CREATED"), 377);
    assert.equal(count(second.events, "FLIGHT_COMPLETED"), 371);
    assert.equal(second.flights.first_sighting.filter((first) => !first).length, 706);
    assert.equal(second.flights.cid.length, 706 + 377);

    // The same snapshot again (a redelivery past the fetcher) is not newer: it changes nothing.
    send(await Deno.readFile(FIXTURES + "vatsim-data_2021-04-09T1619Z_pair-b.json"));
    await waitFor("the third", () => store.length === 3);
    const third = (store[2].body as Snapshot).changes;
    assert.deepEqual([third.events.length, third.flights.cid.length], [0, 0]);
  });
});

Deno.test("a store that cannot give the diff state back does not stop the processor", async () => {
  await withProcessor(async (send, store) => {
    send(await Deno.readFile(FIXTURES + "vatsim-data_2021-04-09T1543Z_pair-a.json"));
    await waitFor("the snapshot processed", () => store.length === 1);
    const { changes } = store[0].body as Snapshot;
    // Diffed afresh: every session of pair-a is new.
    assert.equal(changes.events.filter((e) => e.type === "FLIGHT_CREATED").length, 1077);
  }, { ok: false, error: "3 messages wait in the spool" });
});

Deno.test("a lagging mirror's copy changes nothing; three snapshots in a row behind are the feed's new clock", async () => {
  // Six simulator snapshots 15 s apart, sent out of order as a lagging mirror or a clock set back would.
  const [s0, s1, s2, s3, s4, s5] = simBodies({ count: 6, pilots: 40 });
  await withProcessor(async (send, store) => {
    const created = (i: number) =>
      (store[i].body as Snapshot).changes.events.filter((e) => e.type === "FLIGHT_CREATED").length;
    for (const body of [s0, s1, s0, s2]) send(body);
    await waitFor("four snapshots processed", () => store.length === 4);
    assert.ok(created(0) > 0);
    assert.deepEqual([created(1), created(2), created(3)], [0, 0, 0], "the copy reset nothing");
    assert.equal((store[2].body as Snapshot).changes.flights.cid.length, 0, "the copy was not diffed");
    for (const body of [s5, s1, s2, s3]) send(body);
    await waitFor("eight snapshots processed", () => store.length === 8);
    // s1 and s2 behind s5 are taken for copies; s3, the third in a row, is the present, diffed afresh.
    assert.deepEqual([created(5), created(6)], [0, 0]);
    assert.equal((store[6].body as Snapshot).changes.flights.cid.length, 0);
    assert.equal(created(7), created(0));
    // And the feed goes on from there: s4 after s3 is an ordinary next snapshot.
    send(s4);
    await waitFor("nine snapshots processed", () => store.length === 9);
    assert.equal(created(8), 0);
    assert.ok((store[8].body as Snapshot).changes.flights.cid.length > 0);
  });
});

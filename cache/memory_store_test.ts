import assert from "node:assert/strict";
import { MemoryStore } from "./memory_store.ts";

const bytes = (...values: number[]) => new Uint8Array(values);

function fakeClock(start = 1_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

Deno.test("memory store returns what was set, by kind and key, and null for anything else", async () => {
  const store = new MemoryStore();
  await store.set("flights", "all", bytes(0, 255, 10), 60_000);
  assert.deepEqual(await store.get("flights", "all"), bytes(0, 255, 10));
  assert.deepEqual(await store.get("controllers", "all"), null);
  assert.deepEqual(await store.get("flights", "other"), null);
  assert.deepEqual(store.health(), { backend: "memory", degraded: false, reason: null });
});

Deno.test("memory store keeps its own copy of the bytes", async () => {
  const store = new MemoryStore();
  const value = bytes(1, 2, 3);
  await store.set("atis", "EDDF", value, 60_000);
  value[0] = 9;
  assert.deepEqual(await store.get("atis", "EDDF"), bytes(1, 2, 3));
});

Deno.test("memory store forgets a value once its time to live has passed", async () => {
  const clock = fakeClock();
  const store = new MemoryStore({ now: clock.now });
  await store.set("flights", "all", bytes(1), 1_000);
  clock.advance(999);
  assert.deepEqual(await store.get("flights", "all"), bytes(1));
  clock.advance(1);
  assert.deepEqual(await store.get("flights", "all"), null);
  assert.deepEqual(store.stats(), { entries: 0, bytes: 0, evicted: 0, expired: 1, rejected: 0 });
});

Deno.test("memory store: a new set replaces the value and restarts its time to live", async () => {
  const clock = fakeClock();
  const store = new MemoryStore({ now: clock.now });
  await store.set("flights", "all", bytes(1, 1), 1_000);
  clock.advance(800);
  await store.set("flights", "all", bytes(2), 1_000);
  clock.advance(800);
  assert.deepEqual(await store.get("flights", "all"), bytes(2));
  assert.deepEqual(store.stats().bytes, 1);
});

Deno.test("memory store evicts the value written longest ago when it holds maxEntries", async () => {
  const store = new MemoryStore({ maxEntries: 2 });
  await store.set("atis", "a", bytes(1), 60_000);
  await store.set("atis", "b", bytes(2), 60_000);
  await store.set("atis", "a", bytes(3), 60_000); // rewriting a makes b the oldest
  await store.set("atis", "c", bytes(4), 60_000);
  assert.deepEqual(await store.get("atis", "b"), null);
  assert.deepEqual(await store.get("atis", "a"), bytes(3));
  assert.deepEqual(await store.get("atis", "c"), bytes(4));
  assert.deepEqual(store.stats(), { entries: 2, bytes: 2, evicted: 1, expired: 0, rejected: 0 });
});

Deno.test("memory store evicts oldest first until the new value fits in maxBytes", async () => {
  const store = new MemoryStore({ maxBytes: 10 });
  await store.set("flights", "a", new Uint8Array(4), 60_000);
  await store.set("flights", "b", new Uint8Array(4), 60_000);
  await store.set("flights", "c", new Uint8Array(2), 60_000); // exactly 10: nothing evicted
  assert.deepEqual(store.stats().evicted, 0);
  await store.set("flights", "d", new Uint8Array(7), 60_000); // needs a and b gone
  assert.deepEqual(await store.get("flights", "a"), null);
  assert.deepEqual(await store.get("flights", "b"), null);
  assert.deepEqual((await store.get("flights", "c"))?.byteLength, 2);
  assert.deepEqual(store.stats(), { entries: 2, bytes: 9, evicted: 2, expired: 0, rejected: 0 });
});

Deno.test("memory store refuses a value larger than maxBytes, counts it, and drops the old one", async () => {
  const store = new MemoryStore({ maxBytes: 4 });
  await store.set("flights", "all", bytes(1), 60_000);
  await store.set("flights", "all", new Uint8Array(5), 60_000);
  // The old value is not served as if it were the latest.
  assert.deepEqual(await store.get("flights", "all"), null);
  assert.deepEqual(store.stats(), { entries: 0, bytes: 0, evicted: 0, expired: 0, rejected: 1 });
});

Deno.test("memory store counts an expired value dropped to make room as expired, not evicted", async () => {
  const clock = fakeClock();
  const store = new MemoryStore({ maxEntries: 1, now: clock.now });
  await store.set("atis", "a", bytes(1), 100);
  clock.advance(100);
  await store.set("atis", "b", bytes(2), 100);
  assert.deepEqual(store.stats(), { entries: 1, bytes: 1, evicted: 0, expired: 1, rejected: 0 });
});

Deno.test("memory store refuses a bad time to live or bound", async () => {
  const store = new MemoryStore();
  await assert.rejects(() => store.set("flights", "all", bytes(1), 0), RangeError);
  await assert.rejects(() => store.set("flights", "all", bytes(1), 1.5), RangeError);
  assert.throws(() => new MemoryStore({ maxEntries: 0 }), RangeError);
});

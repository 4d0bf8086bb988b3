import assert from "node:assert/strict";
import { openCacheStore } from "./resilient_store.ts";
import {
  eventually,
  freePort,
  requireRedis,
  requireRedisServer,
  ThrowawayRedis,
  withClient,
  withRedisPrefix,
} from "../tests/helpers/redis.ts";

const text = (value: string) => new TextEncoder().encode(value);

Deno.test("cache store without a Redis URL is memory only and healthy", async () => {
  const store = await openCacheStore();
  try {
    await store.set("flights", "all", text("[]"), 60_000);
    assert.deepEqual(await store.get("flights", "all"), text("[]"));
    assert.deepEqual(store.health(), { backend: "memory", degraded: false, reason: null });
  } finally {
    await store.close();
  }
});

Deno.test({
  name: "cache store writes through to Redis, and reads from Redis what memory no longer holds",
  ...requireRedis,
  fn: () =>
    withRedisPrefix(async (url, prefix) => {
      const store = await openCacheStore({ redisUrl: url, redis: { prefix }, memory: { maxEntries: 1 } });
      try {
        assert.deepEqual(store.health(), { backend: "redis", degraded: false, reason: null });
        await store.set("flights", "all", text("flights"), 60_000);
        await store.set("atis", "all", text("atis"), 60_000); // evicts flights from memory
        assert.equal(store.memoryStats().evicted, 1);
        assert.deepEqual(await store.get("flights", "all"), text("flights"));
        await withClient(url, async (client) => {
          assert.equal(await client.get(`${prefix}:atis:all`), "atis");
        });
      } finally {
        await store.close();
      }
    }),
});

Deno.test("cache store with nothing listening at REDIS_URL: degraded, serving from memory, no exception", async () => {
  const store = await openCacheStore({ redisUrl: `redis://127.0.0.1:${freePort()}`, startTimeoutMs: 200 });
  try {
    await store.set("controllers", "all", text("ctl"), 60_000);
    assert.deepEqual(await store.get("controllers", "all"), text("ctl"));
    assert.equal(await store.get("atis", "all"), null);
    const health = store.health();
    assert.equal(health.backend, "redis");
    assert.equal(health.degraded, true);
    assert.match(health.reason ?? "", /^Redis is not answering, serving from memory: .+/);
  } finally {
    await store.close();
  }
});

Deno.test({
  name: "cache store: Redis killed → degraded and serving from memory; started again → recovers by itself",
  ...requireRedisServer,
  fn: async () => {
    const server = new ThrowawayRedis();
    await server.start();
    const store = await openCacheStore({ redisUrl: server.url, startTimeoutMs: 5_000 });
    try {
      assert.equal(store.health().degraded, false);
      await store.set("flights", "all", text("before"), 60_000);

      await server.kill();
      await eventually("the store to notice Redis is gone", () => store.health().degraded);
      assert.match(store.health().reason ?? "", /serving from memory/);
      // Written and read while Redis is down: memory answers and nothing throws.
      await store.set("flights", "all", text("while down"), 60_000);
      assert.deepEqual(await store.get("flights", "all"), text("while down"));

      await server.start(); // an empty server on the same port
      await eventually("the store to recover", () => !store.health().degraded, 15_000);
      assert.equal(store.health().reason, null);
      // Latest wins: the next set writes to Redis again.
      await store.set("flights", "all", text("after"), 60_000);
      await withClient(server.url, async (client) => {
        assert.equal(await client.get("vatsim:flights:all"), "after");
      });
    } finally {
      await store.close();
      await server.kill();
    }
  },
});

Deno.test({
  name: "cache store: a hung Redis (SIGSTOP) → degraded after one command deadline; resumed → recovers",
  ...requireRedisServer,
  fn: async () => {
    const server = new ThrowawayRedis();
    await server.start();
    const store = await openCacheStore({
      redisUrl: server.url,
      startTimeoutMs: 5_000,
      redis: { commandTimeoutMs: 200, probeIntervalMs: 50 },
    });
    try {
      server.pause();
      // The connection stays up, so only the command deadline tells; the caller still gets no error.
      await store.set("atis", "all", text("while hung"), 60_000);
      assert.equal(store.health().degraded, true);
      assert.match(store.health().reason ?? "", /timed out/i);
      // Degraded: served from memory without waiting on the hung server.
      assert.deepEqual(await store.get("atis", "all"), text("while hung"));

      server.resume();
      await eventually("the store to recover", () => !store.health().degraded, 15_000);
      await store.set("atis", "all", text("after"), 60_000);
      await withClient(server.url, async (client) => {
        assert.equal(await client.get("vatsim:atis:all"), "after");
      });
    } finally {
      server.resume();
      await store.close();
      await server.kill();
    }
  },
});

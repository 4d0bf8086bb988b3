import assert from "node:assert/strict";
import { RedisStore } from "./redis_store.ts";
import { eventually, freePort, requireRedis, withClient, withRedisPrefix } from "../tests/helpers/redis.ts";

/** Every byte value 0–255, twice, so anything not binary-safe (UTF-8, NUL, CR LF) shows. */
const allBytes = new Uint8Array(512).map((_, i) => i % 256);

async function withStore<T>(url: string, prefix: string, fn: (store: RedisStore) => Promise<T>) {
  const store = new RedisStore({ url, prefix });
  try {
    assert.equal(await store.ready(5_000), true, "Redis did not get ready");
    return await fn(store);
  } finally {
    await store.close();
  }
}

Deno.test({
  name: "redis store round-trips binary bytes under a namespaced key",
  ...requireRedis,
  fn: () =>
    withRedisPrefix((url, prefix) =>
      withStore(url, prefix, async (store) => {
        await store.set("flights", "all", allBytes, 60_000);
        const back = await store.get("flights", "all");
        assert.deepEqual(back, allBytes);
        assert.equal(back instanceof Uint8Array && back.constructor, Uint8Array);
        assert.equal(await store.get("controllers", "all"), null);
        assert.deepEqual(store.health(), { backend: "redis", degraded: false, reason: null });
        await withClient(url, async (client) => {
          assert.deepEqual(await client.keys(`${prefix}:*`), [`${prefix}:flights:all`]);
        });
      })
    ),
});

Deno.test({
  name: "redis store writes a subarray's own bytes, not its whole buffer",
  ...requireRedis,
  fn: () =>
    withRedisPrefix((url, prefix) =>
      withStore(url, prefix, async (store) => {
        await store.set("atis", "EDDF", allBytes.subarray(10, 13), 60_000);
        assert.deepEqual(await store.get("atis", "EDDF"), new Uint8Array([10, 11, 12]));
      })
    ),
});

Deno.test({
  name: "redis store sets the time to live with PX, and the value is gone after it",
  ...requireRedis,
  fn: () =>
    withRedisPrefix((url, prefix) =>
      withStore(url, prefix, async (store) => {
        await store.set("atis", "EGLL", new Uint8Array([1]), 50_000);
        await withClient(url, async (client) => {
          const ttl = await client.pttl(store.key("atis", "EGLL"));
          assert.ok(ttl > 40_000 && ttl <= 50_000, `pttl ${ttl}`);
        });
        await store.set("atis", "LFPG", new Uint8Array([1]), 30);
        await eventually("the value to expire", async () => (await store.get("atis", "LFPG")) === null);
      })
    ),
});

Deno.test({
  name: "redis store refuses a bad time to live",
  ...requireRedis,
  fn: () =>
    withRedisPrefix((url, prefix) =>
      withStore(url, prefix, async (store) => {
        await assert.rejects(() => store.set("flights", "all", new Uint8Array([1]), 0), RangeError);
      })
    ),
});

Deno.test("redis store with nothing listening: degraded with the reason, and calls fail fast", async () => {
  const store = new RedisStore({ url: `redis://127.0.0.1:${freePort()}`, prefix: "unused" });
  try {
    assert.equal(await store.ready(300), false);
    const started = performance.now();
    await assert.rejects(() => store.set("flights", "all", new Uint8Array([1]), 1_000), /redis:/);
    await assert.rejects(() => store.get("flights", "all"), /redis:/);
    // Rejected by the client without waiting on the network (no offline queue), well under any deadline.
    assert.ok(performance.now() - started < 500, `took ${performance.now() - started} ms`);
    const health = store.health();
    assert.equal(health.degraded, true);
    assert.match(health.reason ?? "", /ECONNREFUSED|writeable|closed/);
  } finally {
    await store.close();
  }
});

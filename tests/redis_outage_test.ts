/**
 * Redis going away under the running service (main.ts as a child process, fed by the simulator): the
 * cache degrades to memory and says so in /api/status while snapshots are still stored, and when Redis
 * is back on the same port the cache recovers by itself and writes the latest hot views there again.
 */
import assert from "node:assert/strict";
import type { StatusReport } from "../routes/deps.ts";
import type { ServiceHealth } from "../routes/services.ts";
import { startSimulator } from "../sim/server.ts";
import { freshPgliteDir } from "./helpers/pglite.ts";
import { requireRedisServer, ThrowawayRedis, withClient } from "./helpers/redis.ts";
import { type RunningService, startService } from "./helpers/service.ts";

const PILOTS = 40;
const FLIGHTS_KEY = "vatsim:flights:latest";

const status = (service: RunningService, what: string, check: (s: StatusReport) => boolean) =>
  service.waitForJson<StatusReport>("/api/status", what, check, 30_000);
const cacheDegraded = (s: StatusReport) => s.degraded.some((part) => part.startsWith("cache: "));

/** Deletes the flights key, then waits until the service has written it again with a full snapshot. */
async function cachedAgain(redis: ThrowawayRedis): Promise<void> {
  await withClient(redis.url, (client) => client.del(FLIGHTS_KEY));
  const until = Date.now() + 30_000;
  for (;;) {
    const flights = await withClient(redis.url, async (client) => {
      const value = await client.get(FLIGHTS_KEY);
      return value === null
        ? null
        : { page: JSON.parse(value) as { total: number }, ttl: await client.pttl(FLIGHTS_KEY) };
    });
    if (flights !== null) {
      // The hot view of GET /api/flights (db/hot_views.ts): every simulated pilot is a flight.
      assert.equal(flights.page.total, PILOTS);
      assert.ok(flights.ttl > 0, "cached with a TTL");
      return;
    }
    if (Date.now() > until) throw new Error("the latest flights were not written to Redis again");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function outage(service: RunningService, what: string, down: () => Promise<void> | void) {
  const { body: before } = await service.getJson<StatusReport>("/api/status");
  await down();
  const degraded = await status(service, `the cache degraded after Redis was ${what}`, cacheDegraded);
  assert.ok(
    degraded.degraded.some((part) => /^cache: Redis is not answering, serving from memory: /.test(part)),
    JSON.stringify(degraded.degraded),
  );
  // Degraded, not down: the collector goes on storing, and the front still answers from memory.
  await status(
    service,
    `snapshots stored while Redis is ${what}`,
    (s) => cacheDegraded(s) && s.snapshots.stored >= before.snapshots.stored + 2,
  );
  assert.equal((await service.getJson("/health/ready")).status, 200);
}

Deno.test({
  name:
    "Redis killed or hung mid-run: the cache degrades to memory, snapshots are still stored, and it recovers by itself",
  ...requireRedisServer,
  async fn() {
    const redis = new ThrowawayRedis();
    await redis.start();
    const sim = startSimulator({ pilots: PILOTS, cadenceMs: 15_000, speed: 15_000 / 300 });
    const dataDir = await freshPgliteDir();
    try {
      const service = await startService({
        VATSIM_STATUS_URL: sim.statusUrl,
        POLL_INTERVAL_MS: "200",
        DATA_DIR: dataDir,
        REDIS_URL: redis.url,
      });
      try {
        const first = await status(service, "two snapshots stored", (s) => s.snapshots.stored >= 2);
        assert.deepEqual(first.degraded, []);
        await cachedAgain(redis);

        // Killed: the connection drops at once.
        await outage(service, "killed", () => redis.kill());
        await redis.start();
        await status(service, "the cache recovered after Redis restarted", (s) => !cacheDegraded(s));
        await cachedAgain(redis);

        // Hung (SIGSTOP): the connection stays open but nothing answers; commands time out.
        await outage(service, "hung", () => redis.pause());
        redis.resume();
        await status(service, "the cache recovered after Redis resumed", (s) => !cacheDegraded(s));
        await cachedAgain(redis);

        const { body } = await service.getJson<ServiceHealth>("/api/services/cache/health");
        assert.equal(body.restarts, 0, JSON.stringify(body.lastRestartReasons));
        assert.equal(body.status, "running");
      } finally {
        assert.equal(await service.stop(), 0);
      }
    } finally {
      redis.resume();
      await redis.kill();
      await sim.close();
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});

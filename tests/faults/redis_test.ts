/**
 * Fault case: Redis frozen (SIGSTOP) under the running service for longer than the cache's timeouts, on a
 * redis-server of the case's own. While it is frozen /api/status says the cache is degraded, not down,
 * the "now" data routes still answer from memory and snapshots are still stored; once it runs again the
 * cache recovers by itself. The database ledger loses and doubles nothing.
 */
import assert from "node:assert/strict";
import type { StatusReport } from "../../routes/deps.ts";
import type { ServiceHealth } from "../../routes/services.ts";
import { requirePostgres } from "../helpers/postgres.ts";
import { requireRedisServer, ThrowawayRedis, withClient } from "../helpers/redis.ts";
import { type RunningService, startService } from "../helpers/service.ts";
import { assertLedger, settle } from "./ledger.ts";
import { simFolder } from "./inputs.ts";
import { cleanRun, untilSettled, withCaseStore } from "./runs.ts";

const PILOTS = 300;
/** At least this long frozen. */
const FROZEN_MS = 4_000;
/** The "now" routes the front answers from the hot views it holds (routes/data.ts). */
const HOT_ROUTES = ["/api/flights", "/api/atc-positions", "/api/atis"];

const cacheDegraded = (s: StatusReport) => s.degraded.some((part) => part.startsWith("cache: "));
const status = (service: RunningService, what: string, check: (s: StatusReport) => boolean) =>
  service.waitForJson<StatusReport>("/api/status", what, check, 30_000);

/** Every hot route answers 200; GET /api/flights lists every simulated pilot. */
async function hotRoutesAnswer(service: RunningService, when: string): Promise<void> {
  for (const path of HOT_ROUTES) {
    const { status, body } = await service.getJson<{ total?: number }>(path);
    assert.equal(status, 200, `${path} ${when}: ${JSON.stringify(body)}`);
    if (path === "/api/flights") assert.equal(body.total, PILOTS, `${path} ${when}`);
  }
}

Deno.test({
  name:
    "fault suite: Redis frozen (SIGSTOP) mid-replay: degraded, served from memory, recovered, nothing lost",
  ignore: requirePostgres.ignore || requireRedisServer.ignore,
  fn: async () => {
    const junk = new TextEncoder().encode(`{"general":{"update_timestamp":"2025-08-06T06:00:00Z"}}`);
    const { dir, sent } = await simFolder({
      count: 40,
      pilots: PILOTS,
      extra: { "snap-003-junk.json": junk },
    });
    const redis = new ThrowawayRedis();
    try {
      const clean = await cleanRun(dir, sent);
      await redis.start();
      await withCaseStore(async (store) => {
        const service = await startService({
          ...store.env,
          FEED: dir,
          POLL_INTERVAL_MS: "200",
          REDIS_URL: redis.url,
        });
        try {
          await status(
            service,
            "three snapshots stored, nothing degraded",
            (s) => s.snapshots.stored >= 3 && s.degraded.length === 0,
          );
          await hotRoutesAnswer(service, "before the freeze");
          assert.ok(
            await withClient(redis.url, (client) => client.exists("vatsim:flights:latest")),
            "the hot views are in Redis",
          );

          redis.pause();
          const frozenAt = performance.now();
          try {
            const degraded = await status(service, "the cache degraded", cacheDegraded);
            assert.ok(
              degraded.degraded.some((part) =>
                /^cache: Redis is not answering, serving from memory/.test(part)
              ),
              JSON.stringify(degraded.degraded),
            );
            // Each of these stores published hot views, whose write to Redis waited out its deadline.
            await status(
              service,
              "two more snapshots stored while Redis is frozen",
              (s) => cacheDegraded(s) && s.snapshots.stored >= degraded.snapshots.stored + 2,
            );
            await hotRoutesAnswer(service, "while Redis is frozen");
            assert.equal((await service.getJson("/health/ready")).status, 200, "ready: degraded is not down");
            // Longer than every cache deadline (command 0.5 s, connect 1 s) several times over.
            const left = FROZEN_MS - (performance.now() - frozenAt);
            if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
            await hotRoutesAnswer(service, `after ${FROZEN_MS / 1000} s of frozen Redis`);
          } finally {
            redis.resume();
          }

          await status(service, "the cache recovered", (s) => !cacheDegraded(s));
          await hotRoutesAnswer(service, "after Redis is back");
          await untilSettled(store.url, sent, service);
          const { body: cache } = await service.getJson<ServiceHealth>("/api/services/cache/health");
          assert.equal(cache.restarts, 0, JSON.stringify(cache.lastRestartReasons));
        } finally {
          assert.equal(await service.stop(), 0, "SIGTERM after the freeze ends the service with exit 0");
        }
        assertLedger("Redis frozen (SIGSTOP)", await settle(store.url, sent, clean), 1);
      });
    } finally {
      redis.resume();
      await redis.kill();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

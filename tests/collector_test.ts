/**
 * The walking skeleton end to end: the real service as a child process, fed the recorded snapshots
 * (replayed from the fixture folder, or served by a local stand-in for the live feed), storing into
 * embedded PGlite or a throwaway PostgreSQL database, with faults injected over HTTP.
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import { openDatabase } from "../db/database.ts";
import type { StatusReport } from "../routes/deps.ts";
import type { ActorHealth } from "../runtime/actor_process.ts";
import { freshPgliteDir } from "./helpers/pglite.ts";
import { requirePostgres, withTempDatabase } from "./helpers/postgres.ts";
import { REDIS_URL, requireRedis, withClient } from "./helpers/redis.ts";
import { type RunningService, startService } from "./helpers/service.ts";
import { FIXTURES_DIR as FIXTURES } from "./helpers/fixtures.ts";

const SNAPSHOT_FILES = [...Deno.readDirSync(FIXTURES)]
  .map((entry) => entry.name)
  .filter((name) => name.startsWith("vatsim-data_") && name.endsWith(".json"))
  .sort();
const LATEST = "2025-08-06T06:54:57.998404Z";
const TOKEN = "test-control-token-0123456789";

const status = (service: RunningService, what: string, check: (s: StatusReport) => boolean) =>
  service.waitForJson<StatusReport>("/api/status", what, check);

async function replayed(service: RunningService): Promise<StatusReport> {
  const report = await status(
    service,
    "5 stored, 1 quarantined",
    (s) => s.snapshots.stored + s.snapshots.duplicates === 5 && s.snapshots.quarantined === 1,
  );
  assert.equal(report.feed.lastUpdateTimestamp, LATEST);
  assert.equal(report.counts.pilots, 638);
  assert.equal(report.snapshots.fetched, 6);
  return report;
}

async function withPgliteDir(fn: (dataDir: string) => Promise<void>): Promise<void> {
  const dataDir = await freshPgliteDir();
  try {
    await fn(dataDir);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
}

Deno.test("replaying the fixtures into PGlite stores 5 snapshots once each and quarantines the transceivers file", async () => {
  assert.equal(SNAPSHOT_FILES.length, 5);
  await withPgliteDir(async (dataDir) => {
    const env = { FEED: FIXTURES, POLL_INTERVAL_MS: "200", DATA_DIR: dataDir };
    const first = await startService(env);
    try {
      const report = await replayed(first);
      assert.deepEqual(report.snapshots, { fetched: 6, stored: 5, duplicates: 0, quarantined: 1 });
      assert.equal(report.feed.source, `replay:${FIXTURES}`);
      assert.deepEqual(report.degraded, []);
      assert.equal((await first.getJson("/health/ready")).status, 200);
    } finally {
      assert.equal(await first.stop(), 0);
    }

    // A second run over the same data finds every snapshot already stored (G2).
    const second = await startService(env);
    try {
      const report = await replayed(second);
      assert.equal(report.snapshots.stored, 0);
      assert.equal(report.snapshots.duplicates, 5);
    } finally {
      assert.equal(await second.stop(), 0);
    }

    const db = await openDatabase({ dataDir });
    try {
      const rows = await db.query<{ n: number; distinct_timestamps: number }>(
        "select count(*)::int as n, count(distinct update_timestamp)::int as distinct_timestamps from snapshots",
      );
      assert.deepEqual(rows, [{ n: 5, distinct_timestamps: 5 }]);
      // The diff went through the processor into the network tables: pair-a and pair-b (the two first
      // snapshots) share 706 sessions, and the last snapshot's 638 pilots are the active flights.
      const flights = await db.query<{ both: number; active: number }>(
        `with s as (select update_timestamp as at, row_number() over (order by update_timestamp) as n
          from snapshots)
        select
          count(*) filter (where first_seen = (select at from s where n = 1)
            and last_seen = (select at from s where n = 2))::int as both,
          count(*) filter (where status = 'active')::int as active
        from flights`,
      );
      assert.deepEqual(flights, [{ both: 706, active: 638 }]);
      // The store made each snapshot's day partition before writing to it.
      const positions = await db.query<{ total: number; unplaced: number }>(
        "select (select count(*)::int from positions) as total, (select count(*)::int from positions_default) as unplaced",
      );
      assert.ok(positions[0].total > 0);
      assert.equal(positions[0].unplaced, 0);
      const quarantine = await db.query<{ scope: string; source: string; reason: string }>(
        "select scope, source, reason from quarantine order by id",
      );
      // One row per run: a body without a timestamp cannot be recognised as seen before.
      assert.equal(quarantine.length, 2);
      for (const row of quarantine) {
        assert.equal(row.scope, "snapshot");
        assert.equal(row.source, "replay:transceivers-data_2021-04-21.json");
        assert.match(row.reason, /not a v3 snapshot/);
      }
    } finally {
      await db.close();
    }
  });
});

Deno.test({
  name: "replaying the fixtures into PostgreSQL (DATABASE_URL) stores the same 5 snapshots",
  ...requirePostgres,
  fn: () =>
    withTempDatabase(async (url) => {
      const dataDir = await Deno.makeTempDir({ prefix: "collector_pg_" });
      const service = await startService({
        FEED: FIXTURES,
        POLL_INTERVAL_MS: "200",
        DATA_DIR: dataDir,
        DATABASE_URL: url,
      });
      try {
        const report = await replayed(service);
        assert.deepEqual(report.snapshots, { fetched: 6, stored: 5, duplicates: 0, quarantined: 1 });
      } finally {
        assert.equal(await service.stop(), 0);
        await Deno.remove(dataDir, { recursive: true });
      }
      // Nothing was written to DATA_DIR's PGlite: the rows are in PostgreSQL.
      const sql = postgres(url, { max: 1, onnotice: () => {} });
      try {
        const rows =
          await sql`select to_char(update_timestamp at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as ts,
          pilots from snapshots order by update_timestamp`;
        assert.equal(rows.length, 5);
        assert.equal(rows[4].ts, LATEST);
        assert.equal(rows[4].pilots, 638);
        const [{ n }] = await sql`select count(*)::int as n from quarantine where scope = 'snapshot'`;
        assert.equal(n, 1);
      } finally {
        await sql.end();
      }
    }),
});

/** A stand-in for status.vatsim.net and its data URL, serving whichever fixture the test picks. */
function fakeLiveFeed() {
  let current = 0;
  const server: Deno.HttpServer<Deno.NetAddr> = Deno.serve({
    port: 0,
    hostname: "127.0.0.1",
    onListen: () => {},
  }, async (request): Promise<Response> => {
    const { pathname } = new URL(request.url);
    if (pathname === "/status.json") {
      return Response.json({ data: { v3: [`http://127.0.0.1:${server.addr.port}/vatsim-data.json`] } });
    }
    if (pathname === "/vatsim-data.json") {
      return new Response(await Deno.readFile(FIXTURES + SNAPSHOT_FILES[current]), {
        headers: { "content-type": "application/json" },
      });
    }
    return new Response("not found", { status: 404 });
  });
  return {
    statusUrl: `http://127.0.0.1:${server.addr.port}/status.json`,
    serve: (index: number) => current = index,
    close: () => server.shutdown(),
  };
}

Deno.test("a processor that throws, hangs or exits is restarted with the reason, and later snapshots are stored", async () => {
  const feed = fakeLiveFeed();
  try {
    await withPgliteDir(async (dataDir) => {
      const service = await startService({
        VATSIM_STATUS_URL: feed.statusUrl,
        POLL_INTERVAL_MS: "200",
        DATA_DIR: dataDir,
        FAULT_INJECTION: "true",
        CONTROL_TOKEN: TOKEN,
      });
      const auth = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
      try {
        await status(service, "the first snapshot stored", (s) => s.snapshots.stored === 1);
        const faults = [["throw", /fault injection: throw/], ["hang", /hung/], ["exit", /exited/]] as const;
        for (const [i, [kind, reason]] of faults.entries()) {
          const sent = await service.getJson("/api/supervision/actors/processor/fault", {
            method: "POST",
            headers: auth,
            body: JSON.stringify({ kind }),
          });
          assert.equal(sent.status, 202, JSON.stringify(sent.body));
          const health = await service.waitForJson<ActorHealth>(
            "/api/services/processor/health",
            `processor restarted after ${kind}`,
            (h) => h.restarts === i + 1 && h.status === "running",
          );
          assert.match(health.lastRestartReasons[0].reason, reason);
          assert.equal(health.lastRestartReasons[0].manual, false);
          feed.serve(i + 1);
          await status(
            service,
            `snapshot ${i + 2} stored after ${kind}`,
            (s) => s.snapshots.stored === i + 2,
          );
        }
        const report = await status(service, "duplicates counted", (s) => s.snapshots.duplicates > 0);
        assert.equal(report.feed.source, "live");
        const hung = await service.getJson<ActorHealth>("/api/services/processor/health");
        assert.ok(hung.body.zombies.length <= 1, "at most the hung thread is a zombie");

        // A manual restart over the control route is recorded as manual.
        const denied = await service.getJson("/api/supervision/actors/cache/restart", { method: "POST" });
        assert.equal(denied.status, 401);
        const restarted = await service.getJson("/api/supervision/actors/cache/restart", {
          method: "POST",
          headers: auth,
        });
        assert.equal(restarted.status, 200);
        const cache = await service.getJson<ActorHealth>("/api/services/cache/health");
        assert.equal(cache.body.lastRestartReasons[0].manual, true);
      } finally {
        assert.equal(await service.stop(), 0);
      }
    });
  } finally {
    await feed.close();
  }
});

Deno.test("FEED=sim runs the built-in simulator and stores its snapshots", async () => {
  await withPgliteDir(async (dataDir) => {
    const service = await startService({
      FEED: "sim",
      SIM_PILOTS: "200",
      POLL_INTERVAL_MS: "200",
      DATA_DIR: dataDir,
    });
    try {
      const report = await status(service, "3 simulated snapshots stored", (s) => s.snapshots.stored >= 3);
      assert.equal(report.feed.source, "sim");
      assert.equal(report.counts.pilots, 200);
      assert.equal(report.snapshots.quarantined, 0);
    } finally {
      assert.equal(await service.stop(), 0);
    }
  });
});

Deno.test({
  name: "with REDIS_URL the hot views are cached in Redis and the cache is not degraded",
  ...requireRedis,
  fn: () =>
    withPgliteDir(async (dataDir) => {
      const keys = ["vatsim:flights:latest", "vatsim:controllers:latest", "vatsim:atis:latest"];
      const service = await startService({
        FEED: FIXTURES,
        POLL_INTERVAL_MS: "200",
        DATA_DIR: dataDir,
        REDIS_URL,
      });
      try {
        const report = await replayed(service);
        assert.deepEqual(report.degraded, []);
        // The hot view: what GET /api/flights answers, read again at most once a second, so the last
        // snapshot's view may land a moment after the snapshot.
        await withClient(REDIS_URL, async (redis) => {
          const until = Date.now() + 10_000;
          let flights: { snapshot: string | null; total: number } | null = null;
          while (flights?.snapshot !== LATEST && Date.now() < until) {
            await new Promise((resolve) => setTimeout(resolve, 100));
            flights = JSON.parse((await redis.get(keys[0])) ?? "null");
          }
          assert.equal(flights?.total, 638);
          assert.ok((await redis.pttl(keys[0])) > 0, "cached with a TTL");
        });
      } finally {
        assert.equal(await service.stop(), 0);
        await withClient(REDIS_URL, (redis) => redis.del(...keys));
      }
    }),
});

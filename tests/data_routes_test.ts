/**
 * The data routes end to end: the real service as a child process replays pair-a then pair-b into each
 * driver, and the routes answer through the store actor (`store.query`), as in production.
 */
import assert from "node:assert/strict";
import { FlightPageSchema } from "../db/queries.ts";
import { FIXTURES_DIR } from "./helpers/fixtures.ts";
import { driverCases } from "./helpers/databases.ts";
import { withTempDatabase } from "./helpers/postgres.ts";
import { PAIR_A, PAIR_B } from "./helpers/replay.ts";
import { startService } from "./helpers/service.ts";

/** A folder holding only pair-a and pair-b (links to the fixtures, not copies). */
async function pairFolder(): Promise<string> {
  const folder = await Deno.makeTempDir({ prefix: "pair_feed_" });
  for (const name of [PAIR_A, PAIR_B]) await Deno.symlink(`${FIXTURES_DIR}${name}`, `${folder}/${name}`);
  return folder;
}

/**
 * Once the store has read the hot views after the last snapshot, `GET /api/flights` is answered from
 * the front's memory (a cache hit on /metrics) with the very bytes and ETag the database read gives
 * (`?limit=1000` is the same query, but a query string always goes to the database).
 */
const PAIR_B_TIMESTAMP = "2021-04-09T16:19:39.863076Z";

async function hotViewMatchesDatabase(url: string): Promise<void> {
  const hits = async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    return Number(/^collector_cache_hits_total\{view="flights"\} (\d+)/m.exec(text)?.[1] ?? 0);
  };
  const until = Date.now() + 30_000;
  for (;;) {
    const before = await hits();
    const hot = await fetch(`${url}/api/flights`);
    const hotBody = await hot.text();
    // The views are read at most once a second: until then they may still show pair-a.
    if (await hits() > before && JSON.parse(hotBody).snapshot === PAIR_B_TIMESTAMP) {
      const database = await fetch(`${url}/api/flights?limit=1000`);
      assert.equal(hotBody, await database.text());
      assert.equal(hot.headers.get("ETag"), database.headers.get("ETag"));
      const again = await fetch(`${url}/api/flights`, {
        headers: { "If-None-Match": hot.headers.get("ETag")! },
      });
      assert.equal(again.status, 304);
      await again.body?.cancel();
      return;
    }
    if (Date.now() > until) throw new Error("GET /api/flights was never answered from the hot view");
    await new Promise((r) => setTimeout(r, 100));
  }
}

for (const driver of driverCases) {
  Deno.test({
    name:
      `after replaying pair-a then pair-b, GET /api/flights lists the 1,083 flights of pair-b [${driver.kind}]`,
    ignore: driver.ignore,
    async fn() {
      const feed = await pairFolder();
      const dataDir = await Deno.makeTempDir({ prefix: "data_routes_" });
      const run = async (databaseUrl?: string) => {
        const service = await startService({
          FEED: feed,
          POLL_INTERVAL_MS: "100",
          DATA_DIR: dataDir,
          ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
        });
        try {
          await service.waitForJson<{ snapshots: { stored: number } }>(
            "/api/status",
            "2 snapshots stored",
            (s) => s.snapshots.stored === 2,
          );
          const { status, body } = await service.getJson("/api/flights?limit=5000");
          assert.equal(status, 200);
          const page = FlightPageSchema.parse(body);
          assert.equal(page.snapshot, PAIR_B_TIMESTAMP);
          assert.equal(page.total, 1_083);
          assert.equal(new Set(page.flights.map((f) => `${f.cid}|${f.callsign}|${f.logonTime}`)).size, 1_083);
          await hotViewMatchesDatabase(service.url);
          // The processor hands each snapshot's typed events to the front's live feed.
          const history = await service.getJson<{ events: { type: string }[] }>(
            "/api/events/history?limit=5",
          );
          assert.equal(history.body.events.length, 5);
          const missing = await service.getJson("/api/flights/ZZZ999");
          assert.equal(missing.status, 404);
          const wrong = await service.getJson("/api/flights?bbox=north");
          assert.equal(wrong.status, 400);
        } finally {
          assert.equal(await service.stop(), 0);
        }
      };
      try {
        if (driver.kind === "postgres") await withTempDatabase(run);
        else await run();
      } finally {
        await Deno.remove(feed, { recursive: true });
        await Deno.remove(dataDir, { recursive: true });
      }
    },
  });
}

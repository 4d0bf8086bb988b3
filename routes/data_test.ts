/**
 * The data routes with `app.request()` over a real database: PGlite holding pair-a then pair-b, read
 * through db/queries.ts exactly as the store answers `store.query`. db/queries_test.ts checks the reads
 * themselves on both drivers; here it is the HTTP side: parameters, 400s, 404s, ETags and shapes.
 */
import assert from "node:assert/strict";
import { databaseQueries, FlightDetailSchema, FlightPageSchema, TrackResultSchema } from "../db/queries.ts";
import { migrate } from "../db/migrate.ts";
import { driverCases } from "../tests/helpers/databases.ts";
import { PAIR_A, PAIR_B, replayFixtures } from "../tests/helpers/replay.ts";
import { createApp } from "./app.ts";
import { errorOf, fakeDeps, jsonOf } from "./test_deps.ts";
import { AnomalyPageSchema, insertAnomalies } from "../db/anomalies.ts";
import { readHotViews } from "../db/hot_views.ts";
import type { CacheKind } from "../cache/store.ts";
import { MetricsRegistry } from "../runtime/metrics.ts";
import { HotViews } from "./hot_views.ts";

const pglite = driverCases.find((driver) => driver.kind === "pglite")!;
const A = "2021-04-09T15:43:09.863925Z";
const B = "2021-04-09T16:19:39.863076Z";

Deno.test("data routes over pair-a then pair-b", async (t) => {
  await pglite.withDatabase(async (db) => {
    await migrate(db);
    await replayFixtures(db, [PAIR_A, PAIR_B]);
    const app = createApp(fakeDeps({ data: databaseQueries(db) }));
    const get = (path: string, headers: HeadersInit = {}) => app.request(path, { headers });
    const bad = async (path: string, parameter: string) => {
      const message = await errorOf(await get(path), 400, "invalid_parameter");
      assert.match(message, new RegExp(`parameter "${parameter}"`), path);
      return message;
    };

    await t.step("GET /api/flights lists the 1,083 flights of pair-b", async () => {
      const page = FlightPageSchema.parse(await jsonOf(await get("/api/flights?limit=5000"), 200));
      assert.equal(page.snapshot, B);
      assert.equal(page.total, 1_083);
      assert.equal(page.flights.length, 1_083);
      // The default page is the first 1,000.
      const first = FlightPageSchema.parse(await jsonOf(await get("/api/flights"), 200));
      assert.equal(first.flights.length, 1_000);
      assert.deepEqual(first.flights, page.flights.slice(0, 1_000));
      const rest = FlightPageSchema.parse(await jsonOf(await get("/api/flights?offset=1000&limit=500"), 200));
      assert.deepEqual(rest.flights, page.flights.slice(1_000));
    });

    await t.step("filters: callsign prefix (any case), airports, type, box; at= a past moment", async () => {
      const baw = FlightPageSchema.parse(await jsonOf(await get("/api/flights?callsign=baw"), 200));
      assert.ok(baw.total > 0 && baw.flights.every((f) => f.callsign.startsWith("BAW")));
      const egll = FlightPageSchema.parse(
        await jsonOf(await get("/api/flights?departure=EGLL&aircraft=a320"), 200),
      );
      assert.ok(egll.flights.every((f) => f.departure === "EGLL" && f.aircraft === "A320"));
      const jfk = FlightPageSchema.parse(await jsonOf(await get("/api/flights?arrival=KJFK"), 200));
      assert.ok(jfk.total > 0 && jfk.flights.every((f) => f.arrival === "KJFK"));
      const box = FlightPageSchema.parse(
        await jsonOf(await get("/api/flights?bbox=-10,35,30,60&limit=5000"), 200),
      );
      assert.ok(box.total > 100 && box.total < 1_083);
      for (const { position } of box.flights) {
        assert.ok(position && position.latitude >= 35 && position.latitude <= 60);
        assert.ok(position.longitude >= -10 && position.longitude <= 30);
      }
      const then = FlightPageSchema.parse(await jsonOf(await get(`/api/flights?at=${A}&limit=1`), 200));
      assert.deepEqual([then.snapshot, then.total], [A, 1_077]);
      const offset = FlightPageSchema.parse(
        await jsonOf(await get("/api/flights?at=2021-04-09T17:00:00%2B01:00&limit=1"), 200),
      );
      assert.equal(offset.snapshot, A, "16:00Z, between the two snapshots");
      const before = FlightPageSchema.parse(
        await jsonOf(await get("/api/flights?at=2020-01-01T00:00:00Z"), 200),
      );
      assert.deepEqual([before.snapshot, before.total, before.flights], [null, 0, []]);
    });

    await t.step("ETag and If-None-Match", async () => {
      const first = await get("/api/flights?callsign=DLH");
      const etag = first.headers.get("ETag");
      assert.match(etag ?? "", /^W\/"[^"]+"$/);
      await first.body?.cancel();
      const again = await get("/api/flights?callsign=DLH", { "If-None-Match": etag! });
      assert.equal(again.status, 304);
      assert.equal(await again.text(), "");
      assert.equal(again.headers.get("ETag"), etag);
      const strong = await get("/api/flights?callsign=DLH", { "If-None-Match": `"x", ${etag!.slice(2)}` });
      assert.equal(strong.status, 304, "compared weakly, in a list");
      await strong.body?.cancel();
      const other = await get("/api/flights?callsign=AFR", { "If-None-Match": etag! });
      assert.equal(other.status, 200, "another answer has another tag");
      assert.notEqual(other.headers.get("ETag"), etag);
      await other.body?.cancel();
    });

    await t.step("GET /api/flights: 400 names the parameter", async () => {
      await bad("/api/flights?limit=0", "limit");
      await bad("/api/flights?limit=5001", "limit");
      await bad("/api/flights?limit=ten", "limit");
      await bad("/api/flights?offset=-1", "offset");
      await bad("/api/flights?at=yesterday", "at");
      await bad("/api/flights?at=2021-04-09T16:00:00", "at"); // no zone: which 16:00?
      // ISO 8601 allows both and PostgreSQL refuses both: a 400 here, not a read the database fails.
      assert.match(await bad("/api/flights?at=0000-01-01T00:00:00Z", "at"), /year 0001/);
      assert.match(await bad("/api/flights?at=2024-05-01T12:00:00%2B23:59", "at"), /15:59/);
      await bad("/api/flights?callsign=BAW%25", "callsign");
      await bad("/api/flights?callsign=' or 1=1 --", "callsign");
      await bad("/api/flights?departure=LONDON", "departure");
      await bad("/api/flights?arrival=", "arrival");
      await bad("/api/flights?aircraft=B7378", "aircraft");
      assert.match(await bad("/api/flights?bbox=1,2,3", "bbox"), /west,south,east,north/);
      await bad("/api/flights?bbox=0,60,10,50", "bbox"); // south above north
      await bad("/api/flights?bbox=0,0,200,10", "bbox");
      assert.match(await bad("/api/flights?calsign=BAW", "calsign"), /takes: at, callsign/);
      assert.match(await bad("/api/flights?limit=1&limit=2", "limit"), /more than once/);
    });

    await t.step(
      "GET /api/flights/{callsign}: the newest session with its plan; 404 when never seen",
      async () => {
        const list = FlightPageSchema.parse(await jsonOf(await get("/api/flights?limit=5000"), 200));
        const someone = list.flights.find((f) => f.departure !== null && f.firstSeen === A)!;
        const detail = FlightDetailSchema.parse(
          await jsonOf(await get(`/api/flights/${someone.callsign.toLowerCase()}`), 200),
        );
        assert.equal(detail.callsign, someone.callsign);
        assert.equal(detail.status, "active");
        assert.equal(detail.plan?.departure, someone.departure);
        assert.ok(detail.planVersions >= 1);
        assert.match(await errorOf(await get("/api/flights/ZZZ999"), 404, "not_found"), /ZZZ999/);
        await bad("/api/flights/BAW%25", "callsign");
        await bad(`/api/flights/${someone.callsign}?at=${B}`, "at");
      },
    );

    await t.step(
      "GET /api/flights/{callsign}/track: points in time order, from/to, 400 and 404",
      async () => {
        const list = FlightPageSchema.parse(await jsonOf(await get("/api/flights?limit=5000"), 200));
        const flown = list.flights.find((f) => f.firstSeen === A)!;
        const track = TrackResultSchema.parse(
          await jsonOf(await get(`/api/flights/${flown.callsign}/track`), 200),
        );
        assert.equal(track.tracks.length, 1);
        assert.equal(track.tracks[0].cid, flown.cid);
        const times = track.tracks[0].points.map((p) => p.at);
        assert.deepEqual(times, [...times].sort());
        assert.equal(times.at(-1), flown.position?.at);
        const late = TrackResultSchema.parse(
          await jsonOf(
            await get(`/api/flights/${flown.callsign}/track?from=${B}&to=2021-04-10T00:00:00Z`),
            200,
          ),
        );
        assert.ok(late.tracks[0].points.every((p) => p.at >= B));
        await errorOf(
          await get(`/api/flights/${flown.callsign}/track?to=2021-04-01T00:00:00Z`),
          404,
          "not_found",
        );
        await errorOf(await get("/api/flights/ZZZ999/track"), 404, "not_found");
        assert.match(await bad(`/api/flights/${flown.callsign}/track?from=${B}&to=${A}`, "from"), /after to/);
        await bad(`/api/flights/${flown.callsign}/track?from=noon`, "from");
      },
    );

    await t.step("GET /api/atc-positions, now and at=", async () => {
      const now = await jsonOf(await get("/api/atc-positions"), 200) as {
        snapshot: string;
        controllers: unknown[];
      };
      assert.equal(now.snapshot, B);
      assert.equal(now.controllers.length, 110);
      const then = await jsonOf(await get(`/api/atc-positions?at=${A}`), 200) as { controllers: unknown[] };
      assert.equal(then.controllers.length, 112);
      const centres = await jsonOf(await get("/api/atc-positions?facility=6"), 200) as {
        controllers: { facility: number }[];
      };
      assert.ok(centres.controllers.length > 0 && centres.controllers.every((c) => c.facility === 6));
      await bad("/api/atc-positions?facility=centre", "facility");
      await bad("/api/atc-positions?at=2021-13-01T00:00:00Z", "at");
    });

    await t.step("GET /api/controllers/sessions: filters, time range, paging", async () => {
      type Page = {
        total: number;
        sessions: { callsign: string; station: string; logoffAt: string | null }[];
      };
      const online = await jsonOf(
        await get("/api/controllers/sessions?online=true&station=atis"),
        200,
      ) as Page;
      assert.equal(online.total, 51);
      assert.ok(online.sessions.every((s) => s.station === "atis" && s.logoffAt === null));
      const ended = await jsonOf(
        await get(`/api/controllers/sessions?online=false&to=${A}&limit=5`),
        200,
      ) as Page;
      assert.ok(ended.total > 0 && ended.sessions.length <= 5);
      assert.ok(ended.sessions.every((s) => s.logoffAt !== null));
      const eg = await jsonOf(await get("/api/controllers/sessions?callsign=EG"), 200) as Page;
      assert.ok(eg.sessions.every((s) => s.callsign.startsWith("EG")));
      await bad("/api/controllers/sessions?online=yes", "online");
      await bad("/api/controllers/sessions?station=tower", "station");
      await bad("/api/controllers/sessions?cid=0", "cid");
      await bad(`/api/controllers/sessions?from=${B}&to=${A}`, "from");
    });

    await t.step("GET /api/atis: each station on air with its text", async () => {
      const body = await jsonOf(await get("/api/atis"), 200) as {
        snapshot: string;
        atis: { callsign: string; lines: string[]; code: string | null }[];
      };
      assert.equal(body.snapshot, B);
      assert.equal(body.atis.length, 51);
      assert.ok(body.atis.some((a) => a.lines.length > 0));
      await bad("/api/atis?callsign=EG LL", "callsign");
      await bad("/api/atis?airport=EGLL", "airport");
    });

    await t.step("GET /api/anomalies: newest first, filtered, with its 400s", async () => {
      await insertAnomalies(db, B, [
        { kind: "implausible", callsign: "SBI642", cid: 1_000_001, detail: "qnh", values: { qnh_mb: -6741 } },
        {
          kind: "teleport",
          callsign: "QTR8145",
          cid: 1_292_706,
          detail: "jump",
          values: { implied_knots: 72_000 },
        },
      ]);
      const page = AnomalyPageSchema.parse(await jsonOf(await get("/api/anomalies?kind=teleport"), 200));
      assert.deepEqual(page.anomalies.map((a) => [a.at, a.callsign, a.values.implied_knots]), [
        [B, "QTR8145", 72_000],
      ]);
      const all = AnomalyPageSchema.parse(await jsonOf(await get("/api/anomalies?callsign=sbi"), 200));
      assert.equal(all.total, 1);
      assert.match(await bad("/api/anomalies?kind=ufo", "kind"), /implausible, teleport, duplicate_callsign/);
      await bad(`/api/anomalies?from=${B}&to=${A}`, "from");
      await bad("/api/anomalies?limit=0", "limit");
    });

    await t.step(
      "the hot views hold the very bytes the database reads give, and answer without a query string",
      async () => {
        const views = await readHotViews(db);
        const hot = new HotViews(new MetricsRegistry());
        for (const [kind, bytes] of Object.entries(views) as [CacheKind, ArrayBuffer][]) {
          await hot.put(kind, new Uint8Array(bytes));
        }
        const fast = createApp(fakeDeps({ data: databaseQueries(db), hot }));
        for (
          const [kind, path] of [["flights", "/api/flights"], ["controllers", "/api/atc-positions"], [
            "atis",
            "/api/atis",
          ]]
        ) {
          const fromDatabase = await get(path);
          const fromView = await fast.request(path);
          assert.equal(await fromView.text(), await fromDatabase.text(), path);
          assert.equal(fromView.headers.get("ETag"), fromDatabase.headers.get("ETag"));
          assert.equal(fromView.headers.get("Content-Type"), "application/json");
          assert.equal(hot.get(kind as CacheKind)?.etag, fromView.headers.get("ETag"));
        }
        const zipped = await fast.request("/api/flights", { headers: { "Accept-Encoding": "gzip, br" } });
        assert.equal(zipped.headers.get("Content-Encoding"), "gzip");
        assert.equal(zipped.headers.get("Vary"), "Accept-Encoding");
        const unzipped = zipped.body!.pipeThrough(new DecompressionStream("gzip"));
        assert.equal(await new Response(unzipped).text(), await (await get("/api/flights")).text());
        const etag = hot.get("flights")!.etag;
        assert.equal(
          (await fast.request("/api/flights", { headers: { "If-None-Match": etag } })).status,
          304,
        );
        // With parameters the database answers (and a bad one is still a 400).
        const page = FlightPageSchema.parse(await jsonOf(await fast.request("/api/flights?limit=3"), 200));
        assert.equal(page.flights.length, 3);
        await errorOf(await fast.request("/api/flights?limit=0"), 400, "invalid_parameter");
      },
    );

    await t.step("wrong methods are 405", async () => {
      const response = await app.request("/api/flights", { method: "POST" });
      assert.equal(response.headers.get("Allow"), "GET, HEAD");
      await errorOf(response, 405, "method_not_allowed");
    });
  });
});

Deno.test("a read the store could not run is a 503 that says why, not a 500", async () => {
  const { HttpError } = await import("./errors.ts");
  const failing = fakeDeps({
    data: {
      ...fakeDeps().data,
      flights: () =>
        Promise.reject(new HttpError(503, "database_unavailable", "the store could not read: down")),
    },
  });
  const message = await errorOf(
    await createApp(failing).request("/api/flights"),
    503,
    "database_unavailable",
  );
  assert.match(message, /down/);
});

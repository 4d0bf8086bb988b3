/**
 * Anomalies end to end: the real service replays the peak recording into embedded PGlite, and
 * `GET /api/anomalies` lists the implausible pilots the processor found, with the snapshot they came from.
 */
import assert from "node:assert/strict";
import { AnomalyPageSchema } from "../db/anomalies.ts";
import { FIXTURES_DIR } from "./helpers/fixtures.ts";
import { startService } from "./helpers/service.ts";

const PEAK = "vatsim-data_2021-04-24T1528Z_ctp-westbound-peak.json";

Deno.test("the peak recording's negative QNH and 1,224 kt ground speed are listed by GET /api/anomalies", async () => {
  const feed = await Deno.makeTempDir({ prefix: "anomalies_feed_" });
  const dataDir = await Deno.makeTempDir({ prefix: "anomalies_data_" });
  await Deno.symlink(`${FIXTURES_DIR}${PEAK}`, `${feed}/${PEAK}`);
  const service = await startService({ FEED: feed, POLL_INTERVAL_MS: "100", DATA_DIR: dataDir });
  try {
    await service.waitForJson<{ snapshots: { stored: number } }>(
      "/api/status",
      "the snapshot stored",
      (s) => s.snapshots.stored === 1,
      60_000,
    );
    const { status, body } = await service.getJson("/api/anomalies?kind=implausible");
    assert.equal(status, 200);
    const page = AnomalyPageSchema.parse(body);
    assert.equal(page.total, 5);
    const byCallsign = new Map(page.anomalies.map((a) => [a.callsign, a]));
    assert.deepEqual(byCallsign.get("SBI642")?.values, { qnh_mb: -6741 });
    assert.deepEqual(byCallsign.get("BAW122")?.values, { groundspeed: 1224 });
    assert.equal(byCallsign.get("SBI642")?.at, "2021-04-24T15:28:14.692530Z");
  } finally {
    assert.equal(await service.stop(), 0);
    await Deno.remove(feed, { recursive: true });
    await Deno.remove(dataDir, { recursive: true });
  }
});

import assert from "node:assert/strict";
import { peakSnapshot } from "../bench/peak_stream.ts";
import { FIXTURES_DIR } from "../tests/helpers/fixtures.ts";
import { findAnomalies, TELEPORT_KNOTS } from "./anomalies.ts";
import { diffSnapshots } from "./diff.ts";
import { parseSnapshot } from "./parse_snapshot.ts";
import { feedTimestampMs } from "./timestamp.ts";

const recording = await Deno.readTextFile(
  `${FIXTURES_DIR}vatsim-data_2021-04-24T1528Z_ctp-westbound-peak.json`,
);

function parsed(bytes: Uint8Array) {
  const result = parseSnapshot(bytes);
  if (!result.ok) throw new Error(result.reason);
  return result;
}

const atMsOf = (s: { general: { update_timestamp: string } }) => feedTimestampMs(s.general.update_timestamp);

Deno.test("the peak recording's implausible pilots are anomalies with the values that gave them away", () => {
  const peak = parsed(peakSnapshot(recording, 0));
  const anomalies = findAnomalies({ ...peak, previous: null, atMs: atMsOf(peak.snapshot) });
  const byCallsign = new Map(anomalies.map((a) => [a.callsign, a]));
  assert.deepEqual(anomalies.map((a) => a.kind), anomalies.map(() => "implausible"));
  assert.deepEqual([...byCallsign.keys()].sort(), ["AFR2", "BAW122", "BAW2", "BAW99", "SBI642"]);
  assert.deepEqual(byCallsign.get("SBI642")?.values, { qnh_mb: -6741 });
  assert.equal(byCallsign.get("SBI642")?.detail, "qnh_mb_negative: qnh_mb -6741");
  assert.deepEqual(byCallsign.get("BAW122")?.values, { groundspeed: 1224 });
  assert.equal(byCallsign.get("BAW122")?.cid !== null, true);
});

Deno.test("a pilot that jumps 300 nm in 15 s is a teleport; the others, moving at their speed, are not", () => {
  const first = parsed(peakSnapshot(recording, 0));
  const previous = diffSnapshots(null, first.snapshot).state;
  const next = parsed(peakSnapshot(recording, 1));
  const jumper = next.snapshot.pilots.find((p) => p.callsign === "QTR8145");
  assert.ok(jumper);
  jumper.latitude += 5;
  const anomalies = findAnomalies({
    snapshot: next.snapshot,
    flagged: [],
    previous,
    atMs: atMsOf(next.snapshot),
  });
  assert.equal(anomalies.length, 1, JSON.stringify(anomalies));
  const [teleport] = anomalies;
  assert.equal(teleport.kind, "teleport");
  assert.equal(teleport.callsign, "QTR8145");
  assert.equal(teleport.values.seconds, 15);
  assert.ok(Number(teleport.values.distance_nm) > 290 && Number(teleport.values.distance_nm) < 310);
  assert.ok(Number(teleport.values.implied_knots) > TELEPORT_KNOTS);
});

Deno.test("a callsign used by two sessions in one snapshot is one anomaly naming both pilots", () => {
  const peak = parsed(peakSnapshot(recording, 0));
  const [a, b] = peak.snapshot.pilots;
  const twin = { ...b, callsign: a.callsign };
  const snapshot = { ...peak.snapshot, pilots: [a, twin, ...peak.snapshot.pilots.slice(2)] };
  const anomalies = findAnomalies({ snapshot, flagged: [], previous: null, atMs: atMsOf(snapshot) });
  assert.deepEqual(anomalies.map((x) => [x.kind, x.callsign, x.cid]), [[
    "duplicate_callsign",
    a.callsign,
    null,
  ]]);
  assert.equal(anomalies[0].values.cids, `${a.cid},${b.cid}`);
});

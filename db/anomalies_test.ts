import assert from "node:assert/strict";
import type { Anomaly } from "../feed/anomalies.ts";
import { testOnMigratedDatabases } from "../tests/helpers/databases.ts";
import { deleteAnomaliesBefore, insertAnomalies, listAnomalies } from "./anomalies.ts";
import { databaseQueries } from "./queries.ts";

const T1 = "2021-04-24T15:28:14.692530Z";
const T2 = "2021-04-24T15:28:29.692530Z";
const found: Anomaly[] = [
  { kind: "implausible", callsign: "SBI642", cid: 1_000_001, detail: "qnh", values: { qnh_mb: -6741 } },
  { kind: "implausible", callsign: "BAW122", cid: 1_000_002, detail: "gs", values: { groundspeed: 1224 } },
  { kind: "duplicate_callsign", callsign: "BAW2", cid: null, detail: "2 sessions", values: { cids: "1,2" } },
];

testOnMigratedDatabases(
  "anomalies: written once per snapshot, read newest first with filters, deleted by age",
  async (db) => {
    assert.equal(await insertAnomalies(db, T1, found), 3);
    // A redelivered snapshot adds nothing, a later one adds its own.
    assert.equal(await insertAnomalies(db, T1, found), 0);
    assert.equal(await insertAnomalies(db, T2, found.slice(0, 1)), 1);

    const all = await databaseQueries(db).anomalies({});
    assert.equal(all.total, 4);
    assert.equal(all.anomalies[0].at, T2);
    assert.deepEqual(all.anomalies[0].values, { qnh_mb: -6741 });
    const duplicate = all.anomalies.find((a) => a.kind === "duplicate_callsign");
    assert.equal(duplicate?.cid, null);

    assert.equal((await listAnomalies(db, { kind: "implausible" })).total, 3);
    assert.equal((await listAnomalies(db, { callsign: "BAW" })).total, 2);
    assert.equal((await listAnomalies(db, { from: "2021-04-24T15:28:20Z" })).total, 1);
    assert.equal((await listAnomalies(db, { to: "2021-04-24T15:28:20Z", limit: 1 })).anomalies.length, 1);

    assert.equal(await deleteAnomaliesBefore(db, new Date("2021-04-24T15:28:20Z")), 3);
    assert.equal((await listAnomalies(db, {})).total, 1);
  },
);

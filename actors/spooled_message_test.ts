import assert from "node:assert/strict";
import { diffSnapshots } from "../feed/diff.ts";
import { parseSnapshot, summariseSnapshot } from "../feed/parse_snapshot.ts";
import { snapshotChangesOf } from "../db/network.ts";
import { FIXTURES_DIR as FIXTURES } from "../tests/helpers/fixtures.ts";
import { decodeSpooled, encodeSpooled, spooledLabel, type SpooledMessage } from "./spooled_message.ts";

const fetch = { source: "replay:test.json", fetchedAt: 1_700_000_000_000, fetchMs: null, bytes: 3 };

Deno.test("a real snapshot's store message comes back from its spool bytes unchanged", async () => {
  const bytes = await Deno.readFile(FIXTURES + "vatsim-data_2021-04-09T1543Z_pair-a.json");
  const parsed = parseSnapshot(bytes);
  assert.ok(parsed.ok);
  const message: SpooledMessage = {
    kind: "store.snapshot",
    body: {
      fetch,
      summary: summariseSnapshot(parsed.snapshot),
      rejected: [{ section: "pilots", reason: "bad cid", raw: '{"cid":"x"}' }],
      rejectedTotal: 1,
      anomalies: [{
        kind: "teleport",
        callsign: "BAW1",
        cid: 1_000_001,
        detail: "moved 500 nm in 15 s",
        values: { distance_nm: 500, seconds: 15 },
      }],
      changes: snapshotChangesOf(diffSnapshots(null, parsed.snapshot)),
    },
  };
  assert.ok(message.body.changes.events.length > 1_000);
  const decoded = decodeSpooled(encodeSpooled(message));
  assert.ok(decoded.ok);
  assert.deepEqual(decoded.message, message);
  assert.equal(spooledLabel(message), "2021-04-09T15:43:09.863925Z");
});

Deno.test("a quarantined body keeps its raw bytes through the spool", () => {
  const raw = new Uint8Array([0, 1, 2, 250, 255]).buffer;
  const decoded = decodeSpooled(encodeSpooled({
    kind: "store.quarantine",
    body: { fetch, reason: "not a v3 snapshot", raw, updateTimestamp: null },
  }));
  assert.ok(decoded.ok && decoded.message.kind === "store.quarantine");
  assert.deepEqual(new Uint8Array(decoded.message.body.raw), new Uint8Array(raw));
  assert.equal(decoded.message.body.reason, "not a v3 snapshot");
});

Deno.test("a damaged spool file is refused with a reason, never thrown", () => {
  const damaged = [
    new TextEncoder().encode('{"kind":"store.snapshot","bo'),
    new TextEncoder().encode('{"kind":"store.ping","body":{}}'),
    new TextEncoder().encode('{"kind":"store.quarantine","body":{"raw":"@@"}}'),
  ];
  for (const bytes of damaged) {
    const decoded = decodeSpooled(bytes);
    assert.equal(decoded.ok, false);
    assert.ok(!decoded.ok && decoded.reason.length > 0);
  }
});

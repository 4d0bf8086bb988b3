import assert from "node:assert/strict";
import { diffSnapshots, type DiffState } from "../feed/diff.ts";
import { DiffSeedSchema, diffStateFromSeed } from "../feed/diff_seed.ts";
import { parseSnapshot } from "../feed/parse_snapshot.ts";
import { FeedModel } from "../sim/model.ts";
import { testOnMigratedDatabases } from "../tests/helpers/databases.ts";
import { FIXTURES } from "../tests/helpers/fixtures.ts";
import { PAIR_A, PAIR_B, replaySnapshot } from "../tests/helpers/replay.ts";
import { readDiffSeed } from "./diff_seed.ts";
import type { Database } from "./database.ts";

function snapshotOf(bytes: Uint8Array) {
  const parsed = parseSnapshot(bytes);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.snapshot;
}

/** The seed read back from the database, as the processor would get it through the bus. */
async function seededState(db: Database): Promise<DiffState> {
  const seed = await readDiffSeed(db);
  assert.ok(seed !== null);
  return diffStateFromSeed(DiffSeedSchema.parse(seed));
}

/**
 * Diffs `next` against both states and requires the same events. Their order may differ: a state's
 * sessions are in feed order, a seed's in the database's; the events of one snapshot are one set.
 */
function assertSameDiff(memory: DiffState, seeded: DiffState, next: Uint8Array, label: string) {
  const snapshot = snapshotOf(next);
  const inOrder = (state: DiffState) =>
    diffSnapshots(state, snapshot).events.map((e) => JSON.stringify(e)).sort();
  assert.deepEqual(inOrder(seeded), inOrder(memory), `${label}: events differ`);
}

testOnMigratedDatabases("nothing stored: no seed", async (db) => {
  assert.equal(await readDiffSeed(db), null);
});

testOnMigratedDatabases(
  "the seed after pair-a diffs pair-b into the same events as the state kept in memory",
  async (db) => {
    const a = await Deno.readFile(new URL(PAIR_A, FIXTURES));
    const b = await Deno.readFile(new URL(PAIR_B, FIXTURES));
    const memory = await replaySnapshot(db, a, "replay:a", null);
    const seeded = await seededState(db);
    assert.equal(seeded.updateTimestamp, memory.updateTimestamp);
    assert.equal(seeded.flights.size, memory.flights.size);
    assert.equal(seeded.controllers.size, memory.controllers.size);
    assertSameDiff(memory, seeded, b, "pair-a → pair-b");
  },
);

testOnMigratedDatabases(
  "at every step of a simulated hour and a half the seed diffs the next snapshot as the memory does",
  async (db) => {
    // A minute apart: sessions start and end, plans are revised, controllers change frequency and ATIS.
    const model = new FeedModel({ pilots: 300, seed: 11, cadenceMs: 60_000 });
    let memory: DiffState | null = null;
    let events = 0;
    for (let step = 0; step < 90; step++) {
      model.tick();
      const body = model.renderBytes();
      if (memory !== null) {
        assertSameDiff(memory, await seededState(db), body, `step ${step}`);
        events += diffSnapshots(memory, snapshotOf(body)).events.length;
      }
      memory = await replaySnapshot(db, body, `sim:${step}`, memory);
    }
    assert.ok(events > 100, `only ${events} events compared`);
  },
);

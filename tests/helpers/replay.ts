/**
 * Replays recorded (or simulated) snapshots into a migrated database in-process, the way the processor
 * and the store do it through the bus: parse, diff against the previous state, then the `snapshots` row
 * and the changes in one transaction. For tests of what is read back (db/queries.ts, routes/data.ts).
 */
import { diffSnapshots, type DiffState } from "../../feed/diff.ts";
import { parseSnapshot, summariseSnapshot } from "../../feed/parse_snapshot.ts";
import type { Database } from "../../db/database.ts";
import { snapshotChangesOf, snapshotChangesSchema, writeSnapshotChanges } from "../../db/network.ts";
import { insertSnapshot } from "../../db/snapshots.ts";
import { FIXTURES } from "./fixtures.ts";

export const PAIR_A = "vatsim-data_2021-04-09T1543Z_pair-a.json";
export const PAIR_B = "vatsim-data_2021-04-09T1619Z_pair-b.json";

/** Replays the fixture files in order; returns the diff state after the last one. */
export async function replayFixtures(
  db: Database,
  names: readonly string[],
  state: DiffState | null = null,
): Promise<DiffState | null> {
  for (const name of names) {
    state = await replaySnapshot(db, await Deno.readFile(new URL(name, FIXTURES)), `replay:${name}`, state);
  }
  return state;
}

/** Writes one feed body (a fixture, a simulator snapshot) after `state`; returns the state after it. */
export async function replaySnapshot(
  db: Database,
  bytes: Uint8Array,
  source: string,
  state: DiffState | null,
): Promise<DiffState> {
  const parsed = parseSnapshot(bytes);
  if (!parsed.ok) throw new Error(`${source}: ${parsed.reason}`);
  const diff = diffSnapshots(state, parsed.snapshot);
  const changes = snapshotChangesSchema.parse(snapshotChangesOf(diff));
  await db.transaction(async (tx) => {
    const outcome = await insertSnapshot(tx, {
      ...summariseSnapshot(parsed.snapshot),
      fetchedAt: new Date(),
      source,
      bytes: bytes.byteLength,
      fetchMs: null,
    });
    if (outcome === "stored") await writeSnapshotChanges(tx, changes);
  });
  return diff.state;
}

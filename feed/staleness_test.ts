import assert from "node:assert/strict";
import {
  initialStaleness,
  observeRepeat,
  observeSnapshot,
  type StalenessState,
  verdict,
} from "./staleness.ts";

/** Feed time `s` seconds after a fixed instant, in the normalised form. */
const ts = (s: number) => new Date(Date.UTC(2024, 0, 1) + s * 1000).toISOString().replace("Z", "000Z");

/** Feeds (feed second, pilots, wall ms) snapshots in order; returns the state and what was accepted. */
function run(snapshots: [number, number, number][], state = initialStaleness()) {
  const accepted: boolean[] = [];
  for (const [s, pilots, at] of snapshots) {
    const step = observeSnapshot(state, { updateTimestamp: ts(s), pilots, at });
    state = step.state;
    accepted.push(step.accepted);
  }
  return { state, accepted };
}

Deno.test("snapshots moving forward with a steady pilot count are fresh", () => {
  const { state, accepted } = run([[0, 1000, 0], [15, 1010, 15_000], [30, 990, 30_000]]);
  assert.deepEqual(accepted, [true, true, true]);
  assert.deepEqual(verdict(state), { stale: false });
  assert.deepEqual(state.good, { updateTimestamp: ts(30), pilots: 990 });
});

Deno.test("the same update_timestamp for more than two minutes of wall clock is stale, until a new one", () => {
  let state: StalenessState = run([[0, 1000, 0]]).state;
  for (let at = 15_000; at <= 120_000; at += 15_000) {
    state = observeRepeat(state, { updateTimestamp: ts(0), at });
  }
  assert.deepEqual(verdict(state), { stale: false }, "exactly two minutes is not yet stale");
  state = observeRepeat(state, { updateTimestamp: ts(0), at: 180_000 });
  assert.deepEqual(verdict(state), { stale: true, reason: "same update_timestamp for 180 s" });
  state = run([[195, 1000, 195_000]], state).state;
  assert.deepEqual(verdict(state), { stale: false });
});

Deno.test("a repeat reported before its snapshot arrives still starts the clock at the first sighting", () => {
  // The fetcher's repeat goes straight to the cache and can overtake the snapshot, which goes via the
  // processor; the snapshot's earlier fetch time then becomes the first sighting.
  let state = run([[0, 1000, 0]]).state;
  state = observeRepeat(state, { updateTimestamp: ts(15), at: 100_000 });
  state = run([[15, 1000, 15_000]], state).state;
  state = observeRepeat(state, { updateTimestamp: ts(15), at: 140_000 });
  assert.deepEqual(verdict(state), { stale: true, reason: "same update_timestamp for 125 s" });
  assert.equal(state.good?.updateTimestamp, ts(15));
});

Deno.test("a snapshot that goes back in time is refused and flagged; the last good one is kept", () => {
  const { state, accepted } = run([[0, 1000, 0], [30, 1000, 15_000], [15, 1000, 30_000]]);
  assert.deepEqual(accepted, [true, true, false]);
  assert.deepEqual(state.good, { updateTimestamp: ts(30), pilots: 1000 });
  assert.deepEqual(verdict(state), {
    stale: true,
    reason: `snapshot went back in time (${ts(15)} after ${ts(30)})`,
  });
  const later = run([[45, 1000, 45_000]], state);
  assert.deepEqual(later.accepted, [true]);
  assert.deepEqual(verdict(later.state), { stale: false });
});

Deno.test("a repeat of an older timestamp than the newest seen means the feed went back in time", () => {
  const state = observeRepeat(run([[0, 1000, 0], [15, 1000, 15_000]]).state, {
    updateTimestamp: ts(0),
    at: 30_000,
  });
  assert.deepEqual(verdict(state), {
    stale: true,
    reason: `snapshot went back in time (${ts(0)} after ${ts(15)})`,
  });
});

Deno.test("a redelivered snapshot is neither accepted again nor flagged", () => {
  const { state, accepted } = run([[0, 1000, 0], [0, 1000, 5_000]]);
  assert.deepEqual(accepted, [true, false]);
  assert.deepEqual(verdict(state), { stale: false });
});

Deno.test("a pilot count that collapses to zero, or by more than half from 100 or more, is refused", () => {
  const zero = run([[0, 40, 0], [15, 0, 15_000]]);
  assert.deepEqual(zero.accepted, [true, false]);
  assert.deepEqual(verdict(zero.state), {
    stale: true,
    reason: `pilot count collapsed from 40 to 0 at ${ts(15)}`,
  });
  assert.equal(zero.state.good?.pilots, 40);

  const half = run([[0, 2000, 0], [15, 999, 15_000]]);
  assert.deepEqual(half.accepted, [true, false]);
  assert.equal(half.state.good?.pilots, 2000);
  // Exactly half is not "more than half"; a small base is never judged by the half rule.
  assert.deepEqual(run([[0, 2000, 0], [15, 1000, 15_000]]).accepted, [true, true]);
  assert.deepEqual(run([[0, 99, 0], [15, 10, 15_000]]).accepted, [true, true]);
  // The next normal snapshot (compared with the last good one) clears the flag.
  const recovered = run([[30, 1950, 30_000]], half.state);
  assert.deepEqual(recovered.accepted, [true]);
  assert.deepEqual(verdict(recovered.state), { stale: false });
});

Deno.test("counts far apart in feed time are not compared, so a lasting fall is accepted in the end", () => {
  // The recorded fixtures: a 1,706-pilot Sunday in 2023, then 638 pilots on a morning in 2025.
  assert.deepEqual(run([[0, 1706, 0], [86_400 * 800, 638, 15_000]]).accepted, [true, true]);
  // 0 pilots for more than ten minutes of feed time becomes the state.
  let { state, accepted } = run([[0, 1000, 0]]);
  for (let s = 15; s <= 600; s += 15) ({ state } = run([[s, 0, s * 1000]], state));
  assert.equal(state.good?.pilots, 1000);
  ({ state, accepted } = run([[615, 0, 615_000]], state));
  assert.deepEqual(accepted, [true]);
  assert.deepEqual(verdict(state), { stale: false });
});

Deno.test("a feed whose clock ran hours fast and was set back is followed from the third snapshot on", () => {
  const hours = 20 * 3600;
  // Fast for two snapshots, then right again: three snapshots in a row behind, each newer than the last.
  const { state, accepted } = run([
    [0, 1000, 0],
    [hours + 15, 1000, 15_000],
    [hours + 30, 1000, 30_000],
    [45, 1000, 45_000],
    [60, 1000, 60_000],
    [75, 1000, 75_000],
    [90, 1000, 90_000],
  ]);
  assert.deepEqual(accepted, [true, true, true, false, false, true, true]);
  assert.deepEqual(state.good, { updateTimestamp: ts(90), pilots: 1000 });
  assert.deepEqual(verdict(state), { stale: false });
  // Its repeats are repeats of the present now, not a feed going back in time.
  const repeated = observeRepeat(state, { updateTimestamp: ts(90), at: 100_000 });
  assert.deepEqual(verdict(repeated), { stale: false });
});

Deno.test("stale copies between fresh snapshots never set the clock back", () => {
  // A lagging mirror answering every other poll: its copies advance too, but never three in a row.
  const { state, accepted } = run([
    [600, 1000, 0],
    [300, 1000, 15_000],
    [615, 1000, 30_000],
    [315, 1000, 45_000],
    [630, 1000, 60_000],
    [330, 1000, 75_000],
  ]);
  assert.deepEqual(accepted, [true, false, true, false, true, false]);
  assert.equal(state.good?.updateTimestamp, ts(630));
  // Nor do older snapshots that do not run forward (the same one again, or ever older ones).
  const backwards = run([[600, 1000, 0], [300, 1000, 1], [290, 1000, 2], [280, 1000, 3], [270, 1000, 4]]);
  assert.deepEqual(backwards.accepted, [true, false, false, false, false]);
});

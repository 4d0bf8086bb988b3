import assert from "node:assert/strict";
import fc from "fast-check";
import { RestartWindow } from "./restart_window.ts";

/** The obvious model: keep every restart; one is "in the window" while at most `period` old (OTP's rule). */
function referenceModel(intensity: number, periodMs: number) {
  const all: number[] = [];
  const inWindow = (now: number) => all.filter((t) => now - t <= periodMs).length;
  return {
    record(now: number): boolean {
      all.push(now);
      return !(inWindow(now) > intensity);
    },
    count: inWindow,
  };
}

/** Sorted timestamps on a grid of period / 20, so restarts often land exactly on the window boundary. */
const scenario = fc.record({
  intensity: fc.integer({ min: 0, max: 6 }),
  tenths: fc.integer({ min: 1, max: 100 }),
  steps: fc.array(fc.integer({ min: 0, max: 25 }), { maxLength: 60 }),
}).map(({ intensity, tenths, steps }) => {
  const periodMs = tenths * 10;
  let now = 0;
  const times = steps.map((step) => (now += step * tenths / 2));
  return { intensity, periodMs, times };
});

Deno.test("record() agrees with the reference model on any sorted sequence", () => {
  fc.assert(fc.property(scenario, ({ intensity, periodMs, times }) => {
    const window = new RestartWindow(intensity, periodMs);
    const model = referenceModel(intensity, periodMs);
    for (const now of times) {
      assert.equal(window.record(now), model.record(now), `restart at ${now}`);
      // What record() just kept is what count(now) sees, so this also bounds the memory.
      assert.equal(window.count(now), Math.min(model.count(now), intensity + 1));
      assert.ok(window.count(now) <= intensity + 1);
    }
  }));
});

Deno.test("record() agrees with the model on arbitrary real-valued times too", () => {
  const times = fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { maxLength: 40 });
  const params = fc.tuple(
    fc.integer({ min: 0, max: 4 }),
    fc.double({ min: 0.001, max: 1e5, noNaN: true }),
    times,
  );
  fc.assert(fc.property(params, ([intensity, periodMs, unsorted]) => {
    const window = new RestartWindow(intensity, periodMs);
    const model = referenceModel(intensity, periodMs);
    for (const now of unsorted.sort((a, b) => a - b)) assert.equal(window.record(now), model.record(now));
  }));
});

Deno.test("OTP default (1 in 5 s): a restart exactly one period old still counts", () => {
  const window = new RestartWindow(1, 5_000);
  assert.equal(window.record(0), true);
  assert.equal(window.record(5_000), false, "0 is exactly 5 s old: inside, so 2 restarts > 1");
  assert.equal(window.count(10_000), 1);
  assert.equal(window.record(10_001), true, "5000 is now 5001 ms old: outside");
});

Deno.test("intensity 0: every restart exceeds it", () => {
  const window = new RestartWindow(0, 1_000);
  assert.equal(window.record(0), false);
  assert.equal(window.record(10_000), false);
});

Deno.test("count() does not forget what record() needs, and reset() clears", () => {
  const window = new RestartWindow(2, 1_000);
  window.record(0);
  window.record(500);
  assert.equal(window.count(2_000), 0);
  assert.equal(window.count(1_000), 2, "a look into the future leaves the window intact");
  assert.equal(window.record(1_000), false);
  window.reset();
  assert.equal(window.count(1_000), 0);
  assert.equal(window.record(1_000), true);
});

Deno.test("bad arguments are refused", () => {
  assert.throws(() => new RestartWindow(-1, 1_000), RangeError);
  assert.throws(() => new RestartWindow(1.5, 1_000), RangeError);
  assert.throws(() => new RestartWindow(1, 0), RangeError);
  assert.throws(() => new RestartWindow(1, Number.NaN), RangeError);
});

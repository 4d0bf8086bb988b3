/** Fake timers for tests of timing logic: setTimeout, setInterval, Date and performance.now move only when told. */
// @ts-types="@types/sinonjs__fake-timers"
import FakeTimers from "@sinonjs/fake-timers";

export type FakeClock = ReturnType<typeof installFakeTime>;

export function installFakeTime() {
  return FakeTimers.withGlobal(globalThis).install({
    toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date", "performance"],
  });
}

/** Advances fake time in small steps until `done()` holds, letting in-process actors' microtasks run. */
export async function tickUntil(
  clock: FakeClock,
  what: string,
  done: () => boolean,
  maxMs = 60_000,
): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < 100_000 && !done(); i++) {
    if (performance.now() - start > maxMs) throw new Error(`fake time ran ${maxMs} ms without ${what}`);
    await clock.tickAsync(1);
  }
  if (!done()) throw new Error(`never saw ${what}`);
  return performance.now() - start;
}

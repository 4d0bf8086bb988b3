import assert from "node:assert/strict";
import fc from "fast-check";
import { Heartbeat } from "./heartbeat.ts";
import { installFakeTime } from "../tests/helpers/fake_time.ts";

/** A peer that answers each ping after `latencyMs`, until it goes silent at `silentFrom`. */
function run(intervalMs: number, silentFrom: number, latencyMs: number) {
  const clock = installFakeTime();
  try {
    let hungAt: number | null = null;
    let silentMs = 0;
    const beat: Heartbeat = new Heartbeat(intervalMs, {
      ping: () => {
        const sentAt = performance.now();
        if (sentAt + latencyMs < silentFrom) setTimeout(() => beat.pong(), latencyMs);
      },
      threadAlive: () => true,
      onHung: (ms) => {
        hungAt = performance.now();
        silentMs = ms;
      },
      onGone: () => assert.fail("the thread did not end"),
    });
    beat.start();
    // A peer that never goes silent is watched for 100 intervals.
    clock.tick((Number.isFinite(silentFrom) ? silentFrom : 90 * intervalMs) + 10 * intervalMs);
    beat.stop();
    return { hungAt, silentMs };
  } finally {
    clock.uninstall();
  }
}

Deno.test("a peer that stops answering is declared hung within two heartbeat intervals", () => {
  fc.assert(fc.property(
    fc.integer({ min: 20, max: 5_000 }),
    fc.integer({ min: 0, max: 100_000 }),
    fc.double({ min: 0, max: 0.4, noNaN: true }),
    (intervalMs, silentFrom, latencyShare) => {
      const latencyMs = Math.floor(intervalMs * latencyShare);
      const { hungAt } = run(intervalMs, silentFrom, latencyMs);
      assert.ok(hungAt !== null, "hang detected");
      assert.ok(
        hungAt - silentFrom <= 2 * intervalMs,
        `detected ${hungAt - silentFrom} ms after the silence`,
      );
    },
  ));
});

Deno.test("a peer that answers within half an interval is never declared hung", () => {
  fc.assert(fc.property(fc.integer({ min: 20, max: 5_000 }), fc.double({ min: 0, max: 0.49, noNaN: true }), (
    intervalMs,
    latencyShare,
  ) => {
    const { hungAt } = run(intervalMs, Infinity, Math.floor(intervalMs * latencyShare));
    assert.equal(hungAt, null);
  }));
});

Deno.test("a thread that ends is reported gone at the next tick, not as a hang", () => {
  const clock = installFakeTime();
  try {
    let alive = true;
    const events: string[] = [];
    const beat = new Heartbeat(100, {
      ping: () => setTimeout(() => beat.pong(), 1),
      threadAlive: () => alive,
      onHung: () => events.push("hung"),
      onGone: () => events.push(`gone at ${performance.now()}`),
    });
    beat.start();
    clock.tick(1_000);
    alive = false;
    clock.tick(1_000);
    assert.deepEqual(events, ["gone at 1025"]);
  } finally {
    clock.uninstall();
  }
});

Deno.test("a stall of the watching thread itself is not taken for the actor's silence", () => {
  const clock = installFakeTime();
  try {
    const hungAt: number[] = [];
    let answering = true;
    const beat: Heartbeat = new Heartbeat(100, {
      ping: () => answering && setTimeout(() => beat.pong(), 1),
      threadAlive: () => true,
      onHung: () => hungAt.push(performance.now()),
      onGone: () => assert.fail("the thread did not end"),
    });
    beat.start();
    clock.tick(1_000);
    // The watcher's thread is busy for 2 s: its timers fire once, late, when it is back.
    clock.jump(2_000);
    clock.tick(1_000);
    assert.deepEqual(hungAt, []);
    // A real hang is still caught, within two intervals of the last answer.
    answering = false;
    const silentFrom = performance.now();
    clock.tick(1_000);
    assert.equal(hungAt.length, 1);
    assert.ok(hungAt[0] - silentFrom <= 200, `caught ${hungAt[0] - silentFrom} ms after the silence`);
  } finally {
    clock.uninstall();
  }
});

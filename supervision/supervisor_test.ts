/** Supervisor timing and accounting under fake timers, with in-process ("inline") probe actors. */
import assert from "node:assert/strict";
import { ActorSystem } from "./system.ts";
import { ProbeProtocol } from "../tests/actors/probe.ts";
import { probe, tree } from "../tests/helpers/system.ts";
import { type FakeClock, installFakeTime, tickUntil } from "../tests/helpers/fake_time.ts";

// Loading the actor module once before the clock is faked keeps later dynamic imports synchronous-ish.
await import("../tests/actors/probe.ts");

const inline = (name: string, restart: "permanent" | "transient" = "permanent") =>
  probe(name, { isolation: "inline", heartbeatMs: 0, restart, config: { report: undefined } });

async function withFakeSystem(
  spec: Parameters<typeof tree>,
  body: (system: ActorSystem, clock: FakeClock, gaveUp: string[]) => Promise<void>,
): Promise<void> {
  const gaveUp: string[] = [];
  const system = new ActorSystem(tree(...spec), { onGiveUp: (r) => gaveUp.push(r), random: () => 0 });
  const clock = installFakeTime();
  try {
    const started = system.start();
    await clock.tickAsync(0);
    await started;
    await body(system, clock, gaveUp);
  } finally {
    const stopped = system.stop();
    await clock.runAllAsync();
    await stopped;
    clock.uninstall();
  }
}

const crash = (system: ActorSystem, name: string) =>
  system.ref(name, ProbeProtocol).tell("probe.throw", { message: "crash" });

Deno.test("restart delays grow as min·2^n, capped at max, and reset after a clean run", async () => {
  const backoff = { minMs: 100, maxMs: 500, randomFactor: 0, resetAfterMs: 10_000 };
  await withFakeSystem(
    // A period long enough for the check in parseTree; these crashes are never meant to give up.
    [[inline("a")], { backoff, intensity: 100, periodMs: 100_000 }],
    async (system, clock) => {
      const a = system.actor("a");
      // From the moment the supervisor recorded the crash (and scheduled the restart) to the new start.
      const nextDelay = async () => {
        crash(system, "a");
        await tickUntil(clock, "the crash", () => a?.status === "restarting");
        await tickUntil(clock, "the restart", () => a?.status === "running");
        return Date.now() - Date.parse(a?.health().lastRestartReasons[0].at ?? "");
      };
      const delays: number[] = [];
      for (let n = 1; n <= 5; n++) delays.push(await nextDelay());
      assert.deepEqual(delays, [100, 200, 400, 500, 500]);
      await clock.tickAsync(10_000); // a clean run as long as resetAfterMs
      assert.equal(await nextDelay(), 100);
    },
  );
});

Deno.test("more than `intensity` restarts in `period` make the root give up, stopping everything", async () => {
  const backoff = { minMs: 0, maxMs: 0, randomFactor: 0, resetAfterMs: 60_000 };
  await withFakeSystem([[inline("a"), inline("b")], { backoff, intensity: 2, periodMs: 5_000 }], async (
    system,
    clock,
    gaveUp,
  ) => {
    for (let n = 1; n <= 2; n++) {
      crash(system, "a");
      await tickUntil(
        clock,
        `restart ${n}`,
        () => system.actor("a")?.incarnation === n + 1 && system.actor("a")?.status === "running",
      );
    }
    crash(system, "a");
    await tickUntil(clock, "giving up", () => gaveUp.length === 1);
    assert.match(gaveUp[0], /more than 2 restarts in 5000 ms; last: a crashed in handle: Error: crash/);
    assert.equal(system.tree().status, "failed");
    assert.deepEqual(system.health().map((h) => h.status), ["stopped", "stopped"]);
  });
});

Deno.test("restarts older than the period no longer count", async () => {
  const backoff = { minMs: 0, maxMs: 0, randomFactor: 0, resetAfterMs: 60_000 };
  await withFakeSystem(
    [[inline("a")], { backoff, intensity: 1, periodMs: 5_000 }],
    async (system, clock, gaveUp) => {
      for (let n = 1; n <= 4; n++) {
        crash(system, "a");
        await tickUntil(
          clock,
          `restart ${n}`,
          () => system.actor("a")?.incarnation === n + 1 && system.actor("a")?.status === "running",
        );
        await clock.tickAsync(5_001);
      }
      assert.deepEqual(gaveUp, []);
    },
  );
});

Deno.test("manual restarts are recorded but never count toward intensity", async () => {
  const backoff = { minMs: 0, maxMs: 0, randomFactor: 0, resetAfterMs: 60_000 };
  await withFakeSystem(
    [[inline("a")], { backoff, intensity: 1, periodMs: 60_000 }],
    async (system, clock, gaveUp) => {
      for (let n = 0; n < 5; n++) {
        const restarted = system.control("a", "restart");
        await clock.tickAsync(1);
        assert.equal(await restarted, "running");
      }
      crash(system, "a"); // one automatic restart is within intensity 1
      await tickUntil(
        clock,
        "restart",
        () => system.actor("a")?.incarnation === 7 && system.actor("a")?.status === "running",
      );
      assert.deepEqual(gaveUp, []);
      const health = system.actor("a")?.health();
      assert.equal(health?.restarts, 6);
      assert.deepEqual(
        health?.lastRestartReasons.map((r) => r.manual),
        [false, true, true, true, true, true],
      );
    },
  );
});

Deno.test("a manually stopped child stays stopped until started, and messages wait for it", async () => {
  await withFakeSystem([[inline("a")]], async (system, clock) => {
    const stopped = system.control("a", "stop");
    await clock.tickAsync(1);
    assert.equal(await stopped, "stopped");
    system.ref("a", ProbeProtocol).tell("probe.add", { n: 5 });
    await clock.tickAsync(1_000);
    assert.equal(system.actor("a")?.health().mailbox.depth, 1);
    await assert.rejects(
      system.control("a", "start").then(() => system.control("a", "start")),
      /already running/,
    );
    const total = system.ref("a", ProbeProtocol).ask("probe.total", {}, { timeoutMs: 1_000 });
    await clock.tickAsync(1);
    assert.deepEqual(await total, { total: 5, adds: 1 });
    await assert.rejects(system.control("nobody", "restart"), /no actor or supervisor named nobody/);
  });
});

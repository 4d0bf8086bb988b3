/** OTP strategies and restart types, with every actor in its own real Worker. */
import assert from "node:assert/strict";
import { ProbeProtocol } from "./actors/probe.ts";
import { probe, tree, waitFor, withSystem } from "./helpers/system.ts";
import type { ActorSystem } from "../supervision/system.ts";

async function incarnations(system: ActorSystem, names: string[]): Promise<number[]> {
  return await Promise.all(names.map(async (name) => {
    const reply = await system.ref(name, ProbeProtocol).ask("probe.echo", { text: "" }, { timeoutMs: 2_000 });
    return reply.incarnation;
  }));
}

const settled = (system: ActorSystem) => () =>
  system.health().every((h) => h.status === "running") && system.tree().status === "running";

Deno.test("one_for_one restarts only the child that crashed", async () => {
  await withSystem(tree([probe("a"), probe("b"), probe("c")]), async ({ system, events }) => {
    events.length = 0;
    system.ref("b", ProbeProtocol).tell("probe.throw", { message: "b fails" });
    await waitFor("b restarted", () => system.actor("b")?.incarnation === 2 && settled(system)());
    assert.deepEqual(await incarnations(system, ["a", "b", "c"]), [1, 2, 1]);
    assert.deepEqual(events.map((e) => `${e.event} ${e.actor}`), ["started b"]);
  });
});

Deno.test("one_for_all restarts every child: survivors stop in reverse order, all start in order", async () => {
  await withSystem(tree([probe("a"), probe("b"), probe("c")], { strategy: "one_for_all" }), async (t) => {
    const { system, events } = t;
    events.length = 0;
    system.ref("b", ProbeProtocol).tell("probe.throw", { message: "b fails" });
    await waitFor("all restarted", () => system.actor("c")?.incarnation === 2 && settled(system)());
    assert.deepEqual(await incarnations(system, ["a", "b", "c"]), [2, 2, 2]);
    assert.deepEqual(events.map((e) => `${e.event} ${e.actor}`), [
      "stopped c",
      "stopped a",
      "started a",
      "started b",
      "started c",
    ]);
    const reasons = system.health().map((h) => h.lastRestartReasons[0]?.reason ?? "");
    assert.match(reasons[1], /crashed in handle: Error: b fails/);
    assert.match(reasons[0], /restarted with b \(one_for_all\)/);
  });
});

Deno.test("rest_for_one restarts the crashed child and those started after it", async () => {
  await withSystem(tree([probe("a"), probe("b"), probe("c")], { strategy: "rest_for_one" }), async (t) => {
    const { system, events } = t;
    events.length = 0;
    system.ref("b", ProbeProtocol).tell("probe.throw", { message: "b fails" });
    await waitFor("b and c restarted", () => system.actor("c")?.incarnation === 2 && settled(system)());
    assert.deepEqual(await incarnations(system, ["a", "b", "c"]), [1, 2, 2]);
    assert.deepEqual(events.map((e) => `${e.event} ${e.actor}`), ["stopped c", "started b", "started c"]);
  });
});

Deno.test("permanent children restart after a normal exit and after a crash", async () => {
  await withSystem(tree([probe("p", { restart: "permanent" })]), async ({ system }) => {
    const p = system.ref("p", ProbeProtocol);
    p.tell("probe.stop_self", {});
    await waitFor(
      "restart after normal exit",
      () => system.actor("p")?.incarnation === 2 && settled(system)(),
    );
    p.tell("probe.throw", { message: "crash" });
    await waitFor("restart after crash", () => system.actor("p")?.incarnation === 3 && settled(system)());
    const reasons = system.actor("p")?.health().lastRestartReasons.map((r) => r.reason);
    assert.deepEqual(reasons, ["crashed in handle: Error: crash", "normal exit"]);
  });
});

Deno.test("transient children restart only after an abnormal exit", async () => {
  await withSystem(
    tree([probe("t", { restart: "transient" }), probe("u", { restart: "transient" })]),
    async (t) => {
      const { system } = t;
      system.ref("t", ProbeProtocol).tell("probe.throw", { message: "crash" });
      await waitFor("t restarted", () => system.actor("t")?.incarnation === 2 && settled(system)());
      system.ref("u", ProbeProtocol).tell("probe.stop_self", {});
      await waitFor("u stopped", () => system.actor("u")?.status === "stopped");
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(system.actor("u")?.status, "stopped");
      assert.equal(system.actor("u")?.incarnation, 1);
      assert.equal(system.actor("u")?.health().restarts, 0);
    },
  );
});

Deno.test("temporary children are never restarted", async () => {
  await withSystem(
    tree([probe("x", { restart: "temporary" }), probe("y", { restart: "temporary" })]),
    async (t) => {
      const { system } = t;
      system.ref("x", ProbeProtocol).tell("probe.throw", { message: "crash" });
      system.ref("y", ProbeProtocol).tell("probe.stop_self", {});
      await waitFor("x failed", () => system.actor("x")?.status === "failed");
      await waitFor("y stopped", () => system.actor("y")?.status === "stopped");
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(system.actor("x")?.incarnation, 1);
      assert.equal(system.actor("y")?.incarnation, 1);
      assert.equal(system.tree().status, "running");
    },
  );
});

Deno.test("a nested supervisor that gives up is restarted by its parent, which counts it once", async () => {
  const spec = tree([
    probe("outside"),
    {
      type: "supervisor",
      name: "inner",
      intensity: 1,
      periodMs: 10_000,
      backoff: { minMs: 1, maxMs: 1, randomFactor: 0, resetAfterMs: 60_000 },
      children: [probe("worker")],
    },
  ]);
  await withSystem(spec, async ({ system, gaveUp }) => {
    const worker = system.ref("worker", ProbeProtocol);
    worker.tell("probe.throw", { message: "one" });
    await waitFor("first restart", () => system.actor("worker")?.incarnation === 2 && settled(system)());
    worker.tell("probe.throw", { message: "two" });
    // The second crash exceeds inner's intensity (1): inner stops and escalates; root restarts inner.
    await waitFor("inner restarted", () => system.actor("worker")?.incarnation === 3 && settled(system)());
    const inner = system.tree().children?.find((c) => c.name === "inner");
    assert.equal(inner?.restarts, 1);
    assert.equal(system.actor("outside")?.incarnation, 1);
    assert.deepEqual(gaveUp, []);
  });
});

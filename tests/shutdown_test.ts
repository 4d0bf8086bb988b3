/**
 * Stopping the actor system with real Workers: children stop one at a time in reverse start order (nested
 * supervisors included), queued messages are handled first, and a child that will not stop is terminated
 * after its shutdown time without holding up the others.
 */
import assert from "node:assert/strict";
import { ProbeProtocol } from "./actors/probe.ts";
import { probe, tree, waitFor, withSystem } from "./helpers/system.ts";

const SINK = "$sink";

Deno.test("the system stops children one at a time in reverse start order, nested supervisors included", async () => {
  // The first to stop take the longest to do so: were children stopped in parallel, the order would show it.
  const spec = tree([
    probe("a"),
    probe("b", { config: { stopDelayMs: 100 } }),
    {
      type: "supervisor",
      name: "inner",
      children: [probe("c", { config: { stopDelayMs: 200 } }), probe("d", { config: { stopDelayMs: 300 } })],
    },
    probe("e", { config: { stopDelayMs: 400 } }),
  ]);
  await withSystem(spec, async ({ system, events }) => {
    const order = () => events.map((e) => `${e.event} ${e.actor}`);
    assert.deepEqual(order(), ["started a", "started b", "started c", "started d", "started e"]);
    await system.stop();
    assert.deepEqual(order().slice(5), ["stopped e", "stopped d", "stopped c", "stopped b", "stopped a"]);
    assert.ok(system.health().every((h) => h.status === "stopped"));
    assert.equal(system.tree().status, "stopped");
    assert.equal(system.bus.deadLetters.total, 0);
  });
});

Deno.test("a child whose stop() spins is terminated after shutdownMs; the rest stop and it is a zombie until it ends", async () => {
  // The spin outlasts the shutdown time by far, so the kill cannot lose a race against a normal stop.
  // Heartbeats are off for the spinner: this is about the shutdown timeout, not hang detection.
  const spinner = probe("spinner", { shutdownMs: 300, heartbeatMs: 0, config: { stopSpinMs: 6_000 } });
  await withSystem(tree([probe("a"), spinner, probe("c")]), async ({ system, events }) => {
    events.length = 0;
    await system.stop();
    assert.deepEqual(events.map((e) => `${e.event} ${e.actor}`), ["stopped c", "stopped a"]);
    assert.ok(system.health().every((h) => h.status === "stopped"));

    const zombies = system.actor("spinner")?.health().zombies ?? [];
    assert.equal(zombies.length, 1, "the spinning thread is still running");
    assert.equal(zombies[0].incarnation, 1);
    assert.ok(zombies[0].threadId !== null, "the worker reported its OS thread id");
    assert.match(zombies[0].reason, /killed: did not stop within 300 ms/);
    assert.deepEqual(system.zombies.list().map((z) => z.actor), ["spinner"]);

    await waitFor("the zombie thread to end", () => system.zombies.list().length === 0, 30_000);
    // What the terminated incarnation did after its kill never reaches the system.
    assert.ok(!events.some((e) => e.actor === "spinner"));
  });
});

Deno.test("messages queued before the stop are handled, in order, before the actor stops", async () => {
  const count = 100;
  await withSystem(tree([probe("worker", { shutdownMs: 20_000 })]), async ({ system, events }) => {
    // The worker forwards each number to a main-thread service, so what it handled is seen from outside.
    const received: number[] = [];
    let receivedAfterStop = 0;
    system.bus.serve(SINK, ProbeProtocol, (message) => {
      if (message.kind !== "probe.add") return;
      received.push(message.body.n);
      if (events.some((e) => e.event === "stopped")) receivedAfterStop++;
    });
    const worker = system.ref("worker", ProbeProtocol);
    worker.tell("probe.sleep", { ms: 300 }); // keeps the rest queued when the stop begins
    for (let n = 1; n <= count; n++) worker.tell("probe.forward", { to: SINK, n });
    assert.equal(system.actor("worker")?.health().mailbox.depth, count + 1, "all queued at the stop");

    await system.stop();
    assert.deepEqual(received, Array.from({ length: count }, (_, i) => i + 1));
    assert.equal(receivedAfterStop, 0, "the actor stopped after handling its queue");
    assert.deepEqual(events.map((e) => `${e.event} ${e.actor}`), ["started worker", "stopped worker"]);
    assert.equal(system.actor("worker")?.health().mailbox.depth, 0);
    assert.equal(system.actor("worker")?.health().handled, count + 1);
    assert.equal(system.bus.deadLetters.total, 0);
  });
});

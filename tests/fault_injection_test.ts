/**
 * `$fault` messages with real Workers: obeyed only by a system made with `faults: true` (FAULT_INJECTION);
 * otherwise refused as a dead letter, so a stray or hostile `$fault` can never crash an actor.
 */
import assert from "node:assert/strict";
import { ProbeProtocol } from "./actors/probe.ts";
import { probe, tree, waitFor, withSystem } from "./helpers/system.ts";
import { envelope } from "../runtime/envelope.ts";

Deno.test("with fault injection off, a $fault is dead-lettered as unknown_kind and the actor keeps running", async () => {
  await withSystem(tree([probe("victim")]), async ({ system }) => {
    system.fault("victim", "throw");
    // The same envelope sent straight through the bus, as any sender could, is refused the same way.
    system.bus.route(envelope({
      kind: "$fault",
      id: "stray-fault",
      from: "$main",
      to: "victim",
      body: { kind: "exit" },
    }));
    await waitFor("both faults dead-lettered", () => system.bus.deadLetters.total === 2);
    for (const letter of system.bus.deadLetters.recent()) {
      assert.equal(letter.kind, "$fault");
      assert.equal(letter.reason, "unknown_kind");
      assert.equal(letter.to, "victim");
      assert.match(letter.detail, /victim has no message kind \$fault/);
    }
    const echo = await system.ref("victim", ProbeProtocol).ask("probe.echo", { text: "still here" }, {
      timeoutMs: 5_000,
    });
    assert.deepEqual(echo, { text: "still here", name: "victim", incarnation: 1 });
    const health = system.actor("victim")?.health();
    assert.equal(health?.restarts, 0);
    assert.equal(health?.status, "running");
  });
});

Deno.test("with fault injection on, a $fault throw crashes the actor and it restarts with the reason", async () => {
  await withSystem(tree([probe("victim")]), async ({ system }) => {
    system.fault("victim", "throw");
    await waitFor("the restart", () => {
      const h = system.actor("victim")?.health();
      return h?.incarnation === 2 && h.status === "running";
    });
    const health = system.actor("victim")?.health();
    assert.equal(health?.restarts, 1);
    assert.match(
      health?.lastRestartReasons[0]?.reason ?? "",
      /crashed in handle: Error: fault injection: throw/,
    );
    // The fault was the message being handled: it is not redelivered to the new incarnation.
    const dead = system.bus.deadLetters.recent();
    assert.deepEqual(dead.map((d) => `${d.kind} ${d.reason}`), ["$fault actor_failed"]);
    const echo = await system.ref("victim", ProbeProtocol).ask("probe.echo", { text: "back" }, {
      timeoutMs: 5_000,
    });
    assert.equal(echo.incarnation, 2);
  }, { faults: true });
});

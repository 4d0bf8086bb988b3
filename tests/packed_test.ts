/**
 * Packed bodies (runtime/packed.ts) between real workers: what arrives is what was sent, a worker that
 * dies with packed messages in flight gets them again (the main thread kept its copy), and a packed body
 * that cannot be read or does not pass its schema is a dead letter, not a crash.
 */
import assert from "node:assert/strict";
import { ProbeProtocol } from "./actors/probe.ts";
import { probe, tree, waitFor, withSystem } from "./helpers/system.ts";
import { envelope } from "../runtime/envelope.ts";

const payload = [1.5, -0, 'text with "quotes" and ✈', null, 2 ** 53 - 1, ""];

Deno.test("a packed body arrives intact from another worker and from the main thread", async () => {
  await withSystem(tree([probe("sender"), probe("receiver")]), async ({ system }) => {
    system.ref("sender", ProbeProtocol).tell("probe.forward_packed", { to: "receiver", n: 2, payload });
    const receiver = system.ref("receiver", ProbeProtocol);
    // The forward goes sender → main thread → receiver: ask until it has arrived.
    for (
      let tries = 0;
      (await receiver.ask("probe.seen", {}, { timeoutMs: 2_000 })).ns.length === 0;
      tries++
    ) {
      assert.ok(tries < 100, "the forwarded message never arrived");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.deepEqual(await receiver.ask("probe.last_payload", {}, { timeoutMs: 2_000 }), { payload });
    receiver.tell("probe.add_packed", { n: 3, payload: payload.slice(0, 2) });
    assert.deepEqual(await receiver.ask("probe.total", {}, { timeoutMs: 2_000 }), { total: 5, adds: 2 });
    assert.deepEqual(await receiver.ask("probe.last_payload", {}, { timeoutMs: 2_000 }), {
      payload: [1.5, -0],
    });
    assert.deepEqual(system.bus.deadLetters.recent(), []);
  });
});

Deno.test("packed messages in flight to a worker that hangs are redelivered to its replacement", async () => {
  await withSystem(tree([probe("worker", { heartbeatMs: 200 })]), async ({ system }) => {
    const worker = system.ref("worker", ProbeProtocol);
    worker.tell("probe.hang", { ms: 800 });
    for (let n = 1; n <= 5; n++) worker.tell("probe.add_packed", { n, payload: [n] });
    await waitFor("replacement", () => system.actor("worker")?.incarnation === 2);
    assert.deepEqual(await worker.ask("probe.seen", {}, { timeoutMs: 2_000 }), { ns: [1, 2, 3, 4, 5] });
    assert.deepEqual(await worker.ask("probe.last_payload", {}, { timeoutMs: 2_000 }), { payload: [5] });
    await waitFor("the zombie thread to end", () => system.zombies.list().length === 0, 5_000);
  });
});

Deno.test("a packed body that cannot be read, or fails its schema, is a dead letter and the actor runs on", async () => {
  await withSystem(tree([probe("strict")]), async ({ system }) => {
    const strict = system.ref("strict", ProbeProtocol);
    // deno-lint-ignore no-explicit-any
    (strict as any).tell("probe.add_packed", { n: "three", payload: [] });
    system.bus.route(envelope({
      kind: "probe.add_packed",
      id: "garbage-1",
      from: "$test",
      to: "strict",
      body: new Uint8Array([0xff, 0x0f, 0x42]).buffer,
      packed: true,
    }));
    strict.tell("probe.add_packed", { n: 4, payload: [] });
    assert.deepEqual(await strict.ask("probe.total", {}, { timeoutMs: 2_000 }), { total: 4, adds: 1 });
    const dead = system.bus.deadLetters.recent().map((d) => `${d.reason}: ${d.detail}`);
    assert.equal(dead.length, 2);
    assert.match(dead[0], /^invalid_body: .*n: .*number/);
    assert.match(dead[1], /^invalid_body: the packed body cannot be read/);
    assert.equal(system.actor("strict")?.health().restarts, 0);
  });
});

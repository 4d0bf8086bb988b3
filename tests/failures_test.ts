/**
 * Everything an actor can do wrong, done in a real Worker: each is caught, recorded as a restart reason,
 * and the actor comes back while this process (the test runner) stays up.
 */
import assert from "node:assert/strict";
import { ProbeProtocol } from "./actors/probe.ts";
import { probe, tree, waitFor, withSystem } from "./helpers/system.ts";
import type { ActorSystem } from "../supervision/system.ts";
import { AskFailedError, AskTimeoutError } from "../runtime/errors.ts";

async function expectRestart(system: ActorSystem, name: string, incarnation: number, reason: RegExp) {
  await waitFor(`${name} incarnation ${incarnation}`, () => {
    const h = system.actor(name)?.health();
    return h?.incarnation === incarnation && h.status === "running";
  });
  const health = system.actor(name)?.health();
  assert.match(health?.lastRestartReasons[0]?.reason ?? "", reason);
  const echo = await system.ref(name, ProbeProtocol).ask("probe.echo", { text: "back" }, {
    timeoutMs: 2_000,
  });
  assert.equal(echo.incarnation, incarnation);
}

Deno.test("a worker that throws, rejects, throws in a timer or exits is restarted with the reason", async () => {
  await withSystem(tree([probe("victim")]), async ({ system }) => {
    const victim = system.ref("victim", ProbeProtocol);
    victim.tell("probe.throw", { message: "thrown in handler" });
    await expectRestart(system, "victim", 2, /crashed in handle: Error: thrown in handler/);
    victim.tell("probe.reject", {});
    await expectRestart(system, "victim", 3, /crashed in rejection: Error: rejected outside any handler/);
    victim.tell("probe.timer_throw", {});
    await expectRestart(system, "victim", 4, /crashed in uncaught: .*thrown in a timer/);
    victim.tell("probe.exit", {});
    await expectRestart(system, "victim", 5, /worker exited/);
    assert.equal(system.actor("victim")?.health().restarts, 4);
  });
});

Deno.test("a worker stuck in a CPU loop is replaced and its thread is a zombie until it ends", async () => {
  await withSystem(tree([probe("spinner", { heartbeatMs: 200 })]), async ({ system }) => {
    // terminate() cannot stop this loop; it ends by itself after 1.5 s, which lets the zombie go away.
    system.ref("spinner", ProbeProtocol).tell("probe.hang", { ms: 1_500 });
    await expectRestart(system, "spinner", 2, /hung: no heartbeat for \d+ ms/);
    const zombies = system.actor("spinner")?.health().zombies ?? [];
    assert.equal(zombies.length, 1);
    assert.equal(zombies[0].incarnation, 1);
    assert.ok(zombies[0].threadId !== null, "the worker reported its OS thread id");
    await waitFor("the zombie thread to end", () => system.zombies.list().length === 0, 5_000);
  });
});

Deno.test("a handler that hangs is a poison message: dead-lettered, not redelivered; the rest is", async () => {
  await withSystem(tree([probe("worker", { heartbeatMs: 200 })]), async ({ system }) => {
    const worker = system.ref("worker", ProbeProtocol);
    worker.tell("probe.hang", { ms: 800 });
    for (let i = 1; i <= 5; i++) worker.tell("probe.add", { n: i });
    await waitFor("replacement", () => system.actor("worker")?.incarnation === 2);
    const total = await worker.ask("probe.total", {}, { timeoutMs: 2_000 });
    assert.deepEqual(total, { total: 15, adds: 5 }, "queued messages survive the restart");
    const dead = system.bus.deadLetters.recent().filter((d) => d.reason === "actor_failed");
    assert.equal(dead.length, 1);
    assert.equal(dead[0].kind, "probe.hang");
    await waitFor("the zombie thread to end", () => system.zombies.list().length === 0, 5_000);
  });
});

Deno.test("messages whose buffers move are not handed to a worker busy with another: a hang loses none", async () => {
  await withSystem(tree([probe("worker", { heartbeatMs: 200 })]), async ({ system }) => {
    const worker = system.ref("worker", ProbeProtocol);
    worker.tell("probe.hang", { ms: 800 });
    // Handed to the hung thread along with the hang, their buffers would have gone down with it.
    for (let i = 1; i <= 3; i++) {
      const bytes = new Uint8Array(1024).buffer;
      worker.tell("probe.add_bytes", { n: i, bytes }, { transfer: [bytes] });
    }
    await waitFor("replacement", () => system.actor("worker")?.incarnation === 2);
    assert.deepEqual(await worker.ask("probe.seen", {}, { timeoutMs: 2_000 }), { ns: [1, 2, 3] });
    const lost = system.bus.deadLetters.recent().filter((d) => d.reason === "lost_on_crash");
    assert.deepEqual(lost, []);
    await waitFor("the zombie thread to end", () => system.zombies.list().length === 0, 5_000);
  });
});

Deno.test("a message with a bad body or unknown kind goes to dead letters and the actor keeps running", async () => {
  await withSystem(tree([probe("strict")]), async ({ system }) => {
    const strict = system.ref("strict", ProbeProtocol);
    // deno-lint-ignore no-explicit-any
    const loose = strict as any; // sending what the types forbid is the point of this test
    loose.tell("probe.add", { n: "three" });
    loose.tell("probe.nonsense", {});
    await assert.rejects(
      loose.ask("probe.echo", { text: 42 }, { timeoutMs: 2_000 }),
      (e: unknown) => e instanceof AskFailedError && e.code === "invalid_body",
    );
    strict.tell("probe.add", { n: 3 });
    assert.deepEqual(await strict.ask("probe.total", {}, { timeoutMs: 2_000 }), { total: 3, adds: 1 });
    const reasons = system.bus.deadLetters.recent().map((d) => `${d.kind} ${d.reason}`);
    assert.deepEqual(reasons, [
      "probe.add invalid_body",
      "probe.nonsense unknown_kind",
      "probe.echo invalid_body",
    ]);
    assert.match(system.bus.deadLetters.recent()[0].detail, /n: .*number/);
    assert.equal(system.actor("strict")?.health().restarts, 0);
  });
});

Deno.test("an ask times out at its deadline; asks to unknown actors fail at once", async () => {
  await withSystem(tree([probe("slow")]), async ({ system }) => {
    const slow = system.ref("slow", ProbeProtocol);
    slow.tell("probe.sleep", { ms: 500 });
    await assert.rejects(slow.ask("probe.echo", { text: "late" }, { timeoutMs: 100 }), AskTimeoutError);
    await assert.rejects(
      system.ref("nobody", ProbeProtocol).ask("probe.echo", { text: "?" }, { timeoutMs: 1_000 }),
      (e: unknown) => e instanceof AskFailedError && e.code === "unknown_recipient",
    );
    // The late echo reaches the actor after its deadline and is dropped there, not answered.
    await waitFor(
      "deadline dead letter",
      () =>
        system.bus.deadLetters.recent().some((d) =>
          d.reason === "deadline_exceeded" && d.kind === "probe.echo"
        ),
    );
    await assert.rejects(
      slow.ask("probe.silent_ask", {}, { timeoutMs: 1_000 }),
      (e: unknown) => e instanceof AskFailedError && e.code === "no_reply",
    );
  });
});

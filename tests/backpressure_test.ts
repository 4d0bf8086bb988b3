/**
 * Mailbox overflow policies with real Workers. Under `backpressure` a sending actor is held while the
 * receiver is full and resumes when there is room, losing nothing; the dropping policies lose messages
 * on purpose, and every one they lose is a dead letter with the reason.
 */
import assert from "node:assert/strict";
import { ProbeProtocol } from "./actors/probe.ts";
import { probe, tree, waitFor, withSystem } from "./helpers/system.ts";
import type { ActorSystem } from "../supervision/system.ts";
import type { OverflowPolicy } from "../runtime/mailbox.ts";
import { AskFailedError } from "../runtime/errors.ts";

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Records every hold and resume the bus passes on, as `sender->target hold|resume`. */
function recordFlow(system: ActorSystem): string[] {
  const flow: string[] = [];
  const pass = system.bus.flow.bind(system.bus);
  system.bus.flow = (sender, target, hold) => {
    flow.push(`${sender}->${target} ${hold ? "hold" : "resume"}`);
    pass(sender, target, hold);
  };
  return flow;
}

async function seen(system: ActorSystem, name: string): Promise<number[]> {
  const reply = await system.ref(name, ProbeProtocol).ask("probe.seen", {}, { timeoutMs: 5_000 });
  return reply.ns;
}

/** A consumer whose probe.add follows `policy` in a small mailbox, taking its messages one at a time. */
const consumer = (policy: OverflowPolicy, options: { addDelayMs?: number; capacity?: number } = {}) =>
  probe("consumer", {
    prefetch: 1,
    mailbox: { capacity: options.capacity ?? 4, kinds: { "probe.add": policy } },
    config: { addDelayMs: options.addDelayMs ?? 0 },
  });

Deno.test("backpressure holds a sending actor instead of losing messages; all arrive once, in order", async () => {
  const count = 200;
  // A hold is not a credit: a held actor still sends for the messages it already has (up to its prefetch),
  // and those must fit the parking area (as large as the mailbox). Hence the producer's small prefetch;
  // with the default (32) and this mailbox of 10, about half of the 200 end as backpressure_overflow.
  // The consumer takes 2 ms per message, so its mailbox fills and the producer is held many times.
  const spec = tree([
    probe("producer", { prefetch: 4 }),
    consumer("backpressure", { addDelayMs: 2, capacity: 10 }),
  ]);
  await withSystem(spec, async ({ system }) => {
    const flow = recordFlow(system);
    const producer = system.ref("producer", ProbeProtocol);
    for (let n = 1; n <= count; n++) producer.tell("probe.forward", { to: "consumer", n });
    await waitFor(
      "every message handled",
      () => system.actor("consumer")?.health().handled === count,
      30_000,
    );

    assert.deepEqual(await seen(system, "consumer"), range(1, count));
    assert.equal(system.bus.deadLetters.total, 0, JSON.stringify(system.bus.deadLetters.recent()));
    assert.ok(flow.includes("producer->consumer hold"), "the producer was held");
    assert.equal(flow.at(-1), "producer->consumer resume", "and let go again");
    assert.equal(
      flow.filter((f) => f.endsWith("hold")).length,
      flow.filter((f) => f.endsWith("resume")).length,
    );
    assert.deepEqual(system.actor("consumer")?.health().mailbox, { depth: 0, capacity: 10, parked: 0 });
    // Nothing was lost on the producer's side either: it forwarded everything it was given.
    assert.equal(system.actor("producer")?.health().handled, count);
  });
});

Deno.test("backpressure toward a sender that cannot be held: past the parking area, backpressure_overflow", async () => {
  // The main thread is not an actor: being held means nothing to it, so it overruns the parking area.
  await withSystem(tree([consumer("backpressure")]), async ({ system }) => {
    const target = system.ref("consumer", ProbeProtocol);
    for (let n = 1; n <= 10; n++) target.tell("probe.add", { n }); // all offered before the first delivery
    await waitFor("the queue handled", () => system.actor("consumer")?.health().handled === 8);
    // 4 queued and 4 parked; the other 2 refused.
    assert.deepEqual(await seen(system, "consumer"), range(1, 8));
    const dead = system.bus.deadLetters.recent();
    assert.equal(dead.length, 2);
    assert.ok(dead.every((d) => d.reason === "backpressure_overflow" && d.kind === "probe.add"));
    assert.match(dead[0].detail, /parking area full \(capacity 4\)/);
  });
});

Deno.test("drop_oldest makes room by dropping the oldest of the kind, as dead letters with the reason", async () => {
  await withSystem(tree([consumer("drop_oldest")]), async ({ system }) => {
    const target = system.ref("consumer", ProbeProtocol);
    for (let n = 1; n <= 10; n++) target.tell("probe.add", { n });
    await waitFor("the queue handled", () => system.actor("consumer")?.health().handled === 4);
    assert.deepEqual(await seen(system, "consumer"), range(7, 10), "the newest data wins");
    const dead = system.bus.deadLetters.recent();
    assert.equal(dead.length, 6);
    for (const letter of dead) {
      assert.equal(letter.reason, "mailbox_full");
      assert.equal(letter.kind, "probe.add");
      assert.match(letter.detail, /dropped as the oldest of its kind/);
    }
    assert.deepEqual(system.bus.deadLetters.counts(), { mailbox_full: 6 });
  });
});

Deno.test("drop_newest drops what arrives at a full mailbox; fail also answers an asker at once", async () => {
  await withSystem(tree([consumer("drop_newest")]), async ({ system }) => {
    const target = system.ref("consumer", ProbeProtocol);
    for (let n = 1; n <= 10; n++) target.tell("probe.add", { n });
    // The mailbox is still full of adds: an ask of a kind with the default policy (fail) is refused now,
    // long before its deadline.
    await assert.rejects(
      target.ask("probe.echo", { text: "hello" }, { timeoutMs: 60_000 }),
      (e: unknown) => e instanceof AskFailedError && e.code === "mailbox_full",
    );
    await waitFor("the queue handled", () => system.actor("consumer")?.health().handled === 4);
    assert.deepEqual(await seen(system, "consumer"), range(1, 4), "the oldest data wins");
    const dead = system.bus.deadLetters.recent();
    assert.deepEqual(dead.map((d) => `${d.kind} ${d.reason}`), [
      ...range(5, 10).map(() => "probe.add mailbox_full"),
      "probe.echo mailbox_full",
    ]);
    assert.ok(dead.every((d) => /mailbox full \(capacity 4\)/.test(d.detail)));
  });
});

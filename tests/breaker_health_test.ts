/**
 * A circuit breaker used by an actor in a real Worker: its state reaches the actor's health through the
 * heartbeat, and an open breaker refusing a call is not a crash (no restart, nothing toward intensity).
 */
import assert from "node:assert/strict";
import { ProbeProtocol } from "./actors/probe.ts";
import { probe, tree, waitFor, withSystem } from "./helpers/system.ts";
import { AskFailedError } from "../runtime/errors.ts";

Deno.test("an actor's breaker shows in its health; an open breaker's refusal is not a crash", async () => {
  await withSystem(tree([probe("guarded")]), async ({ system }) => {
    const guarded = system.ref("guarded", ProbeProtocol);
    const health = () => system.actor("guarded")?.health();
    assert.deepEqual(await guarded.ask("probe.guarded", { fail: false }, { timeoutMs: 5_000 }), {
      outcome: "ok",
    });
    await waitFor("the breaker in health", () => health()?.breaker?.state === "closed");

    // One failure opens it (maxFailures 1); the actor handles that failure itself.
    assert.deepEqual(await guarded.ask("probe.guarded", { fail: true }, { timeoutMs: 5_000 }), {
      outcome: "failed",
    });
    await waitFor("the open breaker in health", () => health()?.breaker?.state === "open");
    const open = health();
    assert.equal(open?.breakers.length, 1);
    assert.deepEqual(open?.breakers[0], open?.breaker);
    assert.equal(open?.breaker?.name, "io");
    assert.equal(open?.breaker?.opens, 1);
    assert.match(open?.breaker?.lastFailure ?? "", /io down/);
    assert.ok((open?.breaker?.nextTrialInMs ?? 0) > 0);

    // While open, the call is refused: the asker gets circuit_open, a teller gets nothing, no one crashes.
    await assert.rejects(
      guarded.ask("probe.guarded", { fail: false }, { timeoutMs: 5_000 }),
      (e: unknown) =>
        e instanceof AskFailedError && e.code === "circuit_open" && /breaker io is open/.test(e.message),
    );
    guarded.tell("probe.guarded", { fail: false });
    const echo = await guarded.ask("probe.echo", { text: "alive" }, { timeoutMs: 5_000 });
    assert.equal(echo.incarnation, 1);

    const after = health();
    assert.equal(after?.restarts, 0);
    assert.equal(after?.status, "running");
    assert.equal(after?.incarnation, 1);
    assert.equal(after?.breaker?.state, "open", "the breaker survived: the actor was never restarted");
    assert.equal(system.tree().intensity?.recent, 0);
    const { metrics } = system.bus;
    await waitFor(
      "metrics of both refusals",
      () => metrics.get("messages_failed_total", { actor: "guarded", reason: "circuit_open" }) === 2,
    );
    assert.equal(
      metrics.get("breaker_transitions_total", { actor: "guarded", breaker: "io", to: "open" }),
      1,
    );
    // The refused ask was answered once: a second answer (no_reply) would be a no_pending_ask dead letter.
    assert.equal(system.bus.deadLetters.total, 0, JSON.stringify(system.bus.deadLetters.recent()));
  });
});

Deno.test("a breaker reset by hand closes it at once; an unknown breaker's reset is a dead letter", async () => {
  await withSystem(tree([probe("guarded")]), async ({ system }) => {
    const guarded = system.ref("guarded", ProbeProtocol);
    const health = () => system.actor("guarded")?.health();
    assert.deepEqual(await guarded.ask("probe.guarded", { fail: true }, { timeoutMs: 5_000 }), {
      outcome: "failed",
    });
    await waitFor("the open breaker in health", () => health()?.breaker?.state === "open");

    // Its reset timeout is a minute: only the reset can close it this soon.
    system.resetBreaker("guarded", "io");
    assert.deepEqual(await guarded.ask("probe.guarded", { fail: false }, { timeoutMs: 5_000 }), {
      outcome: "ok",
    });
    await waitFor("the closed breaker in health", () => health()?.breaker?.state === "closed");
    assert.equal(health()?.restarts, 0);

    system.resetBreaker("guarded", "nope");
    await waitFor("the unknown breaker's reset dead-lettered", () => system.bus.deadLetters.total === 1);
    const [dead] = system.bus.deadLetters.recent();
    assert.equal(dead.reason, "invalid_body");
    assert.match(dead.detail, /guarded has no breaker nope/);
    assert.throws(() => system.resetBreaker("nobody", "io"), /no actor named nobody/);
  });
});

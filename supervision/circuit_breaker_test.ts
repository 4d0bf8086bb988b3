import assert from "node:assert/strict";
// @ts-types="@types/sinonjs__fake-timers"
import FakeTimers from "@sinonjs/fake-timers";
import {
  type BreakerOptionsInput,
  CallTimeoutError,
  CircuitBreaker,
  CircuitOpenError,
} from "./circuit_breaker.ts";

type Clock = ReturnType<typeof FakeTimers.install>;
const toFake = ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date", "performance"] as const;

/** A test under a fake clock that is always uninstalled, failing if the test left a timer behind. */
function clockTest(name: string, body: (clock: Clock) => Promise<void>): void {
  Deno.test(name, async () => {
    const clock = FakeTimers.withGlobal(globalThis).install({ toFake: [...toFake] });
    try {
      await body(clock);
      assert.equal(clock.countTimers(), 0, "a timer was left running");
    } finally {
      clock.uninstall();
    }
  });
}

const boom = () => Promise.reject(new Error("boom"));
const ok = () => Promise.resolve("ok");
const options = { maxFailures: 3, callTimeoutMs: 1_000, resetTimeoutMs: 10_000, maxResetTimeoutMs: 50_000 };
const isOpenError = (remainingMs: number) => (error: unknown) =>
  error instanceof CircuitOpenError && error.remainingMs === remainingMs && error.breaker === "feed";

/** Every transition as "from->to", checking that each listener sees the state after the change. */
function recordTransitions(breaker: CircuitBreaker): string[] {
  const seen: string[] = [];
  breaker.onTransition((from, to, snapshot) => {
    assert.equal(snapshot.state, to);
    seen.push(`${from}->${to}`);
  });
  return seen;
}

async function failTimes(breaker: CircuitBreaker, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await assert.rejects(breaker.call(boom), /boom/);
}

async function openedBreaker(extra: BreakerOptionsInput = {}, rng?: () => number): Promise<CircuitBreaker> {
  const breaker = new CircuitBreaker("feed", { ...options, ...extra }, rng);
  await failTimes(breaker, 3);
  assert.equal(breaker.snapshot().state, "open");
  return breaker;
}

clockTest("closed: consecutive failures open it; a success resets the count", async () => {
  const breaker = new CircuitBreaker("feed", options);
  const seen = recordTransitions(breaker);
  await failTimes(breaker, 2);
  assert.equal(breaker.snapshot().failures, 2);
  assert.equal(await breaker.call(ok), "ok");
  assert.equal(breaker.snapshot().failures, 0);
  await failTimes(breaker, 2);
  assert.equal(breaker.snapshot().state, "closed");
  await assert.rejects(breaker.call(() => Promise.resolve(JSON.parse("{"))), SyntaxError); // a sync throw too
  const { lastFailure, ...rest } = breaker.snapshot();
  const expected = {
    state: "open",
    failures: 3,
    nextTrialInMs: 10_000,
    opens: 1,
    lastTransitionAt: Date.now(),
  };
  assert.deepEqual(rest, { ...expected, name: "feed", currentResetTimeoutMs: 10_000 });
  assert.match(lastFailure ?? "", /^SyntaxError/);
  assert.deepEqual(seen, ["closed->open"]);
});

clockTest(
  "closed: a call timeout is a failure, rejects with CallTimeoutError and aborts the signal",
  async (clock) => {
    const breaker = new CircuitBreaker("feed", { ...options, maxFailures: 2 });
    const signals: AbortSignal[] = [];
    const hang = (signal: AbortSignal) => {
      signals.push(signal);
      return new Promise<string>((resolve) => signal.addEventListener("abort", () => resolve("too late")));
    };
    await failTimes(breaker, 1);
    const rejected = assert.rejects(breaker.call(hang), new CallTimeoutError("feed", 1_000));
    await clock.tickAsync(999);
    assert.equal(signals[0].aborted, false);
    await clock.tickAsync(1);
    await rejected;
    assert.ok(signals[0].reason instanceof CallTimeoutError);
    assert.equal(breaker.snapshot().state, "open", "the timeout was the second consecutive failure");
  },
);

clockTest("open: calls fail fast with the time left, without running", async (clock) => {
  const breaker = await openedBreaker();
  await clock.tickAsync(4_000);
  let ran = false;
  await assert.rejects(breaker.call(() => Promise.resolve(ran = true)), isOpenError(6_000));
  assert.equal(ran, false);
  assert.equal(breaker.snapshot().nextTrialInMs, 6_000);
  assert.throws(() => breaker.guard(), isOpenError(6_000));
});

clockTest("half-open: entered lazily after resetTimeout; exactly one trial goes through", async (clock) => {
  const breaker = await openedBreaker();
  const seen = recordTransitions(breaker);
  await clock.tickAsync(9_999);
  assert.equal(breaker.snapshot().state, "open");
  await clock.tickAsync(1);
  assert.deepEqual(seen, [], "no background timer: nothing happens until someone looks");
  assert.equal(breaker.snapshot().state, "half-open");
  assert.deepEqual(seen, ["open->half-open"]);
  assert.equal(breaker.snapshot().nextTrialInMs, null);
  const trial = Promise.withResolvers<string>();
  const first = breaker.call(() => trial.promise);
  await assert.rejects(breaker.call(ok), isOpenError(0));
  assert.throws(() => breaker.guard(), isOpenError(0));
  trial.resolve("trial ok");
  assert.equal(await first, "trial ok");
  assert.equal(breaker.snapshot().state, "closed");
  assert.deepEqual(seen, ["open->half-open", "half-open->closed"]);
});

clockTest("half-open: a failed trial re-opens with the timeout × factor, capped at max", async (clock) => {
  const breaker = await openedBreaker();
  const seen = recordTransitions(breaker);
  let waited = 10_000;
  for (const timeout of [20_000, 40_000, 50_000, 50_000]) {
    await clock.tickAsync(waited);
    await assert.rejects(breaker.call(boom), /boom/);
    assert.equal(breaker.snapshot().currentResetTimeoutMs, timeout);
    assert.equal(breaker.snapshot().nextTrialInMs, timeout);
    waited = timeout;
  }
  assert.equal(breaker.snapshot().opens, 5);
  await clock.tickAsync(49_999);
  assert.equal(breaker.snapshot().state, "open");
  await clock.tickAsync(1);
  assert.equal(await breaker.call(ok), "ok");
  assert.equal(breaker.snapshot().currentResetTimeoutMs, 10_000, "closing restores the initial timeout");
  assert.equal(seen.filter((t) => t === "half-open->open").length, 4);
  assert.equal(seen.length, 10, "each transition is reported once");
});

clockTest("half-open: jitter multiplies the grown timeout, as in Pekko", async (clock) => {
  const breaker = await openedBreaker({ randomFactor: 0.2 }, () => 0.5);
  assert.equal(breaker.snapshot().currentResetTimeoutMs, 10_000, "the first opening has no jitter");
  await clock.tickAsync(10_000);
  await assert.rejects(breaker.call(boom), /boom/);
  assert.equal(breaker.snapshot().currentResetTimeoutMs, 10_000 * 2 * 1.1);
  await clock.tickAsync(23_000);
  await assert.rejects(breaker.call(boom), /boom/);
  assert.equal(breaker.snapshot().currentResetTimeoutMs, 10_000 * 2 * 1.1 * 2 * 1.1);
});

clockTest("half-open: a trial that times out, or never reports after guard(), re-opens it", async (clock) => {
  const breaker = await openedBreaker();
  await clock.tickAsync(10_000);
  // It never settles, and takes the signal's onabort for itself: the caller must still get its timeout.
  const hang = (signal: AbortSignal) => new Promise(() => signal.onabort = () => {});
  const rejected = assert.rejects(breaker.call(hang), CallTimeoutError);
  await clock.tickAsync(1_000);
  await rejected;
  assert.equal(breaker.snapshot().currentResetTimeoutMs, 20_000);
  await clock.tickAsync(20_000);
  breaker.guard();
  await clock.tickAsync(999);
  assert.equal(breaker.snapshot().state, "half-open");
  await clock.tickAsync(1);
  assert.equal(breaker.snapshot().state, "open");
  assert.equal(breaker.snapshot().currentResetTimeoutMs, 40_000);
});

clockTest("isFailure: an error it declines is rethrown but counts as success", async (clock) => {
  const breaker = new CircuitBreaker("feed", options);
  class NotFound extends Error {}
  const isFailure = (error: unknown) => !(error instanceof NotFound);
  await failTimes(breaker, 2);
  await assert.rejects(breaker.call(() => Promise.reject(new NotFound("404")), { isFailure }), NotFound);
  assert.equal(breaker.snapshot().failures, 0);
  await failTimes(breaker, 2);
  await assert.rejects(breaker.call(boom, { isFailure }), /boom/);
  assert.equal(breaker.snapshot().state, "open");
  await clock.tickAsync(10_000);
  await assert.rejects(breaker.call(() => Promise.reject(new NotFound("404")), { isFailure }), NotFound);
  assert.equal(breaker.snapshot().state, "closed", "as a trial it closes the breaker");
});

clockTest("reset(): closed, failures 0, the initial reset timeout", async (clock) => {
  const breaker = await openedBreaker();
  await clock.tickAsync(10_000);
  await assert.rejects(breaker.call(boom), /boom/);
  const seen = recordTransitions(breaker);
  breaker.reset();
  const { state, failures, currentResetTimeoutMs } = breaker.snapshot();
  assert.deepEqual({ state, failures, currentResetTimeoutMs }, {
    state: "closed",
    failures: 0,
    currentResetTimeoutMs: 10_000,
  });
  breaker.reset();
  assert.deepEqual(seen, ["open->closed"], "resetting a closed breaker is no transition");
  assert.equal(await breaker.call(ok), "ok");
});

clockTest(
  "listeners: one that throws does not break the breaker; unsubscribe stops events",
  async (clock) => {
    const breaker = new CircuitBreaker("feed", options);
    breaker.onTransition(() => {
      throw new Error("listener bug");
    });
    const seen: string[] = [];
    const unsubscribe = breaker.onTransition((_from, to) => seen.push(to));
    await failTimes(breaker, 3);
    unsubscribe();
    await clock.tickAsync(10_000);
    assert.equal(await breaker.call(ok), "ok");
    assert.deepEqual(seen, ["open"]);
    assert.equal(breaker.snapshot().state, "closed");
  },
);

clockTest("guard/succeed/fail: callers doing their own I/O drive the same states", async (clock) => {
  const breaker = new CircuitBreaker("store", options);
  for (let i = 0; i < 3; i++) {
    breaker.guard();
    breaker.fail(new Error("db down"));
  }
  assert.equal(breaker.snapshot().lastFailure, "Error: db down");
  breaker.succeed(); // a late report while open changes nothing
  assert.equal(breaker.snapshot().state, "open");
  await clock.tickAsync(10_000);
  breaker.guard();
  assert.throws(() => breaker.guard(), CircuitOpenError);
  breaker.succeed();
  assert.equal(breaker.snapshot().state, "closed");
});

clockTest("an outcome of a call begun before the last state change is ignored", async (clock) => {
  const breaker = new CircuitBreaker("feed", { ...options, callTimeoutMs: 60_000 });
  const slow = Promise.withResolvers<string>();
  const late = breaker.call(() => slow.promise);
  await failTimes(breaker, 3);
  await clock.tickAsync(10_000);
  assert.equal(breaker.snapshot().state, "half-open");
  slow.resolve("late");
  assert.equal(await late, "late");
  assert.equal(breaker.snapshot().state, "half-open", "only the trial may close it");
});

Deno.test("options are validated, with defaults", () => {
  assert.throws(() => new CircuitBreaker("x", { maxFailures: 0 }));
  assert.throws(() => new CircuitBreaker("x", { randomFactor: 1.5 }));
  assert.throws(() => new CircuitBreaker("x", { exponentialBackoffFactor: 0.5 }));
  const timeouts = { callTimeoutMs: 10_000, resetTimeoutMs: 30_000, maxResetTimeoutMs: 300_000 };
  const expected = { maxFailures: 5, exponentialBackoffFactor: 2, randomFactor: 0, ...timeouts };
  assert.deepEqual(new CircuitBreaker("x").options, expected);
});

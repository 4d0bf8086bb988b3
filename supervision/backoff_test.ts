import assert from "node:assert/strict";
import fc from "fast-check";
import {
  Backoff,
  backoffDelay,
  type BackoffOptions,
  BackoffOptionsSchema,
  crashLoopSpanMs,
} from "./backoff.ts";

const optionsArb: fc.Arbitrary<BackoffOptions> = fc.record({
  minMs: fc.integer({ min: 0, max: 10_000 }),
  span: fc.integer({ min: 0, max: 10_000_000 }),
  randomFactor: fc.double({ min: 0, max: 1, noNaN: true }),
  resetAfterMs: fc.integer({ min: 1, max: 1_000_000 }),
}).map(({ minMs, span, ...rest }) => ({ minMs, maxMs: minMs + span, ...rest }));
const randomArb = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
const attemptArb = fc.oneof(fc.nat({ max: 80 }), fc.nat());

Deno.test("backoffDelay is non-decreasing in attempt for a fixed random value", () => {
  fc.assert(fc.property(optionsArb, randomArb, attemptArb, attemptArb, (options, r, a, b) => {
    const [low, high] = a <= b ? [a, b] : [b, a];
    assert.ok(backoffDelay(low, options, () => r) <= backoffDelay(high, options, () => r));
  }));
});

Deno.test("backoffDelay stays within [0, maxMs], even for huge attempts", () => {
  const huge = fc.constantFrom(1_023, 1_024, 1_075, 1e6, Number.MAX_SAFE_INTEGER);
  fc.assert(fc.property(optionsArb, randomArb, fc.oneof(attemptArb, huge), (options, r, attempt) => {
    const delay = backoffDelay(attempt, options, () => r);
    assert.ok(Number.isFinite(delay) && delay >= 0 && delay <= options.maxMs, `${delay}`);
  }));
});

Deno.test("without jitter backoffDelay is min·2^n, capped at max", () => {
  fc.assert(fc.property(optionsArb, fc.nat({ max: 80 }), (options, n) => {
    const exact = options.minMs * 2 ** n;
    const expected = exact <= options.maxMs ? exact : options.maxMs;
    assert.equal(backoffDelay(n, { ...options, randomFactor: 0 }), expected);
    assert.equal(backoffDelay(n, options, () => 0), expected);
  }));
});

Deno.test("jitter adds up to randomFactor on top, and never passes max", () => {
  const options = BackoffOptionsSchema.parse({ minMs: 100, maxMs: 1_000, randomFactor: 0.5 });
  assert.equal(backoffDelay(0, options, () => 0.5), 125);
  assert.equal(backoffDelay(2, options, () => 0.99), 598);
  assert.equal(backoffDelay(3, options, () => 0.99), 1_000);
});

Deno.test("backoffDelay refuses an attempt that is not a count", () => {
  const options = BackoffOptionsSchema.parse({});
  for (const attempt of [-1, 0.5, Number.NaN, Number.POSITIVE_INFINITY]) {
    assert.throws(() => backoffDelay(attempt, options), RangeError);
  }
});

Deno.test("Backoff: each failure doubles the delay; a clean run of resetAfterMs starts over", () => {
  const backoff = new Backoff(
    BackoffOptionsSchema.parse({ minMs: 100, maxMs: 1_000, resetAfterMs: 60_000 }),
    () => 0,
  );
  const delays = [0, 1, 2, 3, 4, 5].map((i) => backoff.next(i * 10, i * 10 - 5));
  assert.deepEqual(delays, [100, 200, 400, 800, 1_000, 1_000]);
  assert.equal(backoff.attempt, 6);
  assert.equal(backoff.next(100_000, 100_000 - 59_999), 1_000, "59.999 s is not clean long enough");
  assert.equal(backoff.next(200_000, 200_000 - 60_000), 100, "exactly resetAfterMs resets");
  assert.equal(backoff.attempt, 1);
  backoff.next(200_001, 200_000);
  backoff.reset();
  assert.equal(backoff.attempt, 0);
  assert.equal(backoff.next(300_000, 299_999), 100);
});

Deno.test("BackoffOptionsSchema: defaults, and maxMs below minMs is refused", () => {
  const defaults = { minMs: 100, maxMs: 30_000, randomFactor: 0.2, resetAfterMs: 60_000 };
  assert.deepEqual(BackoffOptionsSchema.parse({}), defaults);
  assert.equal(BackoffOptionsSchema.safeParse({ minMs: 500, maxMs: 400 }).success, false);
  assert.equal(BackoffOptionsSchema.safeParse({ randomFactor: 1.1 }).success, false);
  assert.equal(BackoffOptionsSchema.safeParse({ resetAfterMs: 0 }).success, false);
  assert.throws(() => new Backoff({ ...defaults, minMs: -1 }));
});

Deno.test("crashLoopSpanMs adds the first delays at their largest jitter, the capped ones included", () => {
  const options = BackoffOptionsSchema.parse({ minMs: 100, maxMs: 1_000, randomFactor: 0.5 });
  // 150, 300, 600, then 1_000 (1_200 capped) for the remaining two.
  assert.equal(crashLoopSpanMs(5, options), 150 + 300 + 600 + 1_000 + 1_000);
  assert.equal(crashLoopSpanMs(0, options), 0);
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 80 }), (crashes) => {
      let sum = 0;
      for (let i = 0; i < crashes; i++) sum += backoffDelay(i, options, () => 1);
      return crashLoopSpanMs(crashes, options) === sum;
    }),
  );
});

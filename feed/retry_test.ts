import assert from "node:assert/strict";
import { backoffDelay, DEFAULT_RETRY, isRetryable, parseRetryAfter } from "./retry.ts";
import { FeedError } from "./live_source.ts";

Deno.test("Retry-After is read as delta seconds or as an HTTP date; anything else is ignored", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  assert.equal(parseRetryAfter("30", now), 30_000);
  assert.equal(parseRetryAfter(" 0 ", now), 0);
  assert.equal(parseRetryAfter("Thu, 01 Jan 2026 00:00:10 GMT", now), 10_000);
  assert.equal(parseRetryAfter("Wed, 31 Dec 2025 23:00:00 GMT", now), 0, "a date in the past means now");
  assert.equal(parseRetryAfter(null, now), null);
  assert.equal(parseRetryAfter("soon", now), null);
  assert.equal(parseRetryAfter("-5", now), null);
});

Deno.test("5xx, 429, timeouts and network errors are retryable; other 4xx, a cap and a caller's abort are not", () => {
  const status = (code: number | null) => new FeedError("x", "http://x", code);
  for (const code of [500, 502, 503, 504, 429]) assert.ok(isRetryable(status(code)), `${code}`);
  for (const code of [400, 401, 403, 404, 410, null]) assert.ok(!isRetryable(status(code)), `${code}`);
  assert.ok(isRetryable(new TypeError("error sending request: connection refused")));
  assert.ok(isRetryable(new DOMException("signal timed out", "TimeoutError")));
  assert.ok(!isRetryable(new DOMException("aborted", "AbortError")));
});

Deno.test("backoff doubles per attempt, stays within [half, all] of its step, and is capped", () => {
  const policy = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1_000 };
  assert.equal(backoffDelay(1, policy, () => 0), 50);
  assert.equal(backoffDelay(1, policy, () => 0.999999), 99.99995);
  assert.equal(backoffDelay(3, policy, () => 0), 200);
  assert.equal(backoffDelay(10, policy, () => 0), 500);
  assert.ok(backoffDelay(10, policy, () => 0.999999) < 1_000);
});

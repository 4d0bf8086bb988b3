import assert from "node:assert/strict";
import { loadFeedTuning } from "./feed_tuning.ts";
import { ConfigError } from "../runtime/errors.ts";

Deno.test("feed tuning is unset by default, empty values included, and parsed when given", () => {
  assert.deepEqual(loadFeedTuning({}), {});
  assert.deepEqual(loadFeedTuning({ FEED_BREAKER_RESET_MS: "", FEED_STALE_AFTER_MS: "" }), {});
  assert.deepEqual(
    loadFeedTuning({ FEED_BREAKER_RESET_MS: "1000", FEED_STALE_AFTER_MS: "2500", PORT: "x" }),
    { FEED_BREAKER_RESET_MS: 1000, FEED_STALE_AFTER_MS: 2500 },
  );
});

Deno.test("a bad feed tuning value stops start-up with a message naming the variable", () => {
  assert.throws(() => loadFeedTuning({ FEED_BREAKER_RESET_MS: "soon" }), (error) => {
    assert(error instanceof ConfigError);
    assert.match(error.message, /FEED_BREAKER_RESET_MS="soon"/);
    return true;
  });
  assert.throws(() => loadFeedTuning({ FEED_STALE_AFTER_MS: "5" }), /FEED_STALE_AFTER_MS="5"/);
});

/**
 * Feed timings that the fault tests shorten: how long the feed breaker stays open and how long one
 * update_timestamp may repeat before the feed counts as stale. Read from the environment like config.ts,
 * with the same rules (optional, empty = unset, a bad value names the variable); they belong in
 * config.ts's schema and live here only until they are moved there.
 */
import { z } from "zod";
import { ConfigError } from "../runtime/errors.ts";

export const FeedTuningSchema = z.object({
  /** How long the feed breaker stays open before one trial poll (default 30 s). */
  FEED_BREAKER_RESET_MS: z.coerce.number().int().min(100).max(3_600_000).optional(),
  /** The same update_timestamp for longer than this marks the feed stale (default 120 s). */
  FEED_STALE_AFTER_MS: z.coerce.number().int().min(100).max(86_400_000).optional(),
});
export type FeedTuning = z.output<typeof FeedTuningSchema>;

/**
 * @example
 * ```ts
 * const tuning = loadFeedTuning({ FEED_BREAKER_RESET_MS: "1000" }); // { FEED_BREAKER_RESET_MS: 1000 }
 * ```
 */
export function loadFeedTuning(env: Record<string, string | undefined>): FeedTuning {
  const present = Object.fromEntries(
    Object.keys(FeedTuningSchema.shape).flatMap((key) => env[key] ? [[key, env[key]]] : []),
  );
  const parsed = FeedTuningSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      return `${name}=${JSON.stringify(present[name] ?? "")}: ${issue.message}`;
    });
    throw new ConfigError(`invalid configuration: ${problems.join("; ")}`);
  }
  return parsed.data;
}

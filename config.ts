/**
 * The service's configuration: environment variables validated with zod at start. Every variable is
 * optional; a bad value stops start-up with a message that names the variable.
 */
import { z } from "zod";
import { ConfigError } from "./runtime/errors.ts";

const flag = z.enum(["true", "false", "1", "0"]).transform((value) => value === "true" || value === "1");

export const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  /** Unset → embedded PGlite in DATA_DIR. */
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://")
    .optional(),
  DATA_DIR: z.string().min(1).default("./data"),
  /** Bounds of the spool in DATA_DIR/spool that holds snapshots while the database is down. */
  SPOOL_MAX_BYTES: z.coerce.number().int().min(1_048_576).default(512 * 1024 * 1024),
  SPOOL_MAX_FILES: z.coerce.number().int().min(1).default(10_000),
  /** How often a non-empty spool is retried (never sooner than the database breaker allows). */
  SPOOL_RETRY_MS: z.coerce.number().int().min(100).max(3_600_000).default(5_000),
  /** How long one database call may take before it fails; the database breaker allows twice that. */
  DATABASE_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(120_000).default(10_000),
  /** Unset → kept for ever. Counted in days of the feed's clock. */
  POSITION_RETENTION_DAYS: z.coerce.number().int().min(1).optional(),
  EVENT_RETENTION_DAYS: z.coerce.number().int().min(1).optional(),
  /** Unset → the cache keeps its records in memory only. */
  REDIS_URL: z.string().regex(/^rediss?:\/\//, "must start with redis:// or rediss://").optional(),
  /** How long cached records stay valid when no newer snapshot replaces them. */
  CACHE_TTL_FLIGHTS_MS: z.coerce.number().int().min(1_000).default(60_000),
  CACHE_TTL_CONTROLLERS_MS: z.coerce.number().int().min(1_000).default(60_000),
  CACHE_TTL_ATIS_MS: z.coerce.number().int().min(1_000).default(60_000),
  VATSIM_STATUS_URL: z.string().url().default("https://status.vatsim.net/status.json"),
  /** "live", "sim" (the built-in simulator), or the path of a folder of recorded `.json` snapshots. */
  FEED: z.string().min(1).default("live"),
  /** Pilots the built-in simulator flies with FEED=sim. */
  SIM_PILOTS: z.coerce.number().int().min(0).max(10_000).default(2_000),
  POLL_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(15_000),
  /** How long the feed breaker stays open before one trial poll. */
  FEED_BREAKER_RESET_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  /** The same update_timestamp for longer than this marks the feed stale. */
  FEED_STALE_AFTER_MS: z.coerce.number().int().min(100).max(86_400_000).default(120_000),
  /** Unset → the control routes answer 403. */
  CONTROL_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  /** Set → the API and /metrics need `Authorization: Bearer` this (or the control token). */
  READ_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  /** Origins a browser may call the API from, comma-separated, or `*`; unset: none. */
  CORS_ORIGINS: z.string().optional().transform((value) =>
    (value ?? "").split(",").map((origin) => origin.trim()).filter((origin) => origin !== "")
  ).pipe(z.array(z.union([z.literal("*"), z.url({ protocol: /^https?$/ })]))),
  FAULT_INJECTION: flag.default(false),
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warning", "error", "fatal"]).default("info"),
  LOG_FORMAT: z.enum(["pretty", "json"]).default("pretty"),
  /**
   * Set → every snapshot's way through the actors, and every HTTP request, is traced there over
   * OTLP/HTTP. The exporter reads the other standard OTEL_EXPORTER_OTLP_* variables (headers, …) itself.
   */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().regex(/^https?:\/\//, "must start with http:// or https://")
    .optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default("vatsim-collector"),
});
export type Config = z.output<typeof EnvSchema>;

/** Variables whose values never appear in messages: they hold a token or a password. */
const SECRETS = new Set(["CONTROL_TOKEN", "READ_TOKEN", "DATABASE_URL", "REDIS_URL"]);

/**
 * Reads the configuration from an environment (Deno.env.toObject() in main.ts). Empty values count as
 * unset, as shells and compose files often write `VAR=`.
 *
 * @example
 * ```ts
 * const config = loadConfig({ PORT: "9000", FEED: "./recorded" });
 * ```
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const present = Object.fromEntries(
    Object.keys(EnvSchema.shape).flatMap((key) => env[key] ? [[key, env[key]]] : []),
  );
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      const shown = SECRETS.has(name) ? "(hidden)" : JSON.stringify(present[name] ?? "");
      return `${name}=${shown}: ${issue.message}`;
    });
    throw new ConfigError(`invalid configuration: ${problems.join("; ")}`);
  }
  const config = parsed.data;
  if (config.FEED !== "live" && config.FEED !== "sim") checkReplayFolder(config.FEED);
  return config;
}

function checkReplayFolder(folder: string): void {
  let info: Deno.FileInfo;
  try {
    info = Deno.statSync(folder);
  } catch (error) {
    throw new ConfigError(
      `FEED=${JSON.stringify(folder)}: not "live", not "sim" and not a readable folder (${
        (error as Error).message
      })`,
    );
  }
  if (!info.isDirectory) {
    throw new ConfigError(`FEED=${JSON.stringify(folder)}: not "live", not "sim" and not a folder`);
  }
}

/** How the feed is described in /api/status. */
export function feedSource(config: Config): string {
  return config.FEED === "live" || config.FEED === "sim" ? config.FEED : `replay:${config.FEED}`;
}

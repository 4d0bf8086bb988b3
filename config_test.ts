import assert from "node:assert/strict";
import { feedSource, loadConfig } from "./config.ts";
import { ConfigError } from "./runtime/errors.ts";
import { collectorTree } from "./actors/tree.ts";

Deno.test("an empty environment gives the documented defaults", () => {
  const config = loadConfig({});
  assert.equal(config.PORT, 8080);
  assert.equal(config.DATABASE_URL, undefined);
  assert.equal(config.DATA_DIR, "./data");
  assert.equal(config.VATSIM_STATUS_URL, "https://status.vatsim.net/status.json");
  assert.equal(config.FEED, "live");
  assert.equal(config.POLL_INTERVAL_MS, 15_000);
  assert.equal(config.CONTROL_TOKEN, undefined);
  assert.equal(config.FAULT_INJECTION, false);
  assert.equal(config.FEED_BREAKER_RESET_MS, 30_000);
  assert.equal(config.FEED_STALE_AFTER_MS, 120_000);
  assert.equal(feedSource(config), "live");
});

Deno.test("values are parsed, and empty ones count as unset", () => {
  const config = loadConfig({ PORT: "9000", POLL_INTERVAL_MS: "200", FAULT_INJECTION: "true", DATA_DIR: "" });
  assert.equal(config.PORT, 9000);
  assert.equal(config.POLL_INTERVAL_MS, 200);
  assert.equal(config.FAULT_INJECTION, true);
  assert.equal(config.DATA_DIR, "./data");
});

Deno.test("a bad value stops start-up with a message naming the variable", () => {
  for (
    const [env, pattern] of [
      [{ PORT: "eighty" }, /PORT="eighty"/],
      [{ POLL_INTERVAL_MS: "5" }, /POLL_INTERVAL_MS="5"/],
      [{ FEED_BREAKER_RESET_MS: "soon" }, /FEED_BREAKER_RESET_MS="soon"/],
      [{ FEED_STALE_AFTER_MS: "5" }, /FEED_STALE_AFTER_MS="5"/],
      [{ LOG_LEVEL: "loud" }, /LOG_LEVEL/],
      [{ FAULT_INJECTION: "yes" }, /FAULT_INJECTION/],
      [
        { FEED: "/no/such/folder" },
        /FEED="\/no\/such\/folder": not "live", not "sim" and not a readable folder/,
      ],
    ] as const
  ) {
    assert.throws(
      () => loadConfig(env),
      (error: Error) => error instanceof ConfigError && pattern.test(error.message),
    );
  }
});

Deno.test("secrets never appear in the error message", () => {
  for (const env of [{ CONTROL_TOKEN: "short-secret" }, { DATABASE_URL: "mysql://root:hunter2@db/x" }]) {
    assert.throws(() => loadConfig(env), (error: Error) => {
      assert.match(error.message, /\(hidden\)/);
      assert.doesNotMatch(error.message, /short-secret|hunter2/);
      return true;
    });
  }
});

Deno.test("FEED may name a folder of recorded snapshots", () => {
  const folder = Deno.makeTempDirSync();
  try {
    assert.equal(feedSource(loadConfig({ FEED: folder })), `replay:${folder}`);
  } finally {
    Deno.removeSync(folder);
  }
});

Deno.test("FEED=sim runs the built-in simulator with SIM_PILOTS pilots", () => {
  const config = loadConfig({ FEED: "sim", SIM_PILOTS: "500" });
  assert.equal(feedSource(config), "sim");
  assert.equal(config.SIM_PILOTS, 500);
  assert.throws(() => loadConfig({ FEED: "sim", SIM_PILOTS: "20000" }), /SIM_PILOTS/);
});

Deno.test("the spool's bounds and the retentions reach the store's config", () => {
  const defaults = loadConfig({});
  assert.equal(defaults.SPOOL_MAX_BYTES, 512 * 1024 * 1024);
  assert.equal(defaults.SPOOL_MAX_FILES, 10_000);
  assert.equal(defaults.POSITION_RETENTION_DAYS, undefined);
  assert.equal(defaults.EVENT_RETENTION_DAYS, undefined);
  const config = loadConfig({
    SPOOL_MAX_BYTES: "2000000",
    SPOOL_MAX_FILES: "50",
    SPOOL_RETRY_MS: "250",
    DATABASE_TIMEOUT_MS: "3000",
    POSITION_RETENTION_DAYS: "30",
    EVENT_RETENTION_DAYS: "90",
  });
  const store = collectorTree(config).children?.find((child) => child.name === "store");
  assert.ok(store && "config" in store);
  assert.deepEqual(store.config, {
    databaseUrl: null,
    dataDir: "./data",
    positionRetentionDays: 30,
    eventRetentionDays: 90,
    spoolMaxBytes: 2_000_000,
    spoolMaxFiles: 50,
    spoolRetryMs: 250,
    queryTimeoutMs: 3_000,
  });
  assert.throws(() => loadConfig({ EVENT_RETENTION_DAYS: "0" }), /EVENT_RETENTION_DAYS="0"/);
  assert.throws(() => loadConfig({ SPOOL_MAX_BYTES: "1000" }), /SPOOL_MAX_BYTES/);
});

Deno.test("OTEL_EXPORTER_OTLP_ENDPOINT turns tracing on and must be an http(s) URL", () => {
  const off = loadConfig({});
  assert.equal(off.OTEL_EXPORTER_OTLP_ENDPOINT, undefined);
  assert.equal(off.OTEL_SERVICE_NAME, "vatsim-collector");
  const on = loadConfig({
    OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318",
    OTEL_SERVICE_NAME: "collector-eu",
  });
  assert.equal(on.OTEL_EXPORTER_OTLP_ENDPOINT, "http://127.0.0.1:4318");
  assert.equal(on.OTEL_SERVICE_NAME, "collector-eu");
  for (const endpoint of ["localhost:4318", "grpc://127.0.0.1:4317"]) {
    assert.throws(
      () => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }),
      (error: unknown) => error instanceof ConfigError && /OTEL_EXPORTER_OTLP_ENDPOINT=/.test(error.message),
    );
  }
});

Deno.test("READ_TOKEN is a secret of at least 16 characters; CORS_ORIGINS is a list of http(s) origins or *", () => {
  assert.equal(loadConfig({}).READ_TOKEN, undefined);
  assert.deepEqual(loadConfig({}).CORS_ORIGINS, []);
  assert.throws(() => loadConfig({ READ_TOKEN: "short-secret" }), (error: Error) => {
    assert.match(error.message, /READ_TOKEN/);
    assert.doesNotMatch(error.message, /short-secret/);
    return true;
  });
  assert.deepEqual(
    loadConfig({ CORS_ORIGINS: "https://stats.example.org, http://localhost:3000" }).CORS_ORIGINS,
    ["https://stats.example.org", "http://localhost:3000"],
  );
  assert.deepEqual(loadConfig({ CORS_ORIGINS: "*" }).CORS_ORIGINS, ["*"]);
  assert.throws(() => loadConfig({ CORS_ORIGINS: "ftp://files.example.org" }), /CORS_ORIGINS/);
});

/**
 * The composition root: configuration → supervision tree of the five services → HTTP front. SIGINT and
 * SIGTERM stop everything in order (exit 0); the root supervisor giving up ends the process (exit 1).
 */
import { getLogger } from "@logtape/logtape";
import project from "./deno.json" with { type: "json" };
import { type Config, EnvSchema, feedSource, loadConfig } from "./config.ts";
import { collectorFrontDeps, serveFront, watchErrors } from "./actors/front_deps.ts";
import { collectorTree } from "./actors/tree.ts";
import { createApp } from "./routes/app.ts";
import { describeError } from "./runtime/errors.ts";
import { configureLogging } from "./runtime/logging.ts";
import { ActorSystem } from "./supervision/system.ts";
import type { SpanRecordExporter } from "./runtime/span_export.ts";
import { startSimulator } from "./sim/server.ts";

async function main(config: Config): Promise<void> {
  const logSettings = { level: config.LOG_LEVEL, format: config.LOG_FORMAT };
  await configureLogging(logSettings);
  const log = getLogger(["main"]);
  const startedAt = Date.now();

  // FEED=sim: the simulated feed runs in this process, one new snapshot per poll, and is fetched like
  // the live one.
  const simulator = config.FEED === "sim"
    ? startSimulator({ pilots: config.SIM_PILOTS, cadenceMs: config.POLL_INTERVAL_MS })
    : null;
  const feed = simulator ? { ...config, FEED: "live", VATSIM_STATUS_URL: simulator.statusUrl } : config;
  if (simulator) {
    log.info("simulated feed: {pilots} pilots at {url}", {
      pilots: config.SIM_PILOTS,
      url: simulator.statusUrl,
    });
  }

  const system = new ActorSystem(collectorTree(feed), {
    log: logSettings,
    faults: config.FAULT_INJECTION,
    spanExporter: await spanExporter(config),
    onGiveUp: (reason) => {
      log.fatal("the root supervisor gave up ({reason}); exiting so the outside restarter takes over", {
        reason,
      });
      Deno.exit(1);
    },
  });
  const errors = watchErrors(system);
  // Aborted before the server shuts down: its graceful shutdown would otherwise wait on open event streams.
  const closing = new AbortController();
  const deps = collectorFrontDeps(system, {
    ...serveFront(system),
    journal: errors.journal,
    readToken: config.READ_TOKEN ?? null,
    corsOrigins: config.CORS_ORIGINS,
    version: project.version,
    startedAt,
    controlToken: config.CONTROL_TOKEN ?? null,
    faultInjection: config.FAULT_INJECTION,
    feedSource: feedSource(config),
    staleAfterMs: Math.max(120_000, 3 * config.POLL_INTERVAL_MS),
  });
  const app = createApp(deps, { closing: closing.signal });
  // The front listens before the actors start, so /health/live answers during a slow first start.
  const server = Deno.serve({
    port: config.PORT,
    onListen: ({ hostname, port }) => log.info("HTTP front on http://{hostname}:{port}", { hostname, port }),
  }, app.fetch);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info("{signal}: stopping", { signal });
    closing.abort();
    errors.stop();
    await server.shutdown();
    await system.stop();
    await simulator?.close();
    log.info("stopped");
    Deno.exit(0);
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => void stop(signal));
  }

  try {
    await system.start();
  } catch (error) {
    log.fatal("start failed: {error}", { error: describeError(error) });
    closing.abort();
    errors.stop();
    await server.shutdown();
    Deno.exit(1);
  }
  if (config.FAULT_INJECTION) log.warn("FAULT_INJECTION is on: actors obey fault messages");
  log.info("collector {version} running; feed {feed}", {
    version: project.version,
    feed: feedSource(config),
  });
}

/** OTLP/HTTP when an endpoint is set; the SDK is loaded only then (it takes about 100 ms). */
async function spanExporter(config: Config): Promise<SpanRecordExporter | undefined> {
  if (config.OTEL_EXPORTER_OTLP_ENDPOINT === undefined) return undefined;
  const { otlpHttpExporter } = await import("./runtime/otel_export.ts");
  // The origin only: a URL may carry credentials.
  const origin = new URL(config.OTEL_EXPORTER_OTLP_ENDPOINT).origin;
  getLogger(["main"]).info("traces go to {origin} over OTLP/HTTP", { origin });
  return otlpHttpExporter({ name: config.OTEL_SERVICE_NAME, version: project.version });
}

if (import.meta.main) {
  let config: Config;
  try {
    // Only the variables the configuration reads: the process is granted no others (deploy/permissions.ts).
    config = loadConfig(
      Object.fromEntries(Object.keys(EnvSchema.shape).map((name) => [name, Deno.env.get(name)])),
    );
  } catch (error) {
    console.error(describeError(error));
    Deno.exit(2);
  }
  await main(config);
}

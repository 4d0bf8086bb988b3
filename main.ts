/**
 * The composition root: configuration → supervision tree of the five services → HTTP front. SIGINT and
 * SIGTERM stop everything in order (exit 0); the root supervisor giving up ends the process (exit 1).
 */
import { getLogger } from "@logtape/logtape";
import project from "./deno.json" with { type: "json" };
import { type Config, feedSource, loadConfig } from "./config.ts";
import { collectorFrontDeps, serveHotViews } from "./actors/front_deps.ts";
import { collectorTree } from "./actors/tree.ts";
import { createApp } from "./routes/app.ts";
import { describeError } from "./runtime/errors.ts";
import { configureLogging } from "./runtime/logging.ts";
import { ActorSystem } from "./supervision/system.ts";
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
    onGiveUp: (reason) => {
      log.fatal("the root supervisor gave up ({reason}); exiting so the outside restarter takes over", {
        reason,
      });
      Deno.exit(1);
    },
  });
  const app = createApp(collectorFrontDeps(system, {
    hot: serveHotViews(system),
    version: project.version,
    startedAt,
    controlToken: config.CONTROL_TOKEN ?? null,
    faultInjection: config.FAULT_INJECTION,
    feedSource: feedSource(config),
    staleAfterMs: Math.max(120_000, 3 * config.POLL_INTERVAL_MS),
  }));
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
    await server.shutdown();
    Deno.exit(1);
  }
  if (config.FAULT_INJECTION) log.warn("FAULT_INJECTION is on: actors obey fault messages");
  log.info("collector {version} running; feed {feed}", {
    version: project.version,
    feed: feedSource(config),
  });
}

if (import.meta.main) {
  let config: Config;
  try {
    config = loadConfig(Deno.env.toObject());
  } catch (error) {
    console.error(describeError(error));
    Deno.exit(2);
  }
  await main(config);
}

/**
 * The HTTP front: createApp(deps) builds the Hono app from its dependencies and never listens; main.ts
 * serves it, tests call `app.request()`. Every answer, errors included, is JSON.
 */
import { Hono, type MiddlewareHandler } from "hono";
import type { MetricsRegistry } from "../runtime/metrics.ts";
import type { FrontDeps } from "./deps.ts";
import { errorResponse, handleError } from "./errors.ts";
import { dataRoutes } from "./data.ts";
import { healthRoutes } from "./health.ts";
import { metricsRoutes } from "./metrics.ts";
import { metricsJsonRoutes } from "./metrics_json.ts";
import { openApiRoutes } from "./openapi.ts";
import { pageRoutes } from "./page.ts";
import { applyGuards, DEFAULT_MAX_BODY_BYTES } from "./guard.ts";
import { errorRoutes } from "./error_analytics.ts";
import { eventRoutes } from "./event_analytics.ts";
import { eventStreamRoutes } from "./event_stream.ts";
import { serviceRoutes } from "./services.ts";
import { statusRoutes } from "./status.ts";
import { supervisionRoutes } from "./supervision.ts";
import { supervisionStreamRoutes } from "./supervision_stream.ts";
import { traceRequests } from "./tracing.ts";
import { trafficRoutes } from "./traffic.ts";

/** Knobs that tests turn; production uses the defaults. */
export interface AppOptions {
  /** How long `/health/ready` waits for `deps.ready()` (default 2000 ms). */
  readyTimeoutMs?: number;
  /** How long `/api/status` waits for `deps.status()` (default 2000 ms). */
  statusTimeoutMs?: number;
  /** Wall clock for uptime (default `Date.now`). */
  now?: () => number;
  /** Aborted as the process stops: open event streams end, or graceful shutdown would wait on them. */
  closing?: AbortSignal;
}

/**
 * Builds the app with every route group mounted.
 *
 * @example
 * ```ts
 * const app = createApp(deps);
 * Deno.serve({ port: 8080 }, app.fetch);
 * ```
 */
export function createApp(deps: FrontDeps, options: AppOptions = {}): Hono {
  const app = new Hono();
  if (deps.tracer) app.use(traceRequests(deps.tracer));
  app.use(countRequests(deps.metrics));
  applyGuards(app, {
    readToken: deps.readToken,
    controlToken: deps.controlToken,
    corsOrigins: deps.corsOrigins,
    maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  });
  app.route("/metrics", metricsRoutes(deps, { statusTimeoutMs: options.statusTimeoutMs ?? 2000 }));
  app.route("/health", healthRoutes(deps, { readyTimeoutMs: options.readyTimeoutMs ?? 2000 }));
  app.route(
    "/api/status",
    statusRoutes(deps, { statusTimeoutMs: options.statusTimeoutMs ?? 2000, now: options.now ?? Date.now }),
  );
  app.route("/api/services", serviceRoutes(deps));
  app.route("/api/supervision", supervisionRoutes(deps));
  app.route(
    "/api/supervision/stream",
    supervisionStreamRoutes(deps, {
      statusTimeoutMs: options.statusTimeoutMs ?? 2000,
      closing: options.closing,
    }),
  );
  app.route("/", pageRoutes());
  app.route("/api/errors", errorRoutes(deps, options.now));
  app.route("/api/metrics", metricsJsonRoutes(deps, { statusTimeoutMs: options.statusTimeoutMs ?? 2000 }));
  app.route("/api/events", eventRoutes(deps, options.now));
  app.route("/api/events", eventStreamRoutes(deps, { closing: options.closing }));
  app.route("/api", dataRoutes(deps));
  app.route("/api", trafficRoutes(deps));
  app.route("/", openApiRoutes({ version: deps.version, faultInjection: deps.faultInjection }));
  answerWrongMethods(app);
  app.notFound((c) => errorResponse(c, 404, "not_found", `no route for ${c.req.method} ${c.req.path}`));
  app.onError(handleError);
  return app;
}

/**
 * Counts every request by method, route pattern (never the raw path, so the series stay few) and
 * status, and times it.
 */
function countRequests(metrics: MetricsRegistry): MiddlewareHandler {
  return async (c, next) => {
    const startedAt = performance.now();
    await next();
    const route = c.req.routePath === "/*" || c.req.routePath === "" ? "unmatched" : c.req.routePath;
    const labels = { method: c.req.method, route };
    metrics.add("http_requests_total", { ...labels, status: String(c.res.status) });
    metrics.observe("http_request_duration_seconds", labels, (performance.now() - startedAt) / 1000);
  };
}

/**
 * Adds a 405 with an `Allow` header for every known path asked with a method it does not take. It runs
 * after all routes are mounted and registers last, so the real handlers always match first.
 */
function answerWrongMethods(app: Hono): void {
  const allowed = new Map<string, Set<string>>();
  for (const route of app.routes) {
    if (route.method === "ALL") continue;
    const methods = allowed.get(route.path) ?? new Set<string>();
    methods.add(route.method);
    // Hono answers HEAD with the GET handler.
    if (route.method === "GET") methods.add("HEAD");
    allowed.set(route.path, methods);
  }
  for (const [path, methods] of allowed) {
    const allow = [...methods].join(", ");
    app.all(
      path,
      (c) =>
        errorResponse(c, 405, "method_not_allowed", `${c.req.method} is not allowed here; use ${allow}`, {
          Allow: allow,
        }),
    );
  }
}

/**
 * The HTTP front: createApp(deps) builds the Hono app from its dependencies and never listens; main.ts
 * serves it, tests call `app.request()`. Every answer, errors included, is JSON.
 */
import { Hono } from "hono";
import type { FrontDeps } from "./deps.ts";
import { errorResponse, handleError } from "./errors.ts";
import { dataRoutes } from "./data.ts";
import { healthRoutes } from "./health.ts";
import { serviceRoutes } from "./services.ts";
import { statusRoutes } from "./status.ts";
import { supervisionRoutes } from "./supervision.ts";

/** Knobs that tests turn; production uses the defaults. */
export interface AppOptions {
  /** How long `/health/ready` waits for `deps.ready()` (default 2000 ms). */
  readyTimeoutMs?: number;
  /** How long `/api/status` waits for `deps.status()` (default 2000 ms). */
  statusTimeoutMs?: number;
  /** Wall clock for uptime (default `Date.now`). */
  now?: () => number;
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
  app.route("/health", healthRoutes(deps, { readyTimeoutMs: options.readyTimeoutMs ?? 2000 }));
  app.route(
    "/api/status",
    statusRoutes(deps, { statusTimeoutMs: options.statusTimeoutMs ?? 2000, now: options.now ?? Date.now }),
  );
  app.route("/api/services", serviceRoutes(deps));
  app.route("/api/supervision", supervisionRoutes(deps));
  app.route("/api", dataRoutes(deps));
  answerWrongMethods(app);
  app.notFound((c) => errorResponse(c, 404, "not_found", `no route for ${c.req.method} ${c.req.path}`));
  app.onError(handleError);
  return app;
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

/** `GET /api/status`: the collector at a glance, checked against its contract before it is sent. */
import { Hono } from "hono";
import { summariseIssues } from "../runtime/errors.ts";
import { type FrontDeps, StatusReportSchema } from "./deps.ts";
import { withDeadline } from "./timeout.ts";

/** What the status route needs besides deps: its deadline and a clock (fixed in tests). */
export interface StatusRouteOptions {
  statusTimeoutMs: number;
  now: () => number;
}

/** The status route, to be mounted at `/api/status`. */
export function statusRoutes(
  deps: Pick<FrontDeps, "version" | "startedAt" | "status">,
  options: StatusRouteOptions,
): Hono {
  const app = new Hono();

  app.get("/", async (c) => {
    const parts = await withDeadline(() => deps.status(), options.statusTimeoutMs, "status");
    const uptimeSeconds = Math.max(0, Math.floor((options.now() - deps.startedAt) / 1000));
    // Parsing also drops fields outside the contract, so an internal detail never leaks by accident.
    const report = StatusReportSchema.safeParse({ ...parts, version: deps.version, uptimeSeconds });
    if (!report.success) {
      throw new Error(`status report breaks its contract: ${summariseIssues(report.error)}`);
    }
    return c.json(report.data);
  });

  return app;
}

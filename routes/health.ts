/** Liveness and readiness probes for orchestrators: `/health/live` and `/health/ready`. */
import { getLogger } from "@logtape/logtape";
import { Hono } from "hono";
import { z } from "zod";
import type { FrontDeps } from "./deps.ts";
import { DeadlineError, withDeadline } from "./timeout.ts";

/** The body of `/health/ready`: reasons only when not ready. */
export const ReadinessSchema = z.discriminatedUnion("status", [
  z.object({ status: z.literal("ready") }),
  z.object({ status: z.literal("not_ready"), reasons: z.array(z.string()) }),
]);
export type Readiness = z.infer<typeof ReadinessSchema>;

const log = getLogger(["http"]);

/** The health routes, to be mounted at `/health`. */
export function healthRoutes(deps: Pick<FrontDeps, "ready">, options: { readyTimeoutMs: number }): Hono {
  const app = new Hono();

  // Live means "the event loop answers": it must not depend on actors or the store, or an orchestrator
  // would kill the process for a database outage that a restart cannot fix.
  app.get("/live", (c) => c.json({ status: "ok" }));

  app.get("/ready", async (c) => {
    let readiness: Readiness;
    try {
      const result = await withDeadline(() => deps.ready(), options.readyTimeoutMs, "ready check");
      readiness = result.ready ? { status: "ready" } : { status: "not_ready", reasons: result.reasons };
    } catch (error) {
      // The probe is public: the reason names the failure, the log keeps its details.
      log.warn("ready check failed: {error}", { error });
      const reason = error instanceof DeadlineError
        ? error.message
        : "ready check failed (details in the log)";
      readiness = { status: "not_ready", reasons: [reason] };
    }
    return c.json(readiness, readiness.status === "ready" ? 200 : 503);
  });

  return app;
}

/**
 * The supervision tree and its manual controls: `GET /api/supervision/tree`, and behind the control token
 * `POST /api/supervision/actors/{name}/restart|stop|start` and `/actors/{name}/breakers/{breaker}/reset`,
 * plus `/fault` when fault injection is on.
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { z } from "zod";
import { summariseIssues } from "../runtime/errors.ts";
import type { ControlAction } from "../supervision/supervisor.ts";
import type { FaultKind, FrontDeps } from "./deps.ts";
import { requireControlToken } from "./auth.ts";
import { HttpError } from "./errors.ts";
import { actorName } from "./params.ts";
import { ChildStatusSchema } from "./services.ts";

/** The manual actions; the route pattern is built from it, so the two cannot drift apart. */
export const ControlActionSchema = z.enum(["restart", "stop", "start"]) satisfies z.ZodType<ControlAction>;

/** The body of the fault route. Unknown keys are refused: a typo must not inject a default fault. */
export const FaultRequestSchema = z.strictObject({
  kind: z.enum(["throw", "hang", "exit"]) satisfies z.ZodType<FaultKind>,
});

/** The answer to a control action: the child's status once the action has finished. */
export const ControlResultSchema = z.object({
  name: z.string(),
  action: ControlActionSchema,
  status: ChildStatusSchema,
});
export type ControlResult = z.infer<typeof ControlResultSchema>;

/** The answer to a breaker reset: sent to the actor, which closes it after the message it is handling. */
export const BreakerResetResultSchema = z.object({
  name: z.string(),
  breaker: z.string(),
  stateBefore: z.enum(["closed", "open", "half-open"]),
});
export type BreakerResetResult = z.infer<typeof BreakerResetResultSchema>;

const FAULT_BODY_MAX_BYTES = 1024;

/** The supervision routes, to be mounted at `/api/supervision`. */
export function supervisionRoutes(
  deps: Pick<FrontDeps, "supervision" | "controlToken" | "faultInjection">,
): Hono {
  const app = new Hono();
  const auth = requireControlToken(deps.controlToken);

  app.get("/tree", (c) => c.json(deps.supervision.tree()));

  app.post(`/actors/:name/:action{${ControlActionSchema.options.join("|")}}`, auth, async (c) => {
    const name = actorName(c.req.param("name"));
    const action = ControlActionSchema.parse(c.req.param("action"));
    const result: ControlResult = { name, action, status: await deps.supervision.control(name, action) };
    return c.json(result);
  });

  // The breaker must be one the actor reported at its last heartbeat: a typo answers 404, not 202.
  app.post("/actors/:name/breakers/:breaker/reset", auth, (c) => {
    const name = actorName(c.req.param("name"));
    const breaker = actorName(c.req.param("breaker"), "breaker");
    const actor = deps.supervision.health().find((a) => a.name === name);
    if (actor === undefined) throw new HttpError(404, "not_found", `no actor named ${name}`);
    const before = actor.breakers.find((b) => b.name === breaker);
    if (before === undefined) {
      const known = actor.breakers.map((b) => b.name).join(", ") || "none";
      throw new HttpError(404, "not_found", `${name} has no breaker ${breaker} (it has: ${known})`);
    }
    deps.supervision.resetBreaker(name, breaker);
    const result: BreakerResetResult = { name, breaker, stateBefore: before.state };
    return c.json(result, 202);
  });

  // Registered only when enabled, so a production process does not even show that the route exists.
  if (deps.faultInjection) {
    const limit = bodyLimit({
      maxSize: FAULT_BODY_MAX_BYTES,
      onError: () => {
        throw new HttpError(413, "body_too_large", `the body may hold at most ${FAULT_BODY_MAX_BYTES} bytes`);
      },
    });
    app.post("/actors/:name/fault", auth, limit, async (c) => {
      const name = actorName(c.req.param("name"));
      let body: unknown;
      try {
        body = await c.req.json();
      } catch {
        throw new HttpError(400, "invalid_body", "the body is not valid JSON");
      }
      const request = FaultRequestSchema.safeParse(body);
      if (!request.success) throw new HttpError(400, "invalid_body", summariseIssues(request.error));
      deps.supervision.fault(name, request.data.kind);
      return c.json({ name, fault: request.data.kind }, 202);
    });
  }

  return app;
}

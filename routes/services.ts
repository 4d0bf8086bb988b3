/** Per-actor health: `GET /api/services/health` and `GET /api/services/{name}/health`. */
import { Hono } from "hono";
import { z } from "zod";
import type { ActorHealth } from "../runtime/actor_process.ts";
import { BreakerStateSchema } from "../runtime/wire.ts";
import type { FrontDeps } from "./deps.ts";
import { HttpError } from "./errors.ts";
import { actorName } from "./params.ts";

/** A child's lifecycle state, as health and control answers show it. */
export const ChildStatusSchema = z.enum(["starting", "running", "restarting", "stopped", "failed"]);

/** One service as the health routes show it: the contract fields, plus zombies and messages handled. */
export const ServiceHealthSchema = z.object({
  name: z.string(),
  status: ChildStatusSchema,
  restarts: z.number(),
  /** Newest first; `at` is ISO time. */
  lastRestartReasons: z.array(z.object({ at: z.string(), reason: z.string(), manual: z.boolean() })),
  mailbox: z.object({ depth: z.number(), capacity: z.number() }),
  /** Null while the actor is not running. */
  heartbeatAgeMs: z.number().nullable(),
  /** The actor's most severe breaker, or null if it has none. */
  breaker: BreakerStateSchema.nullable(),
  /** Terminated incarnations whose threads still run (a CPU loop survives terminate()). */
  zombies: z.array(z.object({
    incarnation: z.number(),
    threadId: z.number().nullable(),
    /** ISO time of the termination. */
    since: z.string(),
    reason: z.string(),
  })),
  handled: z.number(),
});
export type ServiceHealth = z.infer<typeof ServiceHealthSchema>;

/** Picks the public fields of an actor's health; internals such as `busy` or `incarnation` stay inside. */
export function toServiceHealth(actor: ActorHealth): ServiceHealth {
  return {
    name: actor.name,
    status: actor.status,
    restarts: actor.restarts,
    lastRestartReasons: actor.lastRestartReasons.map(({ at, reason, manual }) => ({ at, reason, manual })),
    mailbox: { depth: actor.mailbox.depth, capacity: actor.mailbox.capacity },
    heartbeatAgeMs: actor.heartbeatAgeMs,
    breaker: actor.breaker,
    zombies: actor.zombies.map((zombie) => ({
      incarnation: zombie.incarnation,
      threadId: zombie.threadId,
      since: new Date(zombie.since).toISOString(),
      reason: zombie.reason,
    })),
    handled: actor.handled,
  };
}

/** The service health routes, to be mounted at `/api/services`. */
export function serviceRoutes(deps: Pick<FrontDeps, "supervision">): Hono {
  const app = new Hono();

  app.get("/health", (c) => c.json({ services: deps.supervision.health().map(toServiceHealth) }));

  app.get("/:name/health", (c) => {
    const name = actorName(c.req.param("name"));
    const actor = deps.supervision.health().find((candidate) => candidate.name === name);
    if (!actor) throw new HttpError(404, "not_found", `no service named ${name}`);
    return c.json(toServiceHealth(actor));
  });

  return app;
}

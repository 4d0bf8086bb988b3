/** The protocol of `$system`, the runtime's own address: actors ask it for the stats of every actor. */
import { z } from "zod";
import { defineProtocol } from "../runtime/protocol.ts";

export const SYSTEM_ADDRESS = "$system";

export const ActorStatsSchema = z.object({
  name: z.string(),
  status: z.enum(["starting", "running", "restarting", "stopped", "failed"]),
  restarts: z.number(),
  handled: z.number(),
  mailbox: z.object({ depth: z.number(), capacity: z.number() }),
  heartbeatAgeMs: z.number().nullable(),
});
export type ActorStats = z.infer<typeof ActorStatsSchema>;

export const SystemProtocol = defineProtocol({
  "system.stats": {
    body: z.object({}),
    reply: z.object({
      at: z.number(),
      actors: z.array(ActorStatsSchema),
      deadLetters: z.object({ total: z.number(), byReason: z.record(z.string(), z.number()) }),
      zombies: z.number(),
    }),
  },
});

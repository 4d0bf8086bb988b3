/**
 * The monitor: samples every actor's stats from the runtime (`$system`) at a fixed interval and keeps a
 * bounded history of them, logging a one-line summary of each sample.
 */
import { z } from "zod";
import { defineActor } from "../runtime/actor.ts";
import { describeError } from "../runtime/errors.ts";
import { RingBuffer } from "../runtime/ring_buffer.ts";
import { SYSTEM_ADDRESS, SystemProtocol } from "../supervision/system_protocol.ts";
import { MonitorProtocol, type MonitorSample } from "./protocol.ts";

const ConfigSchema = z.object({
  sampleEveryMs: z.number().int().positive().default(15_000),
  /** Samples kept; the oldest is dropped first. */
  historySize: z.number().int().positive().max(10_000).default(240),
});

export default defineActor({
  protocol: MonitorProtocol,
  config: ConfigSchema,
  start(ctx) {
    ctx.schedule(0, "monitor.sample", {});
    return {
      system: ctx.ref(SYSTEM_ADDRESS, SystemProtocol),
      history: new RingBuffer<MonitorSample>(ctx.config.historySize),
    };
  },
  async handle(state, message, ctx) {
    switch (message.kind) {
      case "monitor.sample": {
        ctx.schedule(ctx.config.sampleEveryMs, "monitor.sample", {});
        try {
          const stats = await state.system.ask("system.stats", {}, { timeoutMs: 5_000 });
          const sample: MonitorSample = {
            at: stats.at,
            actors: stats.actors.map((a) => ({
              name: a.name,
              status: a.status,
              restarts: a.restarts,
              handled: a.handled,
              mailboxDepth: a.mailbox.depth,
            })),
            deadLetters: stats.deadLetters.total,
            zombies: stats.zombies,
          };
          state.history.push(sample);
          ctx.log.debug("actors: {summary}", {
            summary: sample.actors.map((a) => `${a.name} ${a.status} r${a.restarts} q${a.mailboxDepth}`).join(
              ", ",
            ),
          });
        } catch (error) {
          ctx.log.warn("could not sample the actors: {error}", { error: describeError(error) });
        }
        return state;
      }
      case "monitor.history": {
        message.reply(state.history.last(message.body.limit));
        return state;
      }
    }
  },
});

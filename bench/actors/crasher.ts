/** Bench actor for restart latency: crashes on demand and answers an echo with its incarnation. */
import { z } from "zod";
import { defineActor } from "../../runtime/actor.ts";
import { CrasherProtocol } from "../protocol.ts";

export default defineActor({
  protocol: CrasherProtocol,
  config: z.object({}),
  start: () => null,
  handle(state, message, ctx) {
    if (message.kind === "crasher.throw") throw new Error("bench: crash on purpose");
    message.reply({ seq: message.body.seq, incarnation: ctx.incarnation });
    return state;
  },
});

/** Bench actor B: counts the items of a round (checking their order) and reports when all have arrived. */
import { z } from "zod";
import { defineActor } from "../../runtime/actor.ts";
import { ReceiverProtocol, REPORT, ReportProtocol } from "../protocol.ts";

interface Round {
  round: number;
  expected: number;
  handled: number;
  outOfOrder: number;
  nextSeq: number;
}

export default defineActor({
  protocol: ReceiverProtocol,
  config: z.object({}),
  start: (): Round => ({ round: -1, expected: 0, handled: 0, outOfOrder: 0, nextSeq: 0 }),
  handle(state, message, ctx) {
    if (message.kind === "receiver.expect") {
      message.reply({});
      return { round: message.body.round, expected: message.body.n, handled: 0, outOfOrder: 0, nextSeq: 0 };
    }
    if (message.body.seq !== state.nextSeq) state.outOfOrder++;
    state.nextSeq = message.body.seq + 1;
    if (++state.handled === state.expected) {
      ctx.ref(REPORT, ReportProtocol).tell("bench.done", {
        round: state.round,
        handled: state.handled,
        outOfOrder: state.outOfOrder,
      });
    }
    return state;
  },
});

/**
 * Bench actor A: streams items to the receiver. Each handled `sender.more` tells the next chunk and
 * re-tells itself while items are left; the receiver's backpressure (a hold on this actor's user lane)
 * paces it. A few of those self-tells travel at once, so a round trip through the host is never idle time.
 */
import { z } from "zod";
import { defineActor } from "../../runtime/actor.ts";
import { CALLSIGNS } from "../callsigns.ts";
import { ReceiverProtocol, SenderProtocol } from "../protocol.ts";

interface Stream {
  round: number;
  next: number;
  n: number;
  chunk: number;
}

export default defineActor({
  protocol: SenderProtocol,
  config: z.object({ target: z.string() }),
  start: (ctx) => ({ receiver: ctx.ref(ctx.config.target, ReceiverProtocol), stream: null as Stream | null }),
  handle(state, message, ctx) {
    if (message.kind === "sender.run") {
      const { round, n, chunk, inFlight } = message.body;
      for (let i = 0; i < inFlight; i++) ctx.self.tell("sender.more", { round });
      return { ...state, stream: { round, next: 0, n, chunk } };
    }
    const stream = state.stream;
    if (!stream || stream.round !== message.body.round || stream.next >= stream.n) return state;
    const end = Math.min(stream.n, stream.next + stream.chunk);
    for (let seq = stream.next; seq < end; seq++) {
      state.receiver.tell("receiver.item", { seq, callsign: CALLSIGNS[seq % CALLSIGNS.length] });
    }
    stream.next = end;
    if (end < stream.n) ctx.self.tell("sender.more", { round: stream.round });
    return state;
  },
});

/**
 * The message kinds of the bench actors and of the main-thread service they report to. The item body is
 * the "small typed message" measured: validated by zod in the receiver like any other actor message.
 */
import { z } from "zod";
import { defineProtocol } from "../runtime/protocol.ts";

/** Where bench actors report (a service the bench registers with `system.bus.serve`). */
export const REPORT = "$bench";

export const ItemSchema = z.object({
  seq: z.number().int().nonnegative(),
  callsign: z.string().min(2).max(10),
});

export const ReceiverProtocol = defineProtocol({
  /** Resets the count for a round; answered once the receiver is ready. */
  "receiver.expect": {
    body: z.object({ round: z.number().int(), n: z.number().int().positive() }),
    reply: z.object({}),
  },
  "receiver.item": { body: ItemSchema },
});

export const SenderProtocol = defineProtocol({
  /**
   * Starts a round: `n` items to the receiver, `chunk` per handled message, with `inFlight` of those
   * messages (self-tells) on their way at once so the sender never waits a whole round trip idle.
   */
  "sender.run": {
    body: z.object({
      round: z.number().int(),
      n: z.number().int().positive(),
      chunk: z.number().int().positive(),
      inFlight: z.number().int().positive(),
    }),
  },
  /** Sends the next chunk of the round, and asks for one more while items are left. */
  "sender.more": { body: z.object({ round: z.number().int() }) },
});

export const CrasherProtocol = defineProtocol({
  "crasher.throw": { body: z.object({}) },
  "crasher.echo": {
    body: z.object({ seq: z.number().int() }),
    reply: z.object({ seq: z.number().int(), incarnation: z.number().int() }),
  },
});

export const ReportProtocol = defineProtocol({
  "bench.done": {
    body: z.object({ round: z.number().int(), handled: z.number().int(), outOfOrder: z.number().int() }),
  },
});

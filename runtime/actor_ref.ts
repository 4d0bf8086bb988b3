/**
 * Builds the typed ActorRef handed out by the bus (main thread) and by actor cells (workers): both turn
 * tell and ask into envelopes; only where the envelope goes differs.
 */
import type { PendingAsks } from "./asks.ts";
import { type Envelope, envelope } from "./envelope.ts";
import { pack } from "./packed.ts";
import type { ActorRef, AskOptions, Protocol, SendOptions } from "./protocol.ts";

export interface RefWiring {
  /** The sender's address. */
  from: string;
  nextId: () => string;
  send: (env: Envelope) => void;
  asks: PendingAsks;
  /** Runs after an ask is sent (a cell flushes its batch, so a handler awaiting the answer is not stuck). */
  afterAsk?: () => void;
}

export function actorRef<P extends Protocol>(to: string, protocol: P, wiring: RefWiring): ActorRef<P> {
  const { from, nextId, send, asks } = wiring;
  return {
    name: to,
    tell: (kind, body, options?: SendOptions) => {
      const packed = protocol[kind]?.packed === true;
      send(envelope({
        kind,
        id: nextId(),
        from,
        to,
        body: packed ? pack(body) : body,
        deadline: options?.deadlineMs !== undefined ? Date.now() + options.deadlineMs : undefined,
        // A packed body's buffers are copied into its bytes; the bytes themselves move (runtime/wire.ts).
        transfer: packed ? undefined : options?.transfer,
        packed,
      }));
    },
    ask: (kind, body, options: AskOptions) => {
      const reply = protocol[kind]?.reply;
      if (!reply) return Promise.reject(new Error(`${kind} is not an ask kind of ${to}`));
      const id = nextId();
      const answer = asks.wait(id, to, kind, reply, options.timeoutMs);
      const packed = protocol[kind]?.packed === true;
      send(envelope({
        kind,
        id,
        from,
        to,
        body: packed ? pack(body) : body,
        ask: true,
        deadline: Date.now() + options.timeoutMs,
        packed,
      }));
      wiring.afterAsk?.();
      return answer as Promise<never>;
    },
  };
}

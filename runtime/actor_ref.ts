/**
 * Builds the typed ActorRef handed out by the bus (main thread) and by actor cells (workers): both turn
 * tell and ask into envelopes; only where the envelope goes differs.
 */
import type { PendingAsks } from "./asks.ts";
import { type Envelope, envelope } from "./envelope.ts";
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
      send(envelope({
        kind,
        id: nextId(),
        from,
        to,
        body,
        deadline: options?.deadlineMs !== undefined ? Date.now() + options.deadlineMs : undefined,
        transfer: options?.transfer,
      }));
    },
    ask: (kind, body, options: AskOptions) => {
      const reply = protocol[kind]?.reply;
      if (!reply) return Promise.reject(new Error(`${kind} is not an ask kind of ${to}`));
      const id = nextId();
      const answer = asks.wait(id, to, kind, reply, options.timeoutMs);
      send(envelope({ kind, id, from, to, body, ask: true, deadline: Date.now() + options.timeoutMs }));
      wiring.afterAsk?.();
      return answer as Promise<never>;
    },
  };
}

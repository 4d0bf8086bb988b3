/**
 * The versioned envelope every message travels in. It is validated with zod wherever it crosses a thread
 * boundary, so a malformed message becomes a dead letter instead of a crash in the receiver.
 */
import { z } from "zod";

/** Kinds starting with `$` belong to the runtime (faults, replies) and travel in the system lane. */
export const SYSTEM_PREFIX = "$";
/** The kind of an ask's answer; routed straight to the waiting asker, never through a mailbox. */
export const REPLY_KIND = "$reply";
/** Closes one of the receiver's circuit breakers (body `{ breaker }`): the control API's manual reset. */
export const BREAKER_RESET_KIND = "$breaker.reset";

export const EnvelopeSchema = z.object({
  v: z.literal(1),
  kind: z.string().min(1),
  id: z.string().min(1),
  from: z.string(),
  to: z.string().min(1),
  /** Wall-clock milliseconds: all threads of the process share this clock. */
  sentAt: z.number(),
  /** Wall-clock milliseconds after which the message is no longer worth handling. */
  deadline: z.number().optional(),
  /** Set on an ask: the receiver must answer with a `$reply` envelope. */
  ask: z.boolean().optional(),
  /** Set on a `$reply`: the id of the ask it answers. */
  inReplyTo: z.string().optional(),
  trace: z.string().optional(),
  /** Buffers inside `body` that move to the receiver instead of being copied. */
  transfer: z.array(z.instanceof(ArrayBuffer)).optional(),
  /** `body` is the ArrayBuffer of a packed body (runtime/packed.ts), read back by its receiver. */
  packed: z.literal(true).optional(),
  body: z.unknown(),
});

export type Envelope = z.infer<typeof EnvelopeSchema>;

/** The body of a `$reply`: the answer, or why there is none. */
export const ReplyBodySchema = z.discriminatedUnion("ok", [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: z.object({ code: z.string(), message: z.string() }) }),
]);
export type ReplyBody = z.infer<typeof ReplyBodySchema>;

export type Lane = "system" | "user";

export function laneOf(kind: string): Lane {
  return kind.startsWith(SYSTEM_PREFIX) ? "system" : "user";
}

/** Creates unique, cheap message ids: a random prefix per sender plus a counter. */
export function idGenerator(owner: string): () => string {
  const prefix = `${owner}.${crypto.randomUUID().slice(0, 8)}.`;
  let seq = 0;
  return () => prefix + (++seq).toString(36);
}

export interface EnvelopeFields {
  kind: string;
  from: string;
  to: string;
  body: unknown;
  id: string;
  deadline?: number;
  ask?: boolean;
  inReplyTo?: string;
  trace?: string;
  transfer?: ArrayBuffer[];
  packed?: boolean;
}

/** Builds an envelope, leaving optional fields out rather than undefined (structured clone keeps keys). */
export function envelope(fields: EnvelopeFields): Envelope {
  const env: Envelope = {
    v: 1,
    kind: fields.kind,
    id: fields.id,
    from: fields.from,
    to: fields.to,
    sentAt: Date.now(),
    body: fields.body,
  };
  if (fields.deadline !== undefined) env.deadline = fields.deadline;
  if (fields.ask) env.ask = true;
  if (fields.inReplyTo !== undefined) env.inReplyTo = fields.inReplyTo;
  if (fields.trace !== undefined) env.trace = fields.trace;
  if (fields.transfer && fields.transfer.length > 0) env.transfer = fields.transfer;
  if (fields.packed) env.packed = true;
  return env;
}

/** True when any buffer the envelope moved has been detached (it went to a thread that is now gone). */
export function lostTransfer(env: Envelope): boolean {
  return env.transfer?.some((buffer) => buffer.detached) ?? false;
}

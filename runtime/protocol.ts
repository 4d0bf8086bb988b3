/**
 * An actor's message kinds, declared once as zod schemas. The receiver validates every body against them,
 * and the TypeScript types of senders, handlers and replies are inferred from the same schemas.
 */
import type { z } from "zod";

export interface KindSpec {
  body: z.ZodType;
  /** Present for kinds that are asked: the schema of the answer. */
  reply?: z.ZodType;
  /**
   * The body crosses the main thread as bytes (runtime/packed.ts): for large bodies sent between
   * workers, which the main thread then neither reads nor clones. Buffers in such a body are copied
   * into the bytes, never moved.
   */
  packed?: boolean;
}

export type Protocol = Record<string, KindSpec>;

/** Declares a protocol; the identity function exists to keep the literal kind names in the type. */
export function defineProtocol<const P extends Protocol>(protocol: P): P {
  return protocol;
}

/** What a sender passes as the body of kind K. */
export type BodyIn<P extends Protocol, K extends keyof P> = z.input<P[K]["body"]>;
/** What a handler receives as the body of kind K, after validation. */
export type BodyOut<P extends Protocol, K extends keyof P> = z.output<P[K]["body"]>;

/** The kinds of P that expect an answer. */
export type AskKind<P extends Protocol> = {
  [K in keyof P & string]: P[K]["reply"] extends z.ZodType ? K : never;
}[keyof P & string];

export type ReplyIn<P extends Protocol, K extends keyof P> = P[K]["reply"] extends z.ZodType
  ? z.input<P[K]["reply"]>
  : never;
export type ReplyOut<P extends Protocol, K extends keyof P> = P[K]["reply"] extends z.ZodType
  ? z.output<P[K]["reply"]>
  : never;

/** A validated message as a handler sees it; `reply` answers an ask (at most once). */
export interface Message<K extends string, B, R> {
  readonly kind: K;
  readonly body: B;
  readonly id: string;
  readonly from: string;
  readonly sentAt: number;
  readonly isAsk: boolean;
  reply(value: R): void;
}

/** The union of every message an actor with protocol P can receive, discriminated by `kind`. */
export type MessageOf<P extends Protocol> = {
  [K in keyof P & string]: Message<K, BodyOut<P, K>, ReplyIn<P, K>>;
}[keyof P & string];

export interface SendOptions {
  /** Buffers inside the body to move rather than copy; the sender must not touch them afterwards. */
  transfer?: ArrayBuffer[];
  /** Drop the message as a dead letter if it is not handled within this many milliseconds. */
  deadlineMs?: number;
}

export interface AskOptions {
  /** Every ask has a deadline: the promise rejects with AskTimeoutError after it. */
  timeoutMs: number;
}

/** A typed handle on another actor, the same whether held by an actor or by the main thread. */
export interface ActorRef<P extends Protocol> {
  readonly name: string;
  tell<K extends keyof P & string>(kind: K, body: BodyIn<P, K>, options?: SendOptions): void;
  ask<K extends AskKind<P>>(kind: K, body: BodyIn<P, K>, options: AskOptions): Promise<ReplyOut<P, K>>;
}

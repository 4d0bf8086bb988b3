/**
 * What an actor is: a protocol, a config schema, and three functions over an explicit state value
 * (start, handle, stop), in the manner of ractor's pre_start / handle / post_stop. The runtime owns
 * everything else: the thread, the mailbox, timers, crashes and restarts.
 */
import type { Logger } from "@logtape/logtape";
import type { z } from "zod";
import type { ActorRef, BodyIn, MessageOf, Protocol } from "./protocol.ts";
import type { BreakerOptionsSchema, CircuitBreaker } from "../supervision/circuit_breaker.ts";
import type { RecordingSpan } from "./span.ts";

export interface ActorMetrics {
  /** Adds to a counter kept by the host, so it survives restarts of the actor. */
  count(name: string, by?: number, labels?: Record<string, string>): void;
  gauge(name: string, value: number, labels?: Record<string, string>): void;
  /** Records a duration in seconds into a histogram (runtime/histogram.ts has the buckets). */
  observe(name: string, seconds: number, labels?: Record<string, string>): void;
}

/** What a handler may do with the span of the message it handles. */
export type ActorSpan = Pick<RecordingSpan, "setAttribute" | "setAttributes" | "addEvent">;

export interface ActorContext<P extends Protocol, C> {
  /** The actor's name: its address on the bus. */
  readonly name: string;
  /** 1 for the first start, then one more per restart. */
  readonly incarnation: number;
  readonly config: C;
  readonly log: Logger;
  /** Aborted once the actor has stopped or failed: hand it to background I/O the actor starts. */
  readonly signal: AbortSignal;
  /** A typed handle on this actor itself. */
  readonly self: ActorRef<P>;
  ref<Q extends Protocol>(name: string, protocol: Q): ActorRef<Q>;
  /** Sends this actor a message after `delayMs`. Timers end with the incarnation; returns a cancel. */
  schedule<K extends keyof P & string>(delayMs: number, kind: K, body: BodyIn<P, K>): () => void;
  /** A circuit breaker owned by this actor, reported in health. Same name → same breaker. */
  breaker(name: string, options?: z.input<typeof BreakerOptionsSchema>): CircuitBreaker;
  readonly metrics: ActorMetrics;
  /**
   * The span of the message being handled while the system exports traces; undefined otherwise, and
   * outside a handler. Optional detail: a few small attributes or events (bounded per span).
   */
  readonly span: ActorSpan | undefined;
  /** Ends this actor normally once the current message is handled (a `normal` exit for its supervisor). */
  stopSelf(): void;
  /**
   * Sends what this handler has sent so far now. Sends are batched until the handler returns, which is
   * what makes the bus fast; a handler with urgent output followed by slow work flushes in between.
   */
  flush(): void;
}

export interface ActorDefinition<P extends Protocol, CS extends z.ZodType, S> {
  protocol: P;
  /** Validates the child spec's `config` before start; a bad config fails the start with the reason. */
  config: CS;
  start(ctx: ActorContext<P, z.output<CS>>): S | Promise<S>;
  handle(state: S, message: MessageOf<P>, ctx: ActorContext<P, z.output<CS>>): S | Promise<S>;
  stop?(state: S, ctx: ActorContext<P, z.output<CS>>): void | Promise<void>;
}

/** The shape the runtime handles once the types have done their job at the definition site. */
export type AnyActorDefinition = ActorDefinition<Protocol, z.ZodType, unknown>;

/** Declares an actor; the identity function exists for type inference. Export it as the module default. */
export function defineActor<P extends Protocol, CS extends z.ZodType, S>(
  definition: ActorDefinition<P, CS, S>,
): ActorDefinition<P, CS, S> {
  return definition;
}

/** Checks that a dynamically imported module's default export looks like an actor. */
export function isActorDefinition(value: unknown): value is AnyActorDefinition {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.start === "function" && typeof v.handle === "function" &&
    typeof v.protocol === "object" && v.protocol !== null && typeof v.config === "object" &&
    v.config !== null;
}

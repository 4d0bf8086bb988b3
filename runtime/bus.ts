/**
 * The mailbox bus in the main thread: routes envelopes by name to actor processes or in-process
 * services, answers asks from the main thread, and records every undeliverable message as a dead letter.
 */
import { PendingAsks } from "./asks.ts";
import { type Envelope, envelope, idGenerator, REPLY_KIND } from "./envelope.ts";
import { DeadLetters } from "./dead_letters.ts";
import { actorRef } from "./actor_ref.ts";
import { describeError, summariseIssues } from "./errors.ts";
import { MetricsRegistry } from "./metrics.ts";
import { unpack } from "./packed.ts";
import type { ActorRef, Message, MessageOf, Protocol } from "./protocol.ts";

/** Something that receives envelopes addressed to a name: an ActorProcess. */
export interface Endpoint {
  accept(env: Envelope): void;
  acceptReply(env: Envelope): void;
  /** Tells the endpoint's actor to hold (or resume) sending to `target`. */
  flow(target: string, hold: boolean): void;
}

interface Service {
  protocol: Protocol;
  handle(message: MessageOf<Protocol>): void | Promise<void>;
}

export class Bus {
  readonly deadLetters: DeadLetters;
  readonly metrics = new MetricsRegistry();
  #endpoints = new Map<string, Endpoint>();
  #services = new Map<string, Service>();
  #asks = new PendingAsks();
  #nextId = idGenerator("main");

  constructor(options: { deadLetterCapacity?: number } = {}) {
    this.deadLetters = new DeadLetters(options.deadLetterCapacity);
  }

  register(name: string, endpoint: Endpoint): void {
    if (this.#endpoints.has(name) || this.#services.has(name)) {
      throw new Error(`${name} is already on the bus`);
    }
    this.#endpoints.set(name, endpoint);
  }

  /** Serves a protocol from the main thread (e.g. `$system`); handlers must not block. */
  serve<P extends Protocol>(
    name: string,
    protocol: P,
    handle: (message: MessageOf<P>) => void | Promise<void>,
  ): void {
    if (this.#endpoints.has(name) || this.#services.has(name)) {
      throw new Error(`${name} is already on the bus`);
    }
    this.#services.set(name, { protocol, handle: handle as Service["handle"] });
  }

  has(name: string): boolean {
    return this.#endpoints.has(name) || this.#services.has(name);
  }

  /** Delivers an envelope that has already been validated at its thread boundary. */
  route(env: Envelope): void {
    if (env.kind === REPLY_KIND) return this.#routeReply(env);
    const endpoint = this.#endpoints.get(env.to);
    if (endpoint) return endpoint.accept(env);
    const service = this.#services.get(env.to);
    if (service) return this.#serve(service, env);
    this.deadLetters.recordEnvelope(env, "unknown_recipient", `no actor named ${env.to}`);
    if (env.ask) this.replyError(env, "unknown_recipient", `no actor named ${env.to}`);
  }

  /** Answers an ask with an error on behalf of a receiver that cannot (absent, full, failed). */
  replyError(request: Envelope, code: string, message: string): void {
    this.#routeReply(envelope({
      kind: REPLY_KIND,
      id: this.#nextId(),
      from: request.to,
      to: request.from,
      inReplyTo: request.id,
      body: { ok: false, error: { code, message } },
    }));
  }

  flow(sender: string, target: string, hold: boolean): void {
    this.#endpoints.get(sender)?.flow(target, hold);
  }

  /** A typed handle for the main thread (the HTTP front, tests) on an actor or service. */
  ref<P extends Protocol>(to: string, protocol: P, from = "$main"): ActorRef<P> {
    return actorRef(to, protocol, {
      from,
      nextId: this.#nextId,
      send: (env) => this.route(env),
      asks: this.#asks,
    });
  }

  /** Rejects every ask still waiting (used at shutdown so no timer outlives the system). */
  cancelAsks(why: string): void {
    this.#asks.cancelAll("cancelled", why);
  }

  #routeReply(env: Envelope): void {
    if (this.#asks.settle(env)) return;
    const endpoint = this.#endpoints.get(env.to);
    if (endpoint) return endpoint.acceptReply(env);
    this.deadLetters.recordEnvelope(env, "no_pending_ask", "the asker is gone or timed out");
  }

  #serve(service: Service, env: Envelope): void {
    const spec = service.protocol[env.kind];
    if (!spec) {
      this.deadLetters.recordEnvelope(env, "unknown_kind", `${env.to} has no message kind ${env.kind}`);
      if (env.ask) this.replyError(env, "unknown_kind", env.kind);
      return;
    }
    let raw: unknown = env.body;
    if (env.packed) {
      try {
        raw = unpack(env.body);
      } catch (error) {
        const detail = `the packed body cannot be read: ${describeError(error)}`;
        this.deadLetters.recordEnvelope(env, "invalid_body", detail);
        if (env.ask) this.replyError(env, "invalid_body", detail);
        return;
      }
    }
    const body = spec.body.safeParse(raw);
    if (!body.success) {
      this.deadLetters.recordEnvelope(env, "invalid_body", summariseIssues(body.error));
      if (env.ask) this.replyError(env, "invalid_body", summariseIssues(body.error));
      return;
    }
    let replied = false;
    const message: Message<string, unknown, unknown> = {
      kind: env.kind,
      body: body.data,
      id: env.id,
      from: env.from,
      sentAt: env.sentAt,
      isAsk: env.ask === true,
      reply: (value) => {
        if (!env.ask || replied) return;
        replied = true;
        this.#routeReply(envelope({
          kind: REPLY_KIND,
          id: this.#nextId(),
          from: env.to,
          to: env.from,
          inReplyTo: env.id,
          body: { ok: true, value },
        }));
      },
    };
    const fail = (error: unknown) => {
      if (env.ask && !replied) {
        replied = true;
        this.replyError(env, "service_failed", describeError(error));
      }
    };
    try {
      const done = service.handle(message as MessageOf<Protocol>);
      if (done instanceof Promise) done.catch(fail);
    } catch (error) {
      fail(error);
    }
  }
}

/** Asks waiting for their `$reply`, each with its deadline timer: shared by actor cells and the main thread. */
import type { z } from "zod";
import { type Envelope, ReplyBodySchema } from "./envelope.ts";
import { AskFailedError, AskTimeoutError, summariseIssues } from "./errors.ts";

interface PendingAsk {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
  reply: z.ZodType;
  to: string;
  kind: string;
}

export class PendingAsks {
  #asks = new Map<string, PendingAsk>();

  get size(): number {
    return this.#asks.size;
  }

  /** Registers ask `id`; the promise settles with the validated reply or rejects at the deadline. */
  wait(id: string, to: string, kind: string, reply: z.ZodType, timeoutMs: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#asks.delete(id);
        reject(new AskTimeoutError(to, kind, timeoutMs));
      }, timeoutMs);
      this.#asks.set(id, { resolve, reject, timer, reply, to, kind });
    });
  }

  /** Settles the ask a `$reply` answers; false when none is waiting (timed out, or a former incarnation's). */
  settle(env: Envelope): boolean {
    const pending = env.inReplyTo !== undefined ? this.#asks.get(env.inReplyTo) : undefined;
    if (!pending) return false;
    this.#asks.delete(env.inReplyTo as string);
    clearTimeout(pending.timer);
    const body = ReplyBodySchema.safeParse(env.body);
    if (!body.success) {
      pending.reject(new AskFailedError(pending.to, pending.kind, "invalid_reply", "malformed reply"));
    } else if (!body.data.ok) {
      pending.reject(
        new AskFailedError(pending.to, pending.kind, body.data.error.code, body.data.error.message),
      );
    } else {
      const value = pending.reply.safeParse(body.data.value);
      if (value.success) pending.resolve(value.data);
      else {
        pending.reject(
          new AskFailedError(pending.to, pending.kind, "invalid_reply", summariseIssues(value.error)),
        );
      }
    }
    return true;
  }

  /** Rejects every waiting ask and clears its timer: nothing outlives its owner. */
  cancelAll(code: string, why: string): void {
    for (const ask of this.#asks.values()) {
      clearTimeout(ask.timer);
      ask.reject(new AskFailedError(ask.to, ask.kind, code, why));
    }
    this.#asks.clear();
  }
}

/**
 * Messages that could not be delivered or handled, with the reason. Bounded: the newest `capacity` are
 * kept in full and every one is counted by reason, so nothing disappears without a trace.
 */
import type { Envelope } from "./envelope.ts";
import { RingBuffer } from "./ring_buffer.ts";

export type DeadLetterReason =
  | "unknown_recipient"
  | "invalid_envelope"
  | "unknown_kind"
  | "invalid_body"
  | "deadline_exceeded"
  | "mailbox_full"
  | "actor_failed"
  | "lost_on_crash"
  | "no_pending_ask"
  | "backpressure_overflow";

export interface DeadLetter {
  at: number;
  id: string;
  kind: string;
  from: string;
  to: string;
  reason: DeadLetterReason;
  detail: string;
}

export class DeadLetters {
  #recent: RingBuffer<DeadLetter>;
  #counts = new Map<DeadLetterReason, number>();
  #listeners = new Set<(letter: DeadLetter) => void>();

  constructor(capacity = 1000) {
    this.#recent = new RingBuffer(capacity);
  }

  record(letter: Omit<DeadLetter, "at"> & { at?: number }): void {
    const full: DeadLetter = { ...letter, at: letter.at ?? Date.now() };
    this.#recent.push(full);
    this.#counts.set(full.reason, (this.#counts.get(full.reason) ?? 0) + 1);
    for (const listener of this.#listeners) listener(full);
  }

  /** Records an envelope as undeliverable. Accepts partial envelopes: invalid ones are dead letters too. */
  recordEnvelope(env: Partial<Envelope>, reason: DeadLetterReason, detail: string): void {
    this.record({
      id: String(env.id ?? "?"),
      kind: String(env.kind ?? "?"),
      from: String(env.from ?? "?"),
      to: String(env.to ?? "?"),
      reason,
      detail,
    });
  }

  recent(limit = 100): DeadLetter[] {
    return this.#recent.last(limit);
  }

  counts(): Record<string, number> {
    return Object.fromEntries(this.#counts);
  }

  get total(): number {
    let sum = 0;
    for (const n of this.#counts.values()) sum += n;
    return sum;
  }

  onDeadLetter(listener: (letter: DeadLetter) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

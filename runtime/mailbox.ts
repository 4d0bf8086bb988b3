/**
 * A bounded two-lane mailbox. The system lane (kinds starting with `$`) is always taken before the user
 * lane. When the user lane is full, each kind's overflow policy decides what happens to a new message.
 */
import { z } from "zod";
import { type Envelope, laneOf } from "./envelope.ts";
import { Deque } from "./deque.ts";

export const OverflowPolicySchema = z.enum(["backpressure", "drop_oldest", "drop_newest", "fail"]);
/**
 * - `backpressure`: the message waits in a bounded parking area and its sender is held until there is room;
 * - `drop_oldest`: the oldest queued message of the same kind makes room (the newest data wins);
 * - `drop_newest`: the new message is dropped;
 * - `fail`: the new message is refused and an asking sender gets the error at once.
 */
export type OverflowPolicy = z.infer<typeof OverflowPolicySchema>;

export const MailboxOptionsSchema = z.object({
  capacity: z.number().int().positive().default(1000),
  /** Policy for kinds not listed in `kinds`. */
  overflow: OverflowPolicySchema.default("fail"),
  kinds: z.record(z.string(), OverflowPolicySchema).default({}),
  /** Bound of the system lane; runtime messages are few, so hitting it means a bug upstream. */
  systemCapacity: z.number().int().positive().default(256),
});
export type MailboxOptions = z.output<typeof MailboxOptionsSchema>;

export type OfferResult =
  | { status: "queued"; evicted?: Envelope }
  | { status: "parked" }
  | { status: "rejected"; policy: OverflowPolicy; detail: string };

export class Mailbox {
  readonly options: MailboxOptions;
  #system = new Deque<Envelope>();
  #user = new Deque<Envelope>();
  #parked = new Deque<Envelope>();

  constructor(options: z.input<typeof MailboxOptionsSchema> = {}) {
    this.options = MailboxOptionsSchema.parse(options);
  }

  get capacity(): number {
    return this.options.capacity;
  }

  /** Messages waiting in both lanes (not counting parked ones). */
  get depth(): number {
    return this.#system.length + this.#user.length;
  }

  get parked(): number {
    return this.#parked.length;
  }

  policyFor(kind: string): OverflowPolicy {
    return this.options.kinds[kind] ?? this.options.overflow;
  }

  offer(env: Envelope): OfferResult {
    if (laneOf(env.kind) === "system") {
      if (this.#system.length >= this.options.systemCapacity) {
        return { status: "rejected", policy: "fail", detail: "system lane full" };
      }
      this.#system.push(env);
      return { status: "queued" };
    }
    const policy = this.policyFor(env.kind);
    // Parked messages keep their order: a backpressured kind queues behind them even if room appeared.
    const mustPark = policy === "backpressure" && this.#parked.length > 0;
    if (this.#user.length < this.options.capacity && !mustPark) {
      this.#user.push(env);
      return { status: "queued" };
    }
    switch (policy) {
      case "drop_oldest": {
        const evicted = this.#user.removeFirst((queued) => queued.kind === env.kind);
        if (!evicted) return this.#reject(policy, "full of other kinds");
        this.#user.push(env);
        return { status: "queued", evicted };
      }
      case "backpressure":
        // Parking is bounded too: a sender that ignores being held cannot grow memory without limit.
        if (this.#parked.length >= this.options.capacity) return this.#reject(policy, "parking area full");
        this.#parked.push(env);
        return { status: "parked" };
      default:
        return this.#reject(policy, "full");
    }
  }

  #reject(policy: OverflowPolicy, why: string): OfferResult {
    return { status: "rejected", policy, detail: `mailbox ${why} (capacity ${this.options.capacity})` };
  }

  /** The message {@link take} would hand out next, left in place. */
  peek(): Envelope | undefined {
    return this.#system.peek() ?? this.#user.peek();
  }

  /** Takes up to `max` messages, system lane first, then moves parked messages into the freed room. */
  take(max: number): Envelope[] {
    const out: Envelope[] = [];
    while (out.length < max && this.#system.length > 0) out.push(this.#system.shift() as Envelope);
    while (out.length < max && this.#user.length > 0) out.push(this.#user.shift() as Envelope);
    while (this.#parked.length > 0 && this.#user.length < this.options.capacity) {
      this.#user.push(this.#parked.shift() as Envelope);
    }
    return out;
  }

  /**
   * Puts messages that were handed out but never handled back at the front of their lanes, in order.
   * They were accepted once, so they may briefly exceed the capacity rather than be lost.
   */
  requeue(envelopes: Envelope[]): void {
    this.#system.unshiftAll(envelopes.filter((env) => laneOf(env.kind) === "system"));
    this.#user.unshiftAll(envelopes.filter((env) => laneOf(env.kind) === "user"));
  }

  /** True when held senders may go on: nothing parked and at most half full. */
  get hasRoom(): boolean {
    return this.#parked.length === 0 && this.#user.length <= this.options.capacity / 2;
  }

  /** Empties the mailbox, returning everything it held (parked included). */
  clear(): Envelope[] {
    return [...this.#system.clear(), ...this.#user.clear(), ...this.#parked.clear()];
  }
}

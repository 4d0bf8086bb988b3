/**
 * Catches an actor whose thread no longer returns to its event loop (a CPU loop, a blocking call) or
 * whose thread has ended. It pings every `intervalMs` and checks four times per interval. A pong normally
 * comes back well within an interval, so 1.5 intervals of silence means the thread is stuck: that is
 * noticed at most 1.75 intervals after the last answer, inside the promised two.
 *
 * Silence is counted only while the watching thread itself runs. When a tick comes late (this thread
 * was busy: a long synchronous task, a GC pause, a starved CPU), the answer may be sitting unread in its
 * queue, so the time the watcher was away is not held against the actor; a real hang is then noticed
 * that much later. Without this, one stall of the main thread would "catch" every healthy actor.
 */
export interface HeartbeatHooks {
  ping(): void;
  /** False once the actor's thread is known to be gone (checked on every tick). */
  threadAlive(): boolean;
  onHung(silentMs: number): void;
  onGone(): void;
}

export class Heartbeat {
  #timer: ReturnType<typeof setInterval> | undefined;
  #lastPingAt = -Infinity;
  #lastPongAt = 0;
  #lastTickAt = 0;
  readonly #tickMs: number;

  constructor(readonly intervalMs: number, private readonly hooks: HeartbeatHooks) {
    this.#tickMs = Math.max(5, intervalMs / 4);
  }

  start(): void {
    if (this.intervalMs <= 0 || this.#timer !== undefined) return;
    this.#lastPongAt = this.#lastTickAt = performance.now();
    this.#lastPingAt = -Infinity;
    this.#timer = setInterval(() => this.#tick(), this.#tickMs);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  pong(): void {
    this.#lastPongAt = performance.now();
  }

  /** Milliseconds since the last pong, or null when not running. */
  get ageMs(): number | null {
    return this.#timer === undefined ? null : performance.now() - this.#lastPongAt;
  }

  #tick(): void {
    if (!this.hooks.threadAlive()) {
      this.stop();
      return this.hooks.onGone();
    }
    const now = performance.now();
    // A tick more than one period late means this thread was away; that time is not the actor's silence.
    const awayMs = now - this.#lastTickAt - this.#tickMs;
    this.#lastTickAt = now;
    if (awayMs > this.#tickMs) this.#lastPongAt = Math.min(now, this.#lastPongAt + awayMs);
    const silentMs = now - this.#lastPongAt;
    if (silentMs > this.intervalMs * 1.5) {
      this.stop();
      return this.hooks.onHung(silentMs);
    }
    if (now - this.#lastPingAt >= this.intervalMs) {
      this.#lastPingAt = now;
      this.hooks.ping();
    }
  }
}

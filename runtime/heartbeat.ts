/**
 * Catches an actor whose thread no longer returns to its event loop (a CPU loop, a blocking call) or
 * whose thread has ended. It pings every `intervalMs` and checks four times per interval. A pong normally
 * comes back well within an interval, so 1.5 intervals of silence means the thread is stuck: that is
 * noticed at most 1.75 intervals after the last answer, inside the promised two.
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

  constructor(readonly intervalMs: number, private readonly hooks: HeartbeatHooks) {}

  start(): void {
    if (this.intervalMs <= 0 || this.#timer !== undefined) return;
    this.#lastPongAt = performance.now();
    this.#lastPingAt = -Infinity;
    this.#timer = setInterval(() => this.#tick(), Math.max(5, this.intervalMs / 4));
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

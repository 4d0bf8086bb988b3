/**
 * OTP's maximum restart intensity: a supervisor that restarts more than `intensity` times within `period`
 * gives up and escalates, instead of restarting a child that keeps dying for the same reason.
 */

/**
 * A sliding window over restart times (monotonic ms).
 *
 * Boundary, as in OTP's `supervisor.erl` (`add_restart/3`: it keeps restarts `R >= Now - Period`; older
 * releases' `inPeriod/3` said `Now =< Then + Period`): a restart exactly `periodMs` old still counts. OTP
 * measures whole seconds; this window measures milliseconds with the same inclusive rule.
 *
 * @example
 * ```ts
 * const window = new RestartWindow(1, 5_000); // OTP's default: 1 restart in 5 s
 * window.record(0); // true: restart
 * window.record(4_000); // false: 2 restarts within 5 s, escalate
 * ```
 */
export class RestartWindow {
  /** Oldest first. Never more than intensity + 1 entries: beyond that the answer cannot change. */
  #times: number[] = [];

  constructor(readonly intensity: number, readonly periodMs: number) {
    if (!Number.isInteger(intensity) || intensity < 0) {
      throw new RangeError(`intensity must be an integer >= 0, got ${intensity}`);
    }
    if (!(periodMs > 0) || !Number.isFinite(periodMs)) {
      throw new RangeError(`periodMs must be a finite number > 0, got ${periodMs}`);
    }
  }

  /**
   * Records a restart at `now` (ms, monotonic, non-decreasing between calls) and returns false when this
   * restart exceeds the intensity (more than `intensity` restarts within the last `periodMs`), else true.
   */
  record(now: number): boolean {
    this.#times = this.#times.filter((t) => this.#inPeriod(t, now));
    this.#times.push(now);
    // The newest intensity + 1 restarts decide whether the count exceeds intensity, so older ones can go.
    if (this.#times.length > this.intensity + 1) this.#times.shift();
    return this.#times.length <= this.intensity;
  }

  /** Restarts inside the window at `now`; at most intensity + 1, as no more are kept. */
  count(now: number): number {
    return this.#times.filter((t) => this.#inPeriod(t, now)).length;
  }

  reset(): void {
    this.#times = [];
  }

  #inPeriod(then: number, now: number): boolean {
    return now - then <= this.periodMs;
  }
}

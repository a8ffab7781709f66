/** A deadline kept by {@link CoarseDeadlines}. */
export interface Deadline {
  /** `Date.now()` at which it passes. */
  readonly at: number;
  /** Runs once when it passes. */
  expire(): void;
}

/**
 * Long deadlines (a request's 10-minute timeout) checked together by one timer a second,
 * instead of a timer each: setting and clearing a timer per request costs more than a Set
 * entry, and a second's slack on a timeout of minutes changes nothing. The timer stops at
 * the first look that finds nothing pending, and never keeps the process alive.
 */
export class CoarseDeadlines {
  readonly #pending = new Set<Deadline>();
  readonly #resolutionMs: number;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(resolutionMs = 1000) {
    this.#resolutionMs = resolutionMs;
  }

  add(deadline: Deadline): void {
    this.#pending.add(deadline);
    if (this.#timer === undefined) {
      this.#timer = setInterval(this.#check, this.#resolutionMs);
      this.#timer.unref();
    }
  }

  /** Forgets a deadline; the timer stops at its next look if nothing is pending then. */
  delete(deadline: Deadline): void {
    this.#pending.delete(deadline);
  }

  readonly #check = (): void => {
    const now = Date.now();
    for (const deadline of this.#pending) {
      if (deadline.at > now) continue;
      this.#pending.delete(deadline);
      deadline.expire();
    }
    if (this.#pending.size === 0) this.#stop();
  };

  #stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

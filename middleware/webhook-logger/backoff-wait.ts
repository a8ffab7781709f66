/**
 * The wait before a retry. It keeps the process alive only while asked to (someone awaits
 * `client.flush()`), and `cancel()` ends it at once (the sink is closing).
 */
export class BackoffWait {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #wake: (() => void) | undefined;
  #keepAlive = false;

  /** Resolves after `delayMs`, or at once on `cancel()`. */
  wait(delayMs: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(this.#timer);
        this.#timer = undefined;
        this.#wake = undefined;
        resolve();
      };
      this.#wake = wake;
      this.#timer = setTimeout(wake, delayMs);
      if (!this.#keepAlive) this.#timer.unref?.();
    });
  }

  /** Whether the wait under way, and those to come, keep the process alive. */
  keepAlive(on: boolean): void {
    this.#keepAlive = on;
    if (on) this.#timer?.ref?.();
    else this.#timer?.unref?.();
  }

  /** Ends the wait under way now. */
  cancel(): void {
    this.#wake?.();
  }
}

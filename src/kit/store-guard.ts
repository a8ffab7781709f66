import type { Context } from '../context/context.js';
import { TimeoutError } from '../errors/timeout-error.js';

/** The first pause after the store failed; it doubles at each failure, to {@link LONGEST_PAUSE_MS}. */
const FIRST_PAUSE_MS = 1000;
const LONGEST_PAUSE_MS = 30_000;

/**
 * Runs a layer's operations on a shared store (Redis) so that the store never fails a call:
 * each within `timeoutMs` (and the call's own bounds), a failure reported once (as `label`)
 * until the store works again, and after a failure the store left alone for a pause (1 s,
 * doubling to 30 s) so that calls do not each wait out the timeout while Redis is down or slow;
 * one call then tries it again. What the layer does meanwhile (its own state, or refusing) is its
 * choice. The router and the limits layer use it.
 *
 * @example
 * const guard = new StoreGuard(200, 'my-layer (store)');
 * const count = await guard.run('count', () => store.run((redis) => redis.call('INCR', key)), ctx);
 * if (count === undefined) useLocalCount();
 */
export class StoreGuard {
  readonly #timeoutMs: number;
  readonly #label: string;
  #failing = false;
  #pauseMs = FIRST_PAUSE_MS;
  #pausedUntil = 0;

  constructor(timeoutMs: number, label: string) {
    this.#timeoutMs = timeoutMs;
    this.#label = label;
  }

  /** True while the store is left alone after a failure. */
  get paused(): boolean {
    return performance.now() < this.#pausedUntil;
  }

  /**
   * The operation's result, or undefined when the store is paused, failed or was too slow.
   * With `ctx`, the wait ends with the call; a failure goes to `reporter`'s (default `ctx`'s)
   * `onCallbackError`.
   */
  async run<T>(
    what: string,
    operation: () => Promise<T>,
    ctx?: Context,
    reporter: Context | undefined = ctx,
  ): Promise<T | undefined> {
    if (this.paused) return undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeoutMs = this.#timeoutMs;
    const expired = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new TimeoutError({
              message: `${this.#label}: the store took longer than ${timeoutMs} ms (${what})`,
            }),
          ),
        timeoutMs,
      );
      timer.unref?.();
    });
    try {
      const raced = Promise.race([operation(), expired]);
      const result = await (ctx === undefined ? raced : ctx.within(raced));
      this.#failing = false;
      this.#pauseMs = FIRST_PAUSE_MS;
      return result;
    } catch (error) {
      // The call itself ended (its signal, its totalTimeout): that is no store failure.
      if (ctx?.signal.aborted) throw error;
      // The machine's monotonic clock: a faked or jumping wall clock does not stretch the pause.
      this.#pausedUntil = performance.now() + this.#pauseMs;
      this.#pauseMs = Math.min(this.#pauseMs * 2, LONGEST_PAUSE_MS);
      if (!this.#failing) {
        this.#failing = true;
        reporter?.report(error, { callback: this.#label, event: what });
      }
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }
}

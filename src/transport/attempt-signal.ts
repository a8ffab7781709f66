import type { CallContext } from '../context/context.js';
import type { ShallotError } from '../errors/shallot-error.js';
import { TimeoutError } from '../errors/timeout-error.js';

/**
 * The signal of one HTTP attempt. It aborts when the call's signal aborts, or with a
 * `TimeoutError` when the attempt's deadline passes; a timed-out attempt leaves the call
 * itself alive, so that a later retry can run.
 */
export class AttemptSignal {
  readonly #controller = new AbortController();
  readonly #ctx: CallContext;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #forward = () => this.#controller.abort(this.#ctx.signal.reason);

  constructor(ctx: CallContext, timeout: number, what: string) {
    this.#ctx = ctx;
    if (ctx.signal.aborted) {
      this.#forward();
      return;
    }
    ctx.signal.addEventListener('abort', this.#forward, { once: true });
    this.#timer = setTimeout(() => {
      this.#controller.abort(
        new TimeoutError({
          model: ctx.request.model,
          message: `${what}: no answer within the timeout of ${timeout} ms. Raise timeout, or retry.`,
        }),
      );
    }, timeout);
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** The deadline no longer applies (a stream's head arrived; idle gaps are undici's bodyTimeout). */
  stopTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Ends this attempt's request, leaving the call alive (a chunk timeout). */
  cancel(reason: ShallotError): void {
    this.release();
    this.#controller.abort(reason);
  }

  /** Unlinks from the call; run when the attempt is over. */
  release(): void {
    this.stopTimer();
    this.#ctx.signal.removeEventListener('abort', this.#forward);
  }
}

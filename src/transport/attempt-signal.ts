import type { CallContext } from '../context/context.js';
import type { ShallotError } from '../errors/shallot-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import { CoarseDeadlines, type Deadline } from './deadlines.js';

/** Timeouts this long share one coarse timer; shorter ones get a timer each, to the millisecond. */
const COARSE_FROM_MS = 10_000;
const deadlines = new CoarseDeadlines();

/**
 * The signal of one HTTP attempt, handed to undici (which takes an emitter with `aborted` and
 * `reason` as a signal, and listens with `once('abort')` and `removeListener`). It aborts when
 * the call aborts, or with a `TimeoutError` when the attempt's deadline passes; a timed-out
 * attempt leaves the call itself alive, so that a later retry can run. Not an `AbortSignal`
 * (on Node 20 one and its listeners cost several microseconds per attempt), nor a whole
 * `EventEmitter`: one event, usually one listener.
 */
export class AttemptSignal implements Deadline {
  aborted = false;
  reason: ShallotError | undefined = undefined;
  readonly at: number;
  readonly #timeout: number;
  readonly #what: string;
  readonly #model: string;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #coarse = false;
  #unlink: (() => void) | undefined;
  #listeners: Array<() => void> | undefined;

  constructor(ctx: CallContext, timeout: number, what: string) {
    this.#timeout = timeout;
    this.#what = what;
    this.#model = ctx.request.model;
    this.at = Date.now() + timeout;
    this.#unlink = ctx.aborts.onAbort(this.#abort);
    if (this.aborted) return;
    if (timeout >= COARSE_FROM_MS) {
      this.#coarse = true;
      deadlines.add(this);
    } else {
      this.#timer = setTimeout(this.expire, timeout);
    }
  }

  /** Adds a listener of `'abort'` (the only event), run once when the attempt aborts. */
  on(event: string, listener: () => void): this {
    if (event !== 'abort' || this.aborted) return this;
    this.#listeners ??= [];
    this.#listeners.push(listener);
    return this;
  }

  /** {@link on}: the abort happens once. */
  once(event: string, listener: () => void): this {
    return this.on(event, listener);
  }

  /** Removes a listener added by {@link on}. */
  removeListener(event: string, listener: () => void): this {
    const listeners = this.#listeners;
    if (event !== 'abort' || listeners === undefined) return this;
    const index = listeners.indexOf(listener);
    if (index >= 0) listeners.splice(index, 1);
    return this;
  }

  /** {@link removeListener}. */
  off(event: string, listener: () => void): this {
    return this.removeListener(event, listener);
  }

  /** The deadline no longer applies (a stream's head arrived; idle gaps are undici's bodyTimeout). */
  stopTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#coarse) deadlines.delete(this);
    this.#coarse = false;
  }

  /** Ends this attempt's request, leaving the call alive (a chunk timeout). */
  cancel(reason: ShallotError): void {
    this.release();
    this.#abort(reason);
  }

  /** Unlinks from the call; run when the attempt is over. */
  release(): void {
    this.stopTimer();
    this.#unlink?.();
    this.#unlink = undefined;
  }

  readonly #abort = (reason: ShallotError): void => {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.#listeners;
    this.#listeners = undefined;
    if (listeners !== undefined) for (const listener of listeners) listener();
  };

  /** The deadline passed. @internal */
  readonly expire = (): void => {
    this.#timer = undefined;
    this.#coarse = false;
    this.#abort(
      new TimeoutError({
        model: this.#model,
        message: `${this.#what}: no answer within the timeout of ${this.#timeout} ms. Raise timeout, or retry.`,
      }),
    );
  };
}

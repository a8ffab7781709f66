import type { CallContext } from '../context/context.js';
import type { ShallotError } from '../errors/shallot-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import { CoarseDeadlines, type Deadline } from './deadlines.js';

/** Timeouts this long share one coarse timer; shorter ones get a timer each, to the millisecond. */
const COARSE_FROM_MS = 10_000;
const deadlines = new CoarseDeadlines();

type AbortListener = () => void;

/**
 * The signal of one HTTP attempt, handed to undici, which takes any object with `aborted`,
 * `reason` and the emitter methods `on`, `once` and `removeListener` as a signal. It aborts
 * when the call aborts, or with a `TimeoutError` when the attempt's deadline passes; a
 * timed-out attempt leaves the call itself alive, so that a later retry can run. Neither an
 * `AbortController` (on Node 20 an `AbortSignal` and its listeners cost several microseconds
 * per attempt) nor an `EventEmitter` (its `once` wraps each listener): only the one event
 * undici listens to, `'abort'`, fired at most once.
 */
export class AttemptSignal implements Deadline {
  aborted = false;
  reason: ShallotError | undefined = undefined;
  #listeners: AbortListener[] | undefined;
  readonly at: number;
  readonly #timeout: number;
  readonly #what: string;
  readonly #model: string;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #coarse = false;
  #unlink: (() => void) | undefined;

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

  /** Listens for the abort (the only event there is; it fires once). */
  on(event: string, listener: AbortListener): this {
    if (event !== 'abort' || this.aborted) return this;
    if (this.#listeners === undefined) this.#listeners = [listener];
    else this.#listeners.push(listener);
    return this;
  }

  /** As {@link on}: the abort fires at most once anyway. */
  once(event: string, listener: AbortListener): this {
    return this.on(event, listener);
  }

  removeListener(event: string, listener: AbortListener): this {
    const listeners = this.#listeners;
    if (event !== 'abort' || listeners === undefined) return this;
    const index = listeners.lastIndexOf(listener);
    if (index >= 0) listeners.splice(index, 1);
    return this;
  }

  off(event: string, listener: AbortListener): this {
    return this.removeListener(event, listener);
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

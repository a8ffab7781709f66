import type { CallbackErrorInfo } from './options.js';

/** Reports a task's failure, with who it belongs to (what `onCallbackError` is told). */
type Report = (error: unknown, label: CallbackErrorInfo) => void;

interface Task {
  run: () => unknown;
  label: CallbackErrorInfo;
}

/**
 * Work that runs off the hot path: callbacks and sinks after the caller has its result.
 * Tasks run in the order they were deferred, in batches after the current turn of the
 * event loop; a task that returns a promise is tracked until it settles. `idle()` is what
 * `client.flush()` waits on. A task's failure is reported, never thrown.
 */
export class Background {
  readonly #report: Report;
  #queue: Task[] = [];
  #scheduled = false;
  #inFlight = 0;
  #waiters: Array<() => void> = [];

  constructor(report: Report) {
    this.#report = report;
  }

  /** Tasks not yet finished: queued, or started and not settled. */
  get pending(): number {
    return this.#queue.length + this.#inFlight;
  }

  /** Runs `run` after the current turn, in order with the other deferred tasks. */
  defer(run: () => unknown, label: CallbackErrorInfo): void {
    this.#queue.push({ run, label });
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#drain);
    }
  }

  /** Tracks work that has already started. */
  track(promise: PromiseLike<unknown>, label: CallbackErrorInfo): void {
    this.#inFlight++;
    promise.then(this.#settled, (error: unknown) => {
      this.#report(error, label);
      this.#settled();
    });
  }

  /** Resolves `true` once nothing is pending, or `false` when `timeoutMs` passes first. */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.pending === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((waiter) => waiter !== done);
        resolve(false);
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.#waiters.push(done);
    });
  }

  readonly #drain = () => {
    this.#scheduled = false;
    const batch = this.#queue;
    this.#queue = [];
    for (const task of batch) {
      try {
        const result = task.run();
        if (isPromiseLike(result)) this.track(result, task.label);
      } catch (error) {
        this.#report(error, task.label);
      }
    }
    // The batch may live in the old generation: emptied, it holds no finished call alive.
    batch.length = 0;
    this.#checkIdle();
  };

  readonly #settled = () => {
    this.#inFlight--;
    this.#checkIdle();
  };

  #checkIdle(): void {
    if (this.pending > 0 || this.#waiters.length === 0) return;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter();
  }
}

/** True for a promise, or anything with a `then`. */
export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  );
}

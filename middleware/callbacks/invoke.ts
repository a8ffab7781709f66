import type { CallbackKwargs, Context } from '../../src/kit/index.js';
import type { CallbackEvent, Invocation } from './plan.js';

/**
 * Runs the callbacks of one event in isolation: a throw or a rejection goes to the client's
 * error hook and nowhere else. Async callbacks run side by side; `settled()` is their end.
 */
export class EventRun {
  readonly #ctx: Context;
  readonly #event: CallbackEvent;
  readonly #pending: Promise<unknown>[] = [];

  constructor(ctx: Context, event: CallbackEvent) {
    this.#ctx = ctx;
    this.#event = event;
  }

  call(
    invocation: Invocation,
    kwargs: CallbackKwargs,
    payload: unknown,
    start: Date,
    end: Date | null,
  ): void {
    const label = { callback: invocation.name, event: this.#event };
    try {
      const result = invocation.run(kwargs, payload, start, end);
      if (isThenable(result)) {
        this.#pending.push(
          Promise.resolve(result).catch((error: unknown) => this.#ctx.report(error, label)),
        );
      }
    } catch (error) {
      this.#ctx.report(error, label);
    }
  }

  /** Resolves when every async callback has settled; undefined when there were none. */
  settled(): Promise<unknown> | undefined {
    return this.#pending.length > 0 ? Promise.all(this.#pending) : undefined;
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

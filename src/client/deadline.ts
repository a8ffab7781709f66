import type { Middleware } from '../call/middleware.js';
import { type DeadlineOptions, settledBefore } from '../record/sink.js';
import type { CallbackErrorInfo } from './options.js';

/** How long `flush()` and `shutdown()` wait when told nothing else. */
export const DEFAULT_FLUSH_TIMEOUT_MS = 10_000;

/** The longest delay a Node timer takes; beyond it, `setTimeout` fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** What a `flush()` of a layer receives. */
export interface Flushable {
  flush(options: DeadlineOptions): unknown;
}

/** What a `close()` of a layer receives. */
export interface Closable {
  close(options: DeadlineOptions): unknown;
}

/** True for a layer with a `flush()` (a sink). */
export function hasFlush<T extends object>(layer: T): layer is T & Flushable {
  return typeof (layer as Partial<Flushable>).flush === 'function';
}

/** True for a layer with a `close()` (a sink, a cache layer). */
export function hasClose<T extends object>(layer: T): layer is T & Closable {
  return typeof (layer as Partial<Closable>).close === 'function';
}

/**
 * The one deadline of a `flush()` or `shutdown()`: the time left, and the signal the layers
 * receive, which aborts when it passes. `clear()` it when done, so no timer outlives the call.
 */
export class Deadline {
  readonly #controller = new AbortController();
  readonly #endsAt: number;
  readonly #timer: ReturnType<typeof setTimeout>;
  /** What each layer's `flush()` and `close()` receive; frozen, as every layer shares it. */
  readonly options: DeadlineOptions = Object.freeze({ signal: this.#controller.signal });

  /** `timeoutMs`: a number of milliseconds (capped at what a timer takes), else the default. */
  constructor(timeoutMs: unknown) {
    const ms =
      typeof timeoutMs === 'number' && !Number.isNaN(timeoutMs)
        ? Math.min(Math.max(0, timeoutMs), MAX_TIMER_MS)
        : DEFAULT_FLUSH_TIMEOUT_MS;
    this.#endsAt = Date.now() + ms;
    this.#timer = setTimeout(() => this.#controller.abort(), ms);
  }

  /** Milliseconds left, 0 once passed. */
  remainingMs(): number {
    return Math.max(0, this.#endsAt - Date.now());
  }

  /** Resolves `true` once `work` has settled, `false` when the deadline passes first. */
  race(work: Promise<unknown>): Promise<boolean> {
    return settledBefore(work, this.#controller.signal);
  }

  /** Stops the timer. */
  clear(): void {
    clearTimeout(this.#timer);
  }
}

/** Runs a layer's `flush()` or `close()`: a throw or a rejection is reported, never passed on. */
export function settle(
  run: () => unknown,
  label: CallbackErrorInfo,
  report: (error: unknown, label: CallbackErrorInfo) => void,
): Promise<void> {
  try {
    return Promise.resolve(run()).then(
      () => {},
      (error: unknown) => report(error, label),
    );
  } catch (error) {
    report(error, label);
    return Promise.resolve();
  }
}

/** Who a layer's failure is reported as: its function name (a sink's name). */
export function labelOf(layer: Middleware, event: 'flush' | 'close'): CallbackErrorInfo {
  return { callback: layer.name || 'middleware', event };
}

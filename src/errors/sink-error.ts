import { hasCode, ShallotError, type ShallotErrorOptions } from './shallot-error.js';

/** Evidence of a logging sink's failure. */
export interface SinkErrorOptions extends ShallotErrorOptions {
  /** The sink's name (`webhookLogger`, `postgresLogger`, ...). */
  sink: string;
}

/**
 * A logging sink could not deliver records (`sink_delivery`), or had to drop some
 * (`sink_overflow`). Reported to the client's `onCallbackError`; never thrown to a call.
 */
export class SinkError extends ShallotError {
  /** The sink that failed. */
  readonly sink: string;

  constructor(code: 'sink_delivery' | 'sink_overflow', options: SinkErrorOptions) {
    super(code, options, options.retryable ?? false);
    this.sink = options.sink;
  }
}

/** True when `error` is a {@link SinkError}. */
export function isSinkError(error: unknown): error is SinkError {
  return hasCode(error, 'sink_delivery', 'sink_overflow');
}

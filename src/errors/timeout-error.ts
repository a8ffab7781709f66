import { hasCode, ShallotError, type ShallotErrorOptions } from './shallot-error.js';

/** No answer in time: the call's `timeout`, a connect, header or body timeout, or HTTP 408/504. */
export class TimeoutError extends ShallotError {
  constructor(options: ShallotErrorOptions) {
    super('timeout', options, true);
  }
}

/** True when `error` is a {@link TimeoutError}. */
export function isTimeoutError(error: unknown): error is TimeoutError {
  return hasCode(error, 'timeout');
}

import { hasCode, ShallotError, type ShallotErrorOptions } from './shallot-error.js';

/**
 * Every model of a call's fallbacks failed. `errors` holds each attempt's error, in order;
 * `cause` is the last one.
 */
export class AllFallbacksFailedError extends ShallotError {
  /** Each attempt's error, first to last. */
  readonly errors: readonly ShallotError[];

  constructor(options: ShallotErrorOptions & { errors: readonly ShallotError[] }) {
    super('all_fallbacks_failed', options, false);
    this.errors = options.errors;
  }
}

/** True when `error` is an {@link AllFallbacksFailedError}. */
export function isAllFallbacksFailedError(error: unknown): error is AllFallbacksFailedError {
  return hasCode(error, 'all_fallbacks_failed');
}

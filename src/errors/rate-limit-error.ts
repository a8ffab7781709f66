import { hasCode, ShallotError, type ShallotErrorOptions } from './shallot-error.js';

/** Too many requests or tokens (HTTP 429); `retryAfterMs` says how long to wait. An exhausted quota is not retryable. */
export class RateLimitError extends ShallotError {
  constructor(options: ShallotErrorOptions) {
    super('rate_limit', options, true);
  }
}

/** True when `error` is a {@link RateLimitError}. */
export function isRateLimitError(error: unknown): error is RateLimitError {
  return hasCode(error, 'rate_limit');
}

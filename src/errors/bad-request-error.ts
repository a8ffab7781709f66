import {
  type ErrorCode,
  hasCode,
  ShallotError,
  type ShallotErrorOptions,
} from './shallot-error.js';

/** The provider refused the request as malformed (HTTP 400, 413, 422). */
export class BadRequestError extends ShallotError {
  constructor(options: ShallotErrorOptions, code: ErrorCode = 'bad_request') {
    super(code, options, false);
  }
}

/** True when `error` is a {@link BadRequestError}, including its subclasses. */
export function isBadRequestError(error: unknown): error is BadRequestError {
  return hasCode(error, 'bad_request', 'context_window_exceeded', 'content_policy_violation');
}

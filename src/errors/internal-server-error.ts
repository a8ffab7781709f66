import { hasCode, ShallotError, type ShallotErrorOptions } from './shallot-error.js';

/** The provider failed (HTTP 500, 502 and other 5xx). */
export class InternalServerError extends ShallotError {
  constructor(options: ShallotErrorOptions) {
    super('internal_server', options, true);
  }
}

/** True when `error` is a {@link InternalServerError}. */
export function isInternalServerError(error: unknown): error is InternalServerError {
  return hasCode(error, 'internal_server');
}

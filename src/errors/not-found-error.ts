import { hasCode, ShallotError, type ShallotErrorOptions } from './shallot-error.js';

/** The model, deployment or endpoint does not exist (HTTP 404). */
export class NotFoundError extends ShallotError {
  constructor(options: ShallotErrorOptions) {
    super('not_found', options, false);
  }
}

/** True when `error` is a {@link NotFoundError}. */
export function isNotFoundError(error: unknown): error is NotFoundError {
  return hasCode(error, 'not_found');
}

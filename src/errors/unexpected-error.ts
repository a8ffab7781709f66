import { hasCode, ShallotError, type ShallotErrorOptions } from './shallot-error.js';

/** Something that is not a `ShallotError` was thrown inside the chain (a middleware's own error, say); `cause` holds it. */
export class UnexpectedError extends ShallotError {
  constructor(options: ShallotErrorOptions) {
    super('unexpected', options, false);
  }
}

/** True when `error` is an {@link UnexpectedError}. */
export function isUnexpectedError(error: unknown): error is UnexpectedError {
  return hasCode(error, 'unexpected');
}

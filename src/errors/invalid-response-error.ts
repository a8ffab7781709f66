import { hasCode, ShallotError, type ShallotErrorOptions } from './shallot-error.js';

/** The provider answered with something that is not what its protocol promises: malformed JSON, a malformed SSE event. */
export class InvalidResponseError extends ShallotError {
  constructor(options: ShallotErrorOptions) {
    super('invalid_response', options, true);
  }
}

/** True when `error` is a {@link InvalidResponseError}. */
export function isInvalidResponseError(error: unknown): error is InvalidResponseError {
  return hasCode(error, 'invalid_response');
}

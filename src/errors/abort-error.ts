import { hasCode, ShallotError, type ShallotErrorOptions } from './shallot-error.js';

/** The call was cancelled: the caller's `AbortSignal`, or a consumer that stopped reading a stream early. `partialResponse` holds what arrived. */
export class AbortError extends ShallotError {
  constructor(options: ShallotErrorOptions) {
    super('aborted', options, false);
  }
}

/** True when `error` is a {@link AbortError}. */
export function isAbortError(error: unknown): error is AbortError {
  return hasCode(error, 'aborted');
}

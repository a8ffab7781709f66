import { hasCode, ShallotError, type ShallotErrorOptions } from './shallot-error.js';

/** A stream ended before its terminal marker: the connection was cut or closed early. `partialResponse` holds what arrived. */
export class IncompleteStreamError extends ShallotError {
  constructor(options: ShallotErrorOptions) {
    super('incomplete_stream', options, true);
  }
}

/** True when `error` is a {@link IncompleteStreamError}. */
export function isIncompleteStreamError(error: unknown): error is IncompleteStreamError {
  return hasCode(error, 'incomplete_stream');
}

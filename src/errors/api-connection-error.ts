import { hasCode, ShallotError, type ShallotErrorOptions } from './shallot-error.js';

/** The connection failed before a response arrived: refused, reset, DNS, TLS. */
export class APIConnectionError extends ShallotError {
  constructor(options: ShallotErrorOptions) {
    super('api_connection', options, true);
  }
}

/** True when `error` is a {@link APIConnectionError}. */
export function isAPIConnectionError(error: unknown): error is APIConnectionError {
  return hasCode(error, 'api_connection');
}

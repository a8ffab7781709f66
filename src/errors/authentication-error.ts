import { hasCode, ShallotError, type ShallotErrorOptions } from './shallot-error.js';

/** The provider rejected the credentials (HTTP 401), or no API key was found before the call. */
export class AuthenticationError extends ShallotError {
  constructor(options: ShallotErrorOptions) {
    super('authentication', options, false);
  }
}

/** True when `error` is a {@link AuthenticationError}. */
export function isAuthenticationError(error: unknown): error is AuthenticationError {
  return hasCode(error, 'authentication');
}

import { hasCode, ShallotError, type ShallotErrorOptions } from './shallot-error.js';

/** The client was shut down and refuses new calls. */
export class ShutdownError extends ShallotError {
  constructor(options: ShallotErrorOptions) {
    super('shutdown', options, false);
  }
}

/** True when `error` is a {@link ShutdownError}. */
export function isShutdownError(error: unknown): error is ShutdownError {
  return hasCode(error, 'shutdown');
}

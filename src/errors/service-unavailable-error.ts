import { hasCode, ShallotError, type ShallotErrorOptions } from './shallot-error.js';

/** The provider is overloaded or down (HTTP 503, Anthropic's 529). */
export class ServiceUnavailableError extends ShallotError {
  constructor(options: ShallotErrorOptions) {
    super('service_unavailable', options, true);
  }
}

/** True when `error` is a {@link ServiceUnavailableError}. */
export function isServiceUnavailableError(error: unknown): error is ServiceUnavailableError {
  return hasCode(error, 'service_unavailable');
}

import { BadRequestError } from './bad-request-error.js';
import type { ShallotErrorOptions } from './shallot-error.js';
import { hasCode } from './shallot-error.js';

/** The prompt and the requested output do not fit the model's context window. A `BadRequestError`. */
export class ContextWindowExceededError extends BadRequestError {
  constructor(options: ShallotErrorOptions) {
    super(options, 'context_window_exceeded');
  }
}

/** True when `error` is a {@link ContextWindowExceededError}. */
export function isContextWindowExceededError(error: unknown): error is ContextWindowExceededError {
  return hasCode(error, 'context_window_exceeded');
}

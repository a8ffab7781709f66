import { BadRequestError } from './bad-request-error.js';
import type { ShallotErrorOptions } from './shallot-error.js';
import { hasCode } from './shallot-error.js';

/** The provider's content filter refused the prompt. A `BadRequestError`. */
export class ContentPolicyViolationError extends BadRequestError {
  constructor(options: ShallotErrorOptions) {
    super(options, 'content_policy_violation');
  }
}

/** True when `error` is a {@link ContentPolicyViolationError}. */
export function isContentPolicyViolationError(
  error: unknown,
): error is ContentPolicyViolationError {
  return hasCode(error, 'content_policy_violation');
}

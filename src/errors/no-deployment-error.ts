import { hasCode, ShallotError, type ShallotErrorOptions } from './shallot-error.js';

/**
 * A router found no deployment of a model group to send the attempt to: every one is cooling
 * down, over its per-minute limits, too small for the request, or already failed in this call.
 * Raised before any network call; `retryAfterMs` says when the first deployment is back, where
 * one is. Not retryable (no wait on the hot path); a fallback to another model still applies.
 */
export class NoDeploymentAvailableError extends ShallotError {
  /** The model group the call asked for. */
  readonly modelGroup: string;

  constructor(options: ShallotErrorOptions & { modelGroup: string }) {
    super('no_deployment_available', options, false);
    this.modelGroup = options.modelGroup;
  }
}

/** True when `error` is a {@link NoDeploymentAvailableError}. */
export function isNoDeploymentAvailableError(error: unknown): error is NoDeploymentAvailableError {
  return hasCode(error, 'no_deployment_available');
}

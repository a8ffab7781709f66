import { hasCode, ShallotError, type ShallotErrorOptions } from './shallot-error.js';

/** The key is valid but may not do this (HTTP 403): region, model access or billing. */
export class PermissionDeniedError extends ShallotError {
  constructor(options: ShallotErrorOptions) {
    super('permission_denied', options, false);
  }
}

/** True when `error` is a {@link PermissionDeniedError}. */
export function isPermissionDeniedError(error: unknown): error is PermissionDeniedError {
  return hasCode(error, 'permission_denied');
}

export { AbortError, isAbortError } from './abort-error.js';
export {
  AllFallbacksFailedError,
  isAllFallbacksFailedError,
} from './all-fallbacks-failed-error.js';
export { APIConnectionError, isAPIConnectionError } from './api-connection-error.js';
export { AuthenticationError, isAuthenticationError } from './authentication-error.js';
export { BadRequestError, isBadRequestError } from './bad-request-error.js';
export { BudgetExceededError, isBudgetExceededError } from './budget-exceeded-error.js';
export {
  ContentPolicyViolationError,
  isContentPolicyViolationError,
} from './content-policy-violation-error.js';
export {
  ContextWindowExceededError,
  isContextWindowExceededError,
} from './context-window-exceeded-error.js';
export { IncompleteStreamError, isIncompleteStreamError } from './incomplete-stream-error.js';
export { InternalServerError, isInternalServerError } from './internal-server-error.js';
export { InvalidResponseError, isInvalidResponseError } from './invalid-response-error.js';
export {
  isNoDeploymentAvailableError,
  NoDeploymentAvailableError,
} from './no-deployment-error.js';
export { isNotFoundError, NotFoundError } from './not-found-error.js';
export { isPermissionDeniedError, PermissionDeniedError } from './permission-denied-error.js';
export { isRateLimitError, RateLimitError } from './rate-limit-error.js';
export {
  isServiceUnavailableError,
  ServiceUnavailableError,
} from './service-unavailable-error.js';
export {
  type ErrorCode,
  isShallotError,
  ShallotError,
  type ShallotErrorOptions,
} from './shallot-error.js';
export { isShutdownError, ShutdownError } from './shutdown-error.js';
export { isSinkError, SinkError, type SinkErrorOptions } from './sink-error.js';
export { isTimeoutError, TimeoutError } from './timeout-error.js';
export { isUnexpectedError, UnexpectedError } from './unexpected-error.js';
export { isValidationError, ValidationError, type ValidationIssue } from './validation-error.js';

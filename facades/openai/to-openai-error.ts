import { isShallotError, isValidationError, type ShallotError } from '../../index.js';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  OpenAIError,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
} from './errors.js';

/**
 * The status an error without an HTTP answer of its own gets: the one shallot's gateway answers
 * with for it, so that the facade throws what openai-node throws when it calls the gateway.
 */
const STATUS_OF_CODE: ReadonlyMap<string, number> = new Map([
  ['validation', 400],
  ['bad_request', 400],
  ['context_window_exceeded', 400],
  ['content_policy_violation', 400],
  ['authentication', 401],
  ['permission_denied', 403],
  ['not_found', 404],
  ['rate_limit', 429],
  ['budget_exceeded', 429],
  ['no_deployment_available', 429],
  ['invalid_response', 502],
  ['service_unavailable', 503],
  ['internal_server', 500],
  ['unexpected', 500],
]);

/** Failures where no answer arrived: openai-node's `APIConnectionError`. */
const CONNECTION_CODES: ReadonlySet<string> = new Set([
  'api_connection',
  'incomplete_stream',
  'shutdown',
]);

/** OpenAI's error `type` by status. */
const TYPE_OF_STATUS: ReadonlyMap<number, string> = new Map([
  [400, 'invalid_request_error'],
  [401, 'authentication_error'],
  [403, 'permission_error'],
  [404, 'not_found_error'],
  [429, 'rate_limit_error'],
]);

type StatusErrorClass = new (
  status: number,
  error: object | undefined,
  message: string | undefined,
  headers: Headers,
  options: { cause: unknown },
) => APIError;

/**
 * The openai-node error a failed call stands for, keeping the call's error as `cause`:
 * - an answer with an HTTP status: the class openai-node picks for that status (400
 *   `BadRequestError`, 429 `RateLimitError`, >= 500 `InternalServerError`, ...), with the
 *   body's `error` object, its `code`, `param` and `type`;
 * - an abort: `APIUserAbortError`; a timeout: `APIConnectionTimeoutError`; a connection
 *   that failed or was cut: `APIConnectionError`;
 * - a refusal of shallot's own (a `ValidationError`, a limit, a budget): the status and body
 *   shallot's gateway answers with (400, 429, ...), `code` being shallot's error code.
 */
export function toOpenAIError(error: unknown): OpenAIError {
  if (error instanceof OpenAIError) return error;
  if (!isShallotError(error)) {
    const message = error instanceof Error ? error.message : String(error);
    return new OpenAIError(message, { cause: error });
  }
  // What failed last is what the caller can act on; the whole story stays in `cause`.
  const evidence =
    error.code === 'all_fallbacks_failed' && isShallotError(error.cause) ? error.cause : error;
  if (evidence.code === 'aborted') {
    return new APIUserAbortError({ message: error.message, cause: error });
  }
  const answered = evidence.code === 'validation' ? undefined : evidence.status;
  if (answered === undefined && evidence.code === 'timeout') {
    return new APIConnectionTimeoutError({ message: error.message, cause: error });
  }
  if (answered === undefined && CONNECTION_CODES.has(evidence.code)) {
    return new APIConnectionError({ message: error.message, cause: error });
  }
  const status = answered ?? STATUS_OF_CODE.get(evidence.code) ?? 500;
  const body = answered === undefined ? ownErrorBody(evidence, status) : answerErrorBody(evidence);
  const ErrorClass = classOfStatus(status);
  return new ErrorClass(status, body, error.message, headersOf(evidence), { cause: error });
}

/** openai-node's class for an HTTP status. */
function classOfStatus(status: number): StatusErrorClass {
  if (status === 400) return BadRequestError;
  if (status === 401) return AuthenticationError;
  if (status === 403) return PermissionDeniedError;
  if (status === 404) return NotFoundError;
  if (status === 409) return ConflictError;
  if (status === 422) return UnprocessableEntityError;
  if (status === 429) return RateLimitError;
  if (status >= 500) return InternalServerError;
  return APIError as StatusErrorClass;
}

/** The `error` field of the provider's JSON answer, as openai-node reads it. */
function answerErrorBody(error: ShallotError): object | undefined {
  const body = error.body;
  if (body === null || typeof body !== 'object') return undefined;
  const inner = (body as { error?: unknown }).error;
  return inner !== null && typeof inner === 'object' ? inner : undefined;
}

/** The body shallot's gateway answers a refusal of its own with. */
function ownErrorBody(error: ShallotError, status: number): object {
  return {
    message: error.message,
    type: TYPE_OF_STATUS.get(status) ?? (status >= 500 ? 'api_error' : 'invalid_request_error'),
    param: isValidationError(error) ? error.field : null,
    code: error.code,
  };
}

/** The headers shallot kept of the answer: its request id and how long to wait. */
function headersOf(error: ShallotError): Headers {
  const headers = new Headers();
  if (error.requestId !== undefined) headers.set('x-request-id', error.requestId);
  if (error.retryAfterMs !== undefined) {
    headers.set('retry-after-ms', String(Math.round(error.retryAfterMs)));
    headers.set('retry-after', String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))));
  }
  return headers;
}

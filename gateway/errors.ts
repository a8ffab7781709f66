import { isShallotError, type ShallotError } from '../src/kit/index.js';

/** An error as an OpenAI client expects it: a status, `{ error: { message, type, param, code } }`, headers. */
export interface HttpError {
  status: number;
  body: { error: { message: string; type: string; param: string | null; code: string | null } };
  headers: Record<string, string>;
}

/** OpenAI's error types by status. */
const TYPES: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  408: 'timeout_error',
  413: 'invalid_request_error',
  429: 'rate_limit_error',
};

/** The status of each of shallot's error codes, where the error carries none. */
const STATUS_OF_CODE: Readonly<Record<string, number>> = {
  validation: 400,
  bad_request: 400,
  context_window_exceeded: 400,
  content_policy_violation: 400,
  authentication: 401,
  permission_denied: 403,
  not_found: 404,
  rate_limit: 429,
  budget_exceeded: 429,
  no_deployment_available: 429,
  timeout: 408,
  aborted: 499,
  api_connection: 502,
  invalid_response: 502,
  incomplete_stream: 502,
  service_unavailable: 503,
  shutdown: 503,
  internal_server: 500,
  all_fallbacks_failed: 502,
  unexpected: 500,
};

/**
 * The HTTP answer of a failed call: the status a client expects (400 for bad input, 401, 403,
 * 429 with `retry-after`, 5xx from providers), OpenAI's error body, the message as the call's
 * error says it (masked already). Anything that is not a shallot error is a 500 that says nothing.
 */
export function toHttpError(error: unknown): HttpError {
  if (!isShallotError(error))
    return httpError(500, 'the gateway failed to answer', 'internal_error');
  const failure = error as ShallotError;
  const code =
    failure.code === 'all_fallbacks_failed' && isShallotError(failure.cause)
      ? failure.cause
      : failure;
  const status = upstreamStatus(failure) ?? STATUS_OF_CODE[code.code] ?? 500;
  const answer = httpError(status, failure.message, failure.code, paramOf(failure));
  const retryAfterMs = failure.retryAfterMs ?? (code === failure ? undefined : code.retryAfterMs);
  if (status === 429 && retryAfterMs !== undefined) {
    answer.headers['retry-after'] = String(Math.max(1, Math.ceil(retryAfterMs / 1000)));
    answer.headers['retry-after-ms'] = String(Math.round(retryAfterMs));
  }
  return answer;
}

/** An error of the gateway's own (a bad key, a body too big), in the same shape. */
export function httpError(
  status: number,
  message: string,
  code: string | null,
  param: string | null = null,
): HttpError {
  return {
    status,
    body: {
      error: {
        message,
        type: TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error'),
        param,
        code,
      },
    },
    headers: {},
  };
}

/** A provider's status where it is one a client can act on; a provider's 401 is the gateway's problem, a 502. */
function upstreamStatus(error: ShallotError): number | undefined {
  const status = error.status;
  if (status === undefined || error.code === 'validation') return undefined;
  if (status === 401 || status === 403) return 502;
  return status >= 400 && status < 600 ? status : undefined;
}

function paramOf(error: ShallotError): string | null {
  const issues = (error as { issues?: Array<{ field?: unknown }> }).issues;
  const field = Array.isArray(issues) ? issues[0]?.field : undefined;
  return typeof field === 'string' ? field : null;
}

import { codeOfStatus, type ProviderErrorCode, providerError } from '../../errors/from-status.js';
import type { ShallotError } from '../../errors/shallot-error.js';
import { requestIdOf } from '../../transport/headers.js';
import type { ProviderFailure } from '../provider.js';
import type { GeminiErrorObject } from './wire.js';

/** Google RPC status codes and the error code each one is (a Map: the status is from the wire). */
const CODE_BY_RPC_STATUS = new Map<string, ProviderErrorCode>([
  ['INVALID_ARGUMENT', 'bad_request'],
  ['FAILED_PRECONDITION', 'bad_request'],
  ['OUT_OF_RANGE', 'bad_request'],
  ['UNAUTHENTICATED', 'authentication'],
  ['PERMISSION_DENIED', 'permission_denied'],
  ['NOT_FOUND', 'not_found'],
  ['RESOURCE_EXHAUSTED', 'rate_limit'],
  ['UNAVAILABLE', 'service_unavailable'],
  ['DEADLINE_EXCEEDED', 'timeout'],
  ['INTERNAL', 'internal_server'],
]);

/**
 * A Gemini failure (`{ error: { code, message, status, details } }`) as a typed error. The
 * code follows the RPC `status`, then the HTTP status; `providerCode` is the RPC status. A
 * bad key is a 400 `INVALID_ARGUMENT` with the reason `API_KEY_INVALID`: an authentication
 * error. `RetryInfo.retryDelay` in the details becomes `retryAfterMs`. Inside a stream the
 * HTTP status is 0, so the error's `code` stands in for it.
 */
export function mapGeminiError(failure: ProviderFailure): ShallotError {
  const error = readErrorObject(failure.body);
  const message =
    typeof error?.message === 'string' && error.message !== ''
      ? error.message
      : failure.text.slice(0, 500) || 'no error message';
  const rpcStatus =
    typeof error?.status === 'string' && error.status !== '' ? error.status : undefined;
  const status =
    failure.status > 0 ? failure.status : typeof error?.code === 'number' ? error.code : 0;
  return providerError({
    status,
    provider: failure.provider,
    model: failure.model,
    message,
    providerCode: rpcStatus,
    body: failure.body,
    headers: failure.headers,
    requestId: requestIdOf(failure.headers),
    apiKeyEnv: failure.apiKeyEnv,
    code: codeOf(status, rpcStatus, error, message),
    retryAfterMs: retryDelayOf(error?.details),
  });
}

/** The error object of a body, if it has one (the non-SSE stream wraps it in an array). */
export function findGeminiError(body: unknown): unknown {
  const first = Array.isArray(body) ? body[0] : body;
  if (first === null || typeof first !== 'object') return undefined;
  return (first as { error?: unknown }).error ?? undefined;
}

function codeOf(
  status: number,
  rpcStatus: string | undefined,
  error: GeminiErrorObject | undefined,
  message: string,
): ProviderErrorCode {
  if (detailsOf(error?.details).some((detail) => detail.reason === 'API_KEY_INVALID')) {
    return 'authentication';
  }
  const code = rpcStatus === undefined ? undefined : CODE_BY_RPC_STATUS.get(rpcStatus);
  if (code === 'bad_request' && /input token count.*exceeds the maximum/i.test(message)) {
    return 'context_window_exceeded';
  }
  if (code !== undefined) return code;
  return status > 0 ? codeOfStatus(status) : 'internal_server';
}

/** `RetryInfo.retryDelay` ("34.4s", a protobuf Duration) in milliseconds. */
function retryDelayOf(details: unknown): number | undefined {
  for (const detail of detailsOf(details)) {
    const type = detail['@type'];
    if (typeof type !== 'string' || !type.endsWith('google.rpc.RetryInfo')) continue;
    const match = /^(\d+(?:\.\d+)?)s$/.exec(String(detail.retryDelay ?? ''));
    if (match) return Math.round(Number(match[1]) * 1000);
  }
  return undefined;
}

function detailsOf(details: unknown): Array<Record<string, unknown>> {
  if (!Array.isArray(details)) return [];
  return details.filter(
    (detail): detail is Record<string, unknown> => detail !== null && typeof detail === 'object',
  );
}

function readErrorObject(body: unknown): GeminiErrorObject | undefined {
  const error = findGeminiError(body);
  if (typeof error === 'string') return { message: error };
  if (error !== null && typeof error === 'object') return error as GeminiErrorObject;
  return undefined;
}

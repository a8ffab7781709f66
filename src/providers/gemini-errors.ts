import { type FailureKind, kindOfStatus, providerError } from '../errors/from-status.js';
import type { ShallotError } from '../errors/shallot-error.js';
import { requestIdOf } from '../transport/headers.js';
import type { GeminiErrorObject } from './gemini-wire.js';
import type { ProviderFailure } from './provider.js';

/** Google RPC status codes and the failure each one is. */
const KIND_BY_RPC_STATUS: Readonly<Record<string, FailureKind>> = {
  INVALID_ARGUMENT: 'bad_request',
  FAILED_PRECONDITION: 'bad_request',
  OUT_OF_RANGE: 'bad_request',
  UNAUTHENTICATED: 'authentication',
  PERMISSION_DENIED: 'permission',
  NOT_FOUND: 'not_found',
  RESOURCE_EXHAUSTED: 'rate_limit',
  UNAVAILABLE: 'unavailable',
  DEADLINE_EXCEEDED: 'timeout',
  INTERNAL: 'server',
};

/**
 * A Gemini failure (`{ error: { code, message, status, details } }`) as a typed error. The
 * kind follows the RPC `status`, then the HTTP status; `providerCode` is the RPC status. A
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
    kind: kindOf(status, rpcStatus, error, message),
    retryAfterMs: retryDelayOf(error?.details),
  });
}

/** The error object of a body, if it has one (the non-SSE stream wraps it in an array). */
export function findGeminiError(body: unknown): unknown {
  const first = Array.isArray(body) ? body[0] : body;
  if (first === null || typeof first !== 'object') return undefined;
  return (first as { error?: unknown }).error ?? undefined;
}

function kindOf(
  status: number,
  rpcStatus: string | undefined,
  error: GeminiErrorObject | undefined,
  message: string,
): FailureKind {
  if (detailsOf(error?.details).some((detail) => detail.reason === 'API_KEY_INVALID')) {
    return 'authentication';
  }
  const kind = rpcStatus === undefined ? undefined : KIND_BY_RPC_STATUS[rpcStatus];
  if (kind === 'bad_request' && /input token count.*exceeds the maximum/i.test(message)) {
    return 'context_window';
  }
  if (kind !== undefined) return kind;
  return status > 0 ? kindOfStatus(status) : 'server';
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

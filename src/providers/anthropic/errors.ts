import { codeOfStatus, type ProviderErrorCode, providerError } from '../../errors/from-status.js';
import type { ShallotError } from '../../errors/shallot-error.js';
import { requestIdOf } from '../../transport/headers.js';
import type { ProviderFailure } from '../provider.js';

interface AnthropicErrorObject {
  type?: unknown;
  message?: unknown;
  details?: unknown;
}

/** Anthropic's error types, by the error code each one means. */
const CODE_OF_TYPE = new Map<string, ProviderErrorCode>([
  ['invalid_request_error', 'bad_request'],
  ['authentication_error', 'authentication'],
  ['permission_error', 'permission_denied'],
  ['billing_error', 'permission_denied'],
  ['not_found_error', 'not_found'],
  ['request_too_large', 'bad_request'],
  ['rate_limit_error', 'rate_limit'],
  ['api_error', 'internal_server'],
  ['timeout_error', 'timeout'],
  ['overloaded_error', 'service_unavailable'],
]);

/** Anthropic's words for a prompt that does not fit the model's context window. */
const CONTEXT_WINDOW = /prompt is too long|context (window|limit|length)/i;

/** Anthropic's 400 for an account with no credit left: a billing stop, like `billing_error`. */
const NO_CREDIT = /credit balance is too low/i;

/**
 * The error object of a body `{ type: 'error', error: { type, message, details? } }`, the
 * shape of an HTTP error, an in-stream `event: error`, or an error inside a 200.
 */
export function findAnthropicError(body: unknown): unknown {
  if (body === null || typeof body !== 'object') return undefined;
  const envelope = body as { type?: unknown; error?: unknown };
  if (envelope.type !== 'error') return undefined;
  return envelope.error ?? envelope;
}

/**
 * Maps an Anthropic failure to the error taxonomy by its `error.type`; a body that is not
 * Anthropic's JSON (Cloudflare's 413 page, a proxy's HTML) falls back to the status.
 * `status` 0 is an error inside a stream.
 */
export function mapAnthropicError(failure: ProviderFailure): ShallotError {
  const error = errorObjectOf(failure.body);
  const message =
    typeof error?.message === 'string' && error.message !== ''
      ? error.message
      : plainText(failure.text) || 'no error message';
  const type = typeof error?.type === 'string' ? error.type : undefined;
  const spendLimit = spendLimitCode(error);
  const bodyRequestId = (failure.body as { request_id?: unknown } | null)?.request_id;
  return providerError({
    status: failure.status,
    provider: failure.provider,
    model: failure.model,
    message,
    providerCode: spendLimit ?? type,
    body: failure.body,
    headers: failure.headers,
    requestId:
      requestIdOf(failure.headers) ??
      (typeof bodyRequestId === 'string' ? bodyRequestId : undefined),
    apiKeyEnv: failure.apiKeyEnv,
    code: spendLimit === undefined ? codeOf(failure.status, type, message) : 'rate_limit',
    // A spend limit is a rate limit that waiting will not lift.
    retryable: spendLimit === undefined ? undefined : false,
  });
}

function codeOf(status: number, type: string | undefined, message: string): ProviderErrorCode {
  const code = type === undefined ? undefined : CODE_OF_TYPE.get(type);
  if (code === 'bad_request' && CONTEXT_WINDOW.test(message)) return 'context_window_exceeded';
  if (code === 'bad_request' && NO_CREDIT.test(message)) return 'permission_denied';
  if (code !== undefined) return code;
  // An unknown type: the HTTP status says what it can; inside a stream (or a 200) it cannot.
  return status >= 400 ? codeOfStatus(status) : 'internal_server';
}

/** `enforced_spend_limit_reached` on a 429: a billing stop that retrying will not lift. */
function spendLimitCode(error: AnthropicErrorObject | undefined): string | undefined {
  const details = error?.details as { error_code?: unknown } | null | undefined;
  const code = details?.error_code;
  return code === 'enforced_spend_limit_reached' ? code : undefined;
}

function errorObjectOf(body: unknown): AnthropicErrorObject | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const error = (body as { error?: unknown }).error;
  if (typeof error === 'string') return { message: error };
  if (error !== null && typeof error === 'object') return error as AnthropicErrorObject;
  return undefined;
}

/** A short readable message from a body that is not JSON: HTML tags and runs of space removed. */
function plainText(text: string): string {
  return text
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 300);
}

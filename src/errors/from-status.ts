import { parseRetryAfter } from '../transport/retry-after.js';
import { AuthenticationError } from './authentication-error.js';
import { BadRequestError } from './bad-request-error.js';
import { ContentPolicyViolationError } from './content-policy-violation-error.js';
import { ContextWindowExceededError } from './context-window-exceeded-error.js';
import { InternalServerError } from './internal-server-error.js';
import { NotFoundError } from './not-found-error.js';
import { PermissionDeniedError } from './permission-denied-error.js';
import { RateLimitError } from './rate-limit-error.js';
import { ServiceUnavailableError } from './service-unavailable-error.js';
import type { ErrorCode, ShallotError, ShallotErrorOptions } from './shallot-error.js';
import { TimeoutError } from './timeout-error.js';

/**
 * The codes of the errors a provider's failure can become: the `ErrorCode` of each class
 * {@link providerError} builds. An exhausted quota or a spend limit is a `rate_limit` with
 * `retryable: false`: a `RateLimitError` that waiting will not lift.
 */
export type ProviderErrorCode = Extract<
  ErrorCode,
  | 'authentication'
  | 'permission_denied'
  | 'not_found'
  | 'bad_request'
  | 'context_window_exceeded'
  | 'content_policy_violation'
  | 'rate_limit'
  | 'timeout'
  | 'service_unavailable'
  | 'internal_server'
>;

/** A provider failure, already read out of the provider's error body. */
export interface ProviderErrorInput {
  status: number;
  provider: string;
  model: string;
  /** The provider's own message. */
  message: string;
  /** The provider's error code or type. */
  providerCode?: string;
  body: unknown;
  headers: Readonly<Record<string, string>>;
  requestId?: string;
  /** The environment variable for the key, named in an authentication error's fix. */
  apiKeyEnv?: string;
  /** Overrides the code the status implies (a 400 that is really `context_window_exceeded`). */
  code?: ProviderErrorCode;
  /**
   * Overrides the error class's default: `false` with `code: 'rate_limit'` is an exhausted
   * quota or a spend limit, which waiting will not lift.
   */
  retryable?: boolean;
  /** A retry delay found in the body (Gemini's `RetryInfo`), used when no header gives one. */
  retryAfterMs?: number;
}

/** The error code an HTTP status implies. */
export function codeOfStatus(status: number): ProviderErrorCode {
  if (status === 401) return 'authentication';
  if (status === 402 || status === 403) return 'permission_denied';
  if (status === 404) return 'not_found';
  if (status === 408 || status === 504) return 'timeout';
  if (status === 429) return 'rate_limit';
  // 529: Anthropic overloaded; 498: Groq's flex tier out of capacity.
  if (status === 503 || status === 529 || status === 498) return 'service_unavailable';
  if (status >= 500) return 'internal_server';
  return 'bad_request';
}

/** Builds the typed error for a provider failure, with a message that says what to do. */
export function providerError(input: ProviderErrorInput): ShallotError {
  const code = input.code ?? codeOfStatus(input.status);
  const retryAfterMs = parseRetryAfter(input.headers) ?? input.retryAfterMs;
  const theirs = input.providerCode ? ` (${input.providerCode})` : '';
  const statusText = input.status > 0 ? `HTTP ${input.status}` : 'an error in the stream';
  const said = /[.!?]$/.test(input.message.trim())
    ? input.message.trim()
    : `${input.message.trim()}.`;
  const options: ShallotErrorOptions = {
    message: `${input.provider}/${input.model}: ${statusText}${theirs}: ${said} ${fixFor(code, input, retryAfterMs)}`,
    provider: input.provider,
    model: input.model,
    status: input.status > 0 ? input.status : undefined,
    retryable: input.retryable,
    retryAfterMs,
    requestId: input.requestId,
    providerCode: input.providerCode,
    body: input.body,
  };
  switch (code) {
    case 'authentication':
      return new AuthenticationError(options);
    case 'permission_denied':
      return new PermissionDeniedError(options);
    case 'not_found':
      return new NotFoundError(options);
    case 'context_window_exceeded':
      return new ContextWindowExceededError(options);
    case 'content_policy_violation':
      return new ContentPolicyViolationError(options);
    case 'rate_limit':
      return new RateLimitError(options);
    case 'timeout':
      return new TimeoutError(options);
    case 'service_unavailable':
      return new ServiceUnavailableError(options);
    case 'internal_server':
      return new InternalServerError(options);
    default:
      // A 409 is a conflict that clears: the one bad request worth sending again.
      return new BadRequestError({
        ...options,
        retryable: input.retryable ?? input.status === 409,
      });
  }
}

function fixFor(code: ProviderErrorCode, input: ProviderErrorInput, retryAfterMs?: number): string {
  switch (code) {
    case 'authentication':
      return input.apiKeyEnv
        ? `Check the API key: set ${input.apiKeyEnv} or pass apiKey.`
        : 'Check the API key passed as apiKey.';
    case 'permission_denied':
      return 'The key may not use this model or endpoint: check its permissions and billing.';
    case 'not_found':
      return 'Check the model name and apiBase.';
    case 'context_window_exceeded':
      return 'Shorten the messages or lower max_tokens.';
    case 'content_policy_violation':
      return 'The provider’s content filter refused the prompt; rephrase it.';
    case 'rate_limit':
      if (input.retryable === false) {
        return 'Check your plan and billing details; retrying will not help.';
      }
      return retryAfterMs === undefined
        ? 'Slow down and retry later.'
        : `Retry after ${Math.ceil(retryAfterMs / 100) / 10}s.`;
    case 'timeout':
      return 'The provider timed out; retry, or raise the timeout.';
    case 'service_unavailable':
    case 'internal_server':
      return 'The provider failed; retry later.';
    default:
      return 'Fix the request as the message says.';
  }
}

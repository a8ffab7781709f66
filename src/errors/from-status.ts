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
import type { ShallotError, ShallotErrorOptions } from './shallot-error.js';
import { TimeoutError } from './timeout-error.js';

/** The kinds of provider failure, before they become error classes. */
export type FailureKind =
  | 'authentication'
  | 'permission'
  | 'not_found'
  | 'bad_request'
  | 'context_window'
  | 'content_policy'
  | 'rate_limit'
  | 'quota'
  | 'timeout'
  | 'unavailable'
  | 'server';

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
  /** Overrides the kind the status implies (a 400 that is really a context-window error). */
  kind?: FailureKind;
  /** A retry delay found in the body (Gemini's `RetryInfo`), used when no header gives one. */
  retryAfterMs?: number;
}

/** The failure kind an HTTP status implies. */
export function kindOfStatus(status: number): FailureKind {
  if (status === 401) return 'authentication';
  if (status === 402 || status === 403) return 'permission';
  if (status === 404) return 'not_found';
  if (status === 408 || status === 504) return 'timeout';
  if (status === 429) return 'rate_limit';
  // 529: Anthropic overloaded; 498: Groq's flex tier out of capacity.
  if (status === 503 || status === 529 || status === 498) return 'unavailable';
  if (status >= 500) return 'server';
  return 'bad_request';
}

/** Builds the typed error for a provider failure, with a message that says what to do. */
export function providerError(input: ProviderErrorInput): ShallotError {
  const kind = input.kind ?? kindOfStatus(input.status);
  const retryAfterMs = parseRetryAfter(input.headers) ?? input.retryAfterMs;
  const code = input.providerCode ? ` (${input.providerCode})` : '';
  const statusText = input.status > 0 ? `HTTP ${input.status}` : 'an error in the stream';
  const said = /[.!?]$/.test(input.message.trim())
    ? input.message.trim()
    : `${input.message.trim()}.`;
  const options: ShallotErrorOptions = {
    message: `${input.provider}/${input.model}: ${statusText}${code}: ${said} ${fixFor(kind, input, retryAfterMs)}`,
    provider: input.provider,
    model: input.model,
    status: input.status > 0 ? input.status : undefined,
    retryAfterMs,
    requestId: input.requestId,
    providerCode: input.providerCode,
    body: input.body,
  };
  switch (kind) {
    case 'authentication':
      return new AuthenticationError(options);
    case 'permission':
      return new PermissionDeniedError(options);
    case 'not_found':
      return new NotFoundError(options);
    case 'context_window':
      return new ContextWindowExceededError(options);
    case 'content_policy':
      return new ContentPolicyViolationError(options);
    case 'rate_limit':
      return new RateLimitError(options);
    case 'quota':
      return new RateLimitError({ ...options, retryable: false });
    case 'timeout':
      return new TimeoutError(options);
    case 'unavailable':
      return new ServiceUnavailableError(options);
    case 'server':
      return new InternalServerError(options);
    default:
      return new BadRequestError({ ...options, retryable: input.status === 409 });
  }
}

function fixFor(kind: FailureKind, input: ProviderErrorInput, retryAfterMs?: number): string {
  switch (kind) {
    case 'authentication':
      return input.apiKeyEnv
        ? `Check the API key: set ${input.apiKeyEnv} or pass apiKey.`
        : 'Check the API key passed as apiKey.';
    case 'permission':
      return 'The key may not use this model or endpoint: check its permissions and billing.';
    case 'not_found':
      return 'Check the model name and apiBase.';
    case 'context_window':
      return 'Shorten the messages or lower max_tokens.';
    case 'content_policy':
      return 'The provider’s content filter refused the prompt; rephrase it.';
    case 'rate_limit':
      return retryAfterMs === undefined
        ? 'Slow down and retry later.'
        : `Retry after ${Math.ceil(retryAfterMs / 100) / 10}s.`;
    case 'quota':
      return 'Check your plan and billing details; retrying will not help.';
    case 'timeout':
      return 'The provider timed out; retry, or raise the timeout.';
    case 'unavailable':
    case 'server':
      return 'The provider failed; retry later.';
    default:
      return 'Fix the request as the message says.';
  }
}

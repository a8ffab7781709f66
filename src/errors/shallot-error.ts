import type { ChatCompletion } from '../types/openai.js';

/** The stable code of every shallot error class; switch on it instead of on messages. */
export type ErrorCode =
  | 'authentication'
  | 'permission_denied'
  | 'not_found'
  | 'bad_request'
  | 'context_window_exceeded'
  | 'content_policy_violation'
  | 'rate_limit'
  | 'timeout'
  | 'api_connection'
  | 'service_unavailable'
  | 'internal_server'
  | 'invalid_response'
  | 'incomplete_stream'
  | 'aborted'
  | 'validation'
  | 'shutdown'
  | 'sink_delivery'
  | 'sink_overflow'
  | 'all_fallbacks_failed'
  | 'no_deployment_available'
  | 'budget_exceeded'
  | 'unexpected';

/** The codes of the caller's own doing, which no retry or fallback can help. */
const FINAL_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'validation',
  'aborted',
  'shutdown',
  'unexpected',
  'budget_exceeded',
]);

/** The brand of shallot's errors, the same for every copy of the package in a process. */
const BRAND: unique symbol = Symbol.for('shallot.error') as never;

interface Branded {
  [BRAND]?: unknown;
}

/** The evidence an error carries. Every field but `message` is optional. */
export interface ShallotErrorOptions {
  /** What failed, on what, and the likely fix. */
  message: string;
  /** The provider that answered (`openai`, `mock`, ...). */
  provider?: string;
  /** The model as the caller named it. */
  model?: string;
  /** The HTTP status, where there was one. */
  status?: number;
  /** Overrides the class's default (a 429 for an exhausted quota is not retryable, say). */
  retryable?: boolean;
  /**
   * The caller's own doing, which neither a retry nor a fallback can help (its own rate limit,
   * say): the resilience layer ends the call with it. @default true for validation, abort,
   * shutdown, unexpected and budget errors
   */
  final?: boolean;
  /** How long the provider asked us to wait, from `retry-after`, `retry-after-ms` or the body. */
  retryAfterMs?: number;
  /** The provider's request id (`x-request-id`, `request-id`, ...). */
  requestId?: string;
  /** The provider's own error code or type (`insufficient_quota`, `context_length_exceeded`). */
  providerCode?: string;
  /** The response body, parsed where it was JSON, with every known secret masked. */
  body?: unknown;
  /** What a stream delivered before it failed, assembled as a `chat.completion`. */
  partialResponse?: ChatCompletion;
  /** The lower-level error, if any. */
  cause?: unknown;
}

/**
 * The base of every error shallot raises. Each subclass has a stable `code` and says whether
 * retrying could help (`retryable`).
 *
 * @example
 * try { await shallot.completion(params) }
 * catch (error) { if (error instanceof ShallotError && error.retryable) scheduleRetry() }
 */
export class ShallotError extends Error {
  /** The stable code of this error's class. */
  readonly code: ErrorCode;
  readonly provider: string | undefined;
  readonly model: string | undefined;
  readonly status: number | undefined;
  /** Whether the same request might succeed if sent again. */
  readonly retryable: boolean;
  /** The caller's own doing: no retry and no fallback can help (see `ShallotErrorOptions.final`). */
  readonly final: boolean;
  readonly retryAfterMs: number | undefined;
  readonly requestId: string | undefined;
  readonly providerCode: string | undefined;
  readonly body: unknown;
  /** What a stream delivered before it failed. */
  partialResponse: ChatCompletion | undefined;

  constructor(code: ErrorCode, options: ShallotErrorOptions, retryableByDefault: boolean) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    Object.defineProperty(this, BRAND, { value: true });
    this.name = new.target.name;
    this.code = code;
    this.provider = options.provider;
    this.model = options.model;
    this.status = options.status;
    this.retryable = options.retryable ?? retryableByDefault;
    this.final = options.final ?? FINAL_CODES.has(code);
    this.retryAfterMs = options.retryAfterMs;
    this.requestId = options.requestId;
    this.providerCode = options.providerCode;
    this.body = options.body;
    this.partialResponse = options.partialResponse;
  }

  /** A JSON-safe summary for logs and records; never includes secrets. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      provider: this.provider,
      model: this.model,
      status: this.status,
      retryable: this.retryable,
      final: this.final,
      retryAfterMs: this.retryAfterMs,
      requestId: this.requestId,
      providerCode: this.providerCode,
    };
  }
}

/**
 * True for any error shallot raised, also by another copy of the package in the same process
 * (two versions installed side by side), where `instanceof` says no: every shallot error
 * carries a brand registered globally with `Symbol.for`.
 */
export function isShallotError(error: unknown): error is ShallotError {
  return (
    error instanceof ShallotError ||
    (error !== null && typeof error === 'object' && (error as Branded)[BRAND] === true)
  );
}

/**
 * True for a shallot error (of any copy of the package) whose stable `code` is one of `codes`:
 * what every `is...Error()` guard checks, so that the guards work where `instanceof` cannot.
 */
export function hasCode<T extends ShallotError>(error: unknown, ...codes: ErrorCode[]): error is T {
  return isShallotError(error) && codes.includes(error.code);
}

import type { CompletionOptions, EmbeddingOptions, Metadata } from '../../index.js';
import { type HeadersInput, headerRecord } from './headers.js';
import { refused } from './refusals.js';

/**
 * The options of one request, openai-node's second argument: `signal`, `timeout`, `maxRetries`
 * and `headers` as openai-node takes them, `metadata` for the call's callbacks and logs, and
 * `shallot` for any other of shallot's call options.
 *
 * @example
 * await openai.chat.completions.create(body, {
 *   timeout: 5_000,
 *   metadata: { user: 'u-42' },
 *   shallot: { fallbacks: ['anthropic/claude-haiku-4-5'], cache: { noCache: true } },
 * });
 */
export interface RequestOptions {
  /** Cancels the request (and its stream): the call fails with `APIUserAbortError`. */
  signal?: AbortSignal | null;
  /** Milliseconds, shallot's `timeout`: a plain call's whole attempt, a stream's wait for each chunk. @default the client's */
  timeout?: number;
  /** Retries of a retryable failure, shallot's `numRetries`. @default the client's */
  maxRetries?: number;
  /** Extra HTTP headers, over the client's `defaultHeaders`. */
  headers?: HeadersInput;
  /**
   * Free-form metadata for the call's callbacks, middleware (`ctx.metadata`) and sinks, never
   * sent; over the client's and the body's `metadata`.
   */
  metadata?: Metadata;
  /**
   * Any other of shallot's call options (`fallbacks`, `cache`, `mockResponse`, `traceId`,
   * `middleware`, ...), applied last: `completion()`'s, or `embedding()`'s for embeddings.
   */
  shallot?: CompletionOptions | EmbeddingOptions;
}

/** What the facade adds to every call of a client (from its options): shallot's names. */
export interface CallDefaults {
  timeout?: number;
  numRetries?: number;
  headers?: Record<string, string>;
  metadata?: Metadata;
}

const REQUEST_OPTION_NAMES: ReadonlySet<string> = new Set([
  'signal',
  'timeout',
  'maxRetries',
  'headers',
  'metadata',
  'shallot',
]);

/**
 * Writes the client's defaults, then the request's options, into a call's parameters
 * (`params.metadata` already holds the body's). `signal` is left to the caller: a stream links
 * it to its own controller. @throws BadRequestError for an option the facade does not take.
 */
export function applyCallOptions(
  params: Record<string, unknown>,
  defaults: CallDefaults | undefined,
  options: RequestOptions | undefined,
): void {
  if (defaults !== undefined) {
    if (defaults.timeout !== undefined) params.timeout = defaults.timeout;
    if (defaults.numRetries !== undefined) params.numRetries = defaults.numRetries;
    if (defaults.headers !== undefined) params.headers = defaults.headers;
    if (defaults.metadata !== undefined)
      params.metadata = merged(defaults.metadata, params.metadata);
  }
  if (options === undefined || options === null) return;
  if (typeof options !== 'object') {
    throw refused('(request options)', 'expected an object such as { timeout: 5000 }', options);
  }
  for (const name of Object.keys(options)) {
    if (!REQUEST_OPTION_NAMES.has(name) && options[name as keyof RequestOptions] !== undefined) {
      throw refused(
        `options.${name}`,
        `is not a request option of shallot/openai (${[...REQUEST_OPTION_NAMES].join(', ')}); pass shallot's own options in options.shallot`,
      );
    }
  }
  if (options.timeout !== undefined) {
    if (!isPositive(options.timeout)) {
      throw refused(
        'options.timeout',
        'expected a positive number of milliseconds',
        options.timeout,
      );
    }
    params.timeout = options.timeout;
  }
  if (options.maxRetries !== undefined) {
    if (!Number.isInteger(options.maxRetries) || options.maxRetries < 0) {
      throw refused('options.maxRetries', 'expected a whole number from 0', options.maxRetries);
    }
    params.numRetries = options.maxRetries;
  }
  if (options.headers !== undefined && options.headers !== null) {
    params.headers = headerRecord(options.headers, params.headers as Record<string, string>);
  }
  if (options.metadata !== undefined) params.metadata = merged(params.metadata, options.metadata);
  if (options.shallot !== undefined) copyOptions(options.shallot, params);
}

/**
 * `over`'s entries over `under`'s, when both are records; else `over` as it is, for shallot to
 * check (a string there is refused with the field's name).
 */
function merged(under: unknown, over: unknown): unknown {
  if (over === undefined) return under;
  if (!isRecord(under) || !isRecord(over)) return over;
  return { ...under, ...over };
}

function isPositive(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Copies shallot's options, own keys only: a `__proto__` key is refused, never followed. */
function copyOptions(options: object, params: Record<string, unknown>): void {
  if (options === null || typeof options !== 'object') {
    throw refused('options.shallot', "expected an object of shallot's call options", options);
  }
  for (const name of Object.keys(options)) {
    if (name === '__proto__') throw refused('options.shallot.__proto__', 'is not an option');
    params[name] = (options as Record<string, unknown>)[name];
  }
}

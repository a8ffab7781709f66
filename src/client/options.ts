import type { Dispatcher } from 'undici';
import { z } from 'zod';
import type { Middleware } from '../call/middleware.js';
import type { PriceInput } from '../cost/price-book.js';
import { ValidationError } from '../errors/validation-error.js';
import type { BackoffSettings } from '../kit/backoff.js';
import type { ProviderOptions } from '../providers/provider.js';
import { PROVIDER_NAMES } from '../providers/registry.js';
import type { RedactionPolicy } from '../record/redact.js';
import { describeIssues } from '../validation/describe-issues.js';

/** What a failing callback, listener or sink reports: never seen by the call itself. */
export interface CallbackErrorInfo {
  /** The callback's name (a function's name, a handler's class name, a listener). */
  callback: string;
  /** The event it was handling (`success`, `failure`, `chunk`, `end`, ...). */
  event: string;
}

/** Receives the failures of callbacks, listeners and sinks. */
export type CallbackErrorHandler = (error: unknown, info: CallbackErrorInfo) => void;

/** Options of {@link createClient}. */
export interface ClientOptions {
  /** The call chain's middleware, outermost first. @default [] */
  middleware?: Middleware[];
  /** Middleware for every attempt, between the provider transform and the transport. @default [] */
  attemptMiddleware?: Middleware[];
  /**
   * Per-provider settings. A name that is not a built-in provider defines an
   * OpenAI-compatible endpoint and must have `apiBase`; call it as `name/model`.
   *
   * @example
   * createClient({ providers: { openai: { apiKey: 'sk-...' }, local: { apiBase: 'http://127.0.0.1:8000/v1' } } })
   */
  providers?: Record<string, ProviderOptions>;
  /** Milliseconds: a plain call's whole attempt; a stream's wait for its head, then each pause between chunks. @default 600000 */
  timeout?: number;
  /**
   * The most bytes of a whole plain answer or error body kept in memory. A longer answer fails
   * with an `InvalidResponseError` naming this limit (a longer error body is cut here: the
   * error still says what its status means). @default 33554432 (32 MiB)
   */
  maxResponseBytes?: number;
  /**
   * The most bytes one event of a stream (an SSE event, an NDJSON line) may take. A stream
   * whose event grows past it fails with an `InvalidResponseError`. @default 4194304 (4 MiB)
   */
  maxEventBytes?: number;
  /** The undici dispatcher for HTTP (a proxy agent, a `MockAgent` in tests). @default a shared keep-alive Agent */
  dispatcher?: Dispatcher;
  /** Receives callback, listener and sink failures. @default one warning line on stderr */
  onCallbackError?: CallbackErrorHandler;
  /**
   * This client's own prices, over the bundled table: LiteLLM's entries or camelCase names.
   *
   * @example
   * createClient({ pricing: { 'local/llama3': { inputCostPerToken: 0, outputCostPerToken: 0 } } })
   */
  pricing?: Record<string, PriceInput>;
  /** What this client's call records hide, over the process default: `{ messages, response }`. */
  redact?: RedactionPolicy;
  /** Retries of a retryable failure, per model, for calls that set none. @default 0, as in LiteLLM */
  numRetries?: number;
  /** How long to wait between attempts. */
  retry?: RetrySettings;
}

/** The resilience layer's waits (the kit's `BackoffSettings`), with its defaults. */
export interface RetrySettings extends Partial<BackoffSettings> {
  /** The first wait, in milliseconds; each next one doubles. @default 500 */
  baseDelayMs?: number;
  /** The longest computed wait. @default 8000 */
  maxDelayMs?: number;
  /** The longest `retry-after` honoured. @default 60000 */
  maxRetryAfterMs?: number;
  /** The share of each wait taken off at random. @default 0.25 */
  jitter?: number;
}

const isFunction = (value: unknown) => typeof value === 'function';
const providerOptions = z.strictObject({
  apiKey: z.string().min(1).optional(),
  apiBase: z.url({ protocol: /^https?$/ }).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  apiVersion: z.string().optional(),
  organization: z.string().optional(),
  project: z.string().optional(),
});

const clientOptionsSchema = z.strictObject({
  middleware: z.array(z.custom<Middleware>(isFunction)).optional(),
  attemptMiddleware: z.array(z.custom<Middleware>(isFunction)).optional(),
  providers: z.record(z.string(), providerOptions).optional(),
  timeout: z.number().positive().optional(),
  maxResponseBytes: z.number().int().positive().optional(),
  maxEventBytes: z.number().int().positive().optional(),
  dispatcher: z
    .custom<Dispatcher>((value) => isFunction((value as Dispatcher)?.request))
    .optional(),
  onCallbackError: z.custom<CallbackErrorHandler>(isFunction).optional(),
  pricing: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  redact: z
    .strictObject({ messages: z.boolean().optional(), response: z.boolean().optional() })
    .optional(),
  numRetries: z.number().int().nonnegative().optional(),
  retry: z
    .strictObject({
      baseDelayMs: z.number().nonnegative().optional(),
      maxDelayMs: z.number().nonnegative().optional(),
      maxRetryAfterMs: z.number().nonnegative().optional(),
      jitter: z.number().min(0).max(1).optional(),
    })
    .optional(),
});

/** The option names an object of the client's options takes, by its path. */
function knownKeysAt(path: readonly PropertyKey[]): readonly string[] {
  if (path.length === 0) return Object.keys(clientOptionsSchema.shape);
  if (path[0] === 'providers' && path.length === 2) return Object.keys(providerOptions.shape);
  if (path[0] === 'retry' && path.length === 1) {
    return Object.keys(clientOptionsSchema.shape.retry.unwrap().shape);
  }
  if (path[0] === 'redact' && path.length === 1) return ['messages', 'response'];
  return [];
}

/**
 * Checks `createClient` options once, at construction: a key it does not know (`numRetry`) is
 * refused, with the one it probably means. @throws ValidationError
 */
export function checkClientOptions(options: unknown): ClientOptions {
  const result = clientOptionsSchema.safeParse(options ?? {}, { reportInput: true });
  if (!result.success) {
    throw new ValidationError(describeIssues(result.error.issues, knownKeysAt));
  }
  const providers = result.data.providers ?? {};
  for (const [name, settings] of Object.entries(providers)) {
    if (!PROVIDER_NAMES.includes(name) && settings.apiBase === undefined) {
      throw ValidationError.forField(
        `providers.${name}.apiBase`,
        `"${name}" is not a built-in provider (${PROVIDER_NAMES.join(', ')}), so it is an OpenAI-compatible endpoint and needs apiBase, such as 'http://127.0.0.1:8000/v1'.`,
      );
    }
  }
  return result.data;
}

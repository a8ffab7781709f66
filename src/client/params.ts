import type { CacheControls } from '../cache/types.js';
import type { Middleware } from '../call/middleware.js';
import type { Fallbacks } from '../context/resilience-types.js';
import type { Metadata, MockResponse } from '../context/types.js';
import type { PriceInput } from '../cost/price-book.js';
import type { RedactionPolicy } from '../record/redact.js';
import type {
  EmbeddingEncoding,
  EmbeddingInput,
  EmbeddingMockResponse,
} from '../types/embedding.js';
import type { CompletionRequest, GeminiNativeParams } from '../types/openai.js';

/**
 * The options of `completion()` that `ctx.options` holds as the caller passed them: the part of
 * {@link CompletionOptions} that `CallOptions` inherits unchanged.
 */
export interface UnchangedCallOptions {
  /** The base URL for this call (`http://127.0.0.1:8000/v1`): any OpenAI-compatible server. @default the provider's setting, then its environment variable, then its public URL */
  apiBase?: string;
  /** The API version, for providers that have one (Azure). @default the provider's setting, then `AZURE_API_VERSION` */
  apiVersion?: string;
  /** Extra HTTP headers for this call. */
  headers?: Record<string, string>;
  /** Milliseconds: a plain call's whole attempt; a stream's wait for its head, then each pause between chunks. @default the client's, 600000 */
  timeout?: number;
  /** Cancels the call, its stream and any wait between attempts. */
  signal?: AbortSignal;
  /** This call's input price in US dollars per token, over the price table's (LiteLLM's `input_cost_per_token`). */
  inputCostPerToken?: number;
  /** This call's output price in US dollars per token, over the price table's (LiteLLM's `output_cost_per_token`). */
  outputCostPerToken?: number;
  /** A whole price entry for this call, LiteLLM's snake_case keys or camelCase, such as `{ inputCostPerToken, outputCostPerToken, cacheReadInputTokenCost }`. */
  pricing?: PriceInput;
  /** Retries of a retryable failure (429, 408, 409, 5xx, a reset connection, a timeout), per model. @default the client's, 0 (as in LiteLLM) */
  numRetries?: number;
  /**
   * Models to try, in order, when this one fails after its retries: a list, or lists by kind of failure.
   *
   * @example
   * { fallbacks: ['anthropic/claude-haiku-4-5'] }
   * { fallbacks: { contextWindow: ['openai/gpt-4.1'], default: ['openai/gpt-4o-mini'] } }
   */
  fallbacks?: Fallbacks;
  /** Milliseconds for the whole call, retries, waits and stream included. @default none */
  totalTimeout?: number;
  /** Milliseconds from a stream's response head to its first chunk; a miss is retried like any timeout. @default none (`timeout` still bounds the wait) */
  firstChunkTimeout?: number;
  /** Milliseconds a stream may go without a chunk. @default none (`timeout` still bounds each pause) */
  chunkTimeout?: number;
  /** What this call's record (and every log of it) hides: `{ messages, response }`, over the client's choice. @default the client's */
  redact?: RedactionPolicy;
}

/**
 * shallot's own options of `completion()`, camelCase; never sent to the provider.
 *
 * The one specification of the call options (with {@link UnchangedCallOptions}, which it
 * extends): the zod schema, `ctx.options` (`CallOptions`), the fast path's checks, the fix
 * messages of validation errors and the README's table are derived from it or checked against
 * it, so that an option added here fails to compile, or a test, until each of them knows it.
 */
export interface CompletionOptions extends UnchangedCallOptions {
  /** Answer from this instead of the network; every layer still runs. An `Error` is raised as given. */
  mockResponse?: MockResponse;
  /** The API key for this call; `ctx.options` holds it as a `Secret`, which prints masked. @default the provider's setting, then its environment variable */
  apiKey?: string;
  /** This call's cache controls, with LiteLLM's meanings: `{ noCache, noStore, ttl, sMaxAge, namespace }`, or LiteLLM's dashed names; `ctx.options` holds them in camelCase. */
  cache?: CacheControls & { 'no-cache'?: boolean; 'no-store'?: boolean; 's-maxage'?: number };
  /** Free-form metadata for callbacks and logs (`kwargs.litellm_params.metadata`), never sent; `ctx.metadata`. @default {} */
  metadata?: Metadata;
  /** Middleware for this call only, inside the client's. */
  middleware?: Middleware[];
  /** Groups this call with others in logs; `ctx.traceId`. @default the call id */
  traceId?: string;
}

/**
 * The parameters of `completion()`: an OpenAI Chat Completions request plus shallot's options.
 * `messages` may be declared with widened types (`role: string`) or as a readonly array;
 * `completion()` checks them when called.
 */
export type CompletionParams = CompletionRequest & GeminiNativeParams & CompletionOptions;

/** The parameters of a streamed call. */
export type StreamingParams = CompletionParams & { stream: true };

/**
 * The options of `embedding()`: `completion()`'s, but the stream timeouts; `mockResponse`
 * takes an embedding response, one vector per input, or an `Error`.
 */
export interface EmbeddingOptions
  extends Omit<CompletionOptions, 'firstChunkTimeout' | 'chunkTimeout' | 'mockResponse'> {
  /** Answer from this instead of the network: a response (returned as given), one vector per input, or an `Error` to raise. */
  mockResponse?: EmbeddingMockResponse | Error;
  /**
   * How each vector comes back: `'float'` (`number[]`), `'float32'` (a `Float32Array`, no copy)
   * or `'base64'` (OpenAI's base64 of float32). Whatever it is, OpenAI-format servers are asked
   * for base64, which is 4x smaller on the wire and faster to read. `encoding_format` is
   * accepted as OpenAI's spelling. @default 'float'
   */
  encodingFormat?: EmbeddingEncoding;
}

/** The request part of `embedding()`'s parameters: OpenAI's, and provider parameters in snake_case. */
export interface EmbeddingRequestParams {
  /** `provider/model` (`openai/text-embedding-3-small`) or a bare model name. */
  model: string;
  /** A text, texts, a list of token ids, or lists of token ids: one vector each. */
  input: EmbeddingInput;
  /** The width of each vector, for models that can shorten theirs (OpenAI's `text-embedding-3-*`, Gemini, Voyage, Ollama). */
  dimensions?: number;
  /** A stable id of the end user, for providers that take one. */
  user?: string;
  /** Gemini's task type (`RETRIEVAL_QUERY`, `RETRIEVAL_DOCUMENT`, `SEMANTIC_SIMILARITY`, ...), in Gemini's camelCase. */
  taskType?: string;
  /** Other provider parameters (`input_type` for Voyage and Cohere, `truncate` for Ollama), passed as they are. */
  [param: Lowercase<string>]: unknown;
}

/** The parameters of `embedding()`. */
export type EmbeddingParams = EmbeddingRequestParams & EmbeddingOptions;

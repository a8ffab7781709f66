import type { CacheControls } from '../cache/types.js';
import type { Middleware } from '../call/middleware.js';
import type { Fallbacks } from '../context/resilience-types.js';
import type { Metadata, MockResponse } from '../context/types.js';
import type { PriceInput } from '../cost/price-book.js';
import type { RedactionPolicy } from '../record/redact.js';
import type { ChatRequest } from '../types/openai.js';

/** shallot's own options of `completion()`, camelCase; never sent to the provider. */
export interface CompletionOptions {
  /** The API key for this call. @default the provider's setting, then its environment variable */
  apiKey?: string;
  /** The base URL for this call: any OpenAI-compatible server. */
  apiBase?: string;
  /** The API version (Azure). */
  apiVersion?: string;
  /** Extra HTTP headers for this call. */
  headers?: Record<string, string>;
  /** Free-form metadata for callbacks and logs (`kwargs.litellm_params.metadata`). */
  metadata?: Metadata;
  /** Milliseconds: a plain call's whole attempt; a stream's wait for its head, then each pause between chunks. @default the client's, 600000 */
  timeout?: number;
  /** Cancels the call and its stream. */
  signal?: AbortSignal;
  /** Answer from this instead of the network; every layer still runs. */
  mockResponse?: MockResponse;
  /** Middleware for this call only, inside the client's. */
  middleware?: Middleware[];
  /** Groups this call with others in logs. @default the call id */
  traceId?: string;
  /** This call's input price in US dollars per token, over the price table's (LiteLLM's `input_cost_per_token`). */
  inputCostPerToken?: number;
  /** This call's output price in US dollars per token (LiteLLM's `output_cost_per_token`). */
  outputCostPerToken?: number;
  /** A whole price entry for this call, such as `{ inputCostPerToken, outputCostPerToken, cacheReadInputTokenCost }`. */
  pricing?: PriceInput;
  /** Retries of a retryable failure (429, 408, 409, 5xx, a reset connection, a timeout), per model. @default the client's, 2 */
  numRetries?: number;
  /**
   * Models to try, in order, when this one fails after its retries: a list, or lists by kind of failure.
   *
   * @example
   * { fallbacks: ['anthropic/claude-haiku-4-5'] }
   * { fallbacks: { contextWindow: ['openai/gpt-4.1'], default: ['openai/gpt-4o-mini'] } }
   */
  fallbacks?: Fallbacks;
  /** Milliseconds for the whole call, retries, waits and stream included. */
  totalTimeout?: number;
  /** Milliseconds from a stream's response head to its first chunk; a miss is retried like any timeout. */
  firstChunkTimeout?: number;
  /** Milliseconds a stream may go without a chunk. */
  chunkTimeout?: number;
  /** What this call's record (and every log of it) hides: `{ messages, response }`, over the client's choice. */
  redact?: RedactionPolicy;
  /** This call's cache controls, with LiteLLM's meanings: `{ noCache, noStore, ttl, sMaxAge, namespace }`. */
  cache?: CacheControls & { 'no-cache'?: boolean; 'no-store'?: boolean; 's-maxage'?: number };
}

/** The parameters of `completion()`: an OpenAI Chat Completions request plus shallot's options. */
export type CompletionParams = ChatRequest & CompletionOptions;

/** The parameters of a streamed call. */
export type StreamingParams = CompletionParams & { stream: true };

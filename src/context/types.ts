import type { CacheControls } from '../cache/types.js';
import type { ShallotError } from '../errors/shallot-error.js';
import type { RedactionPolicy } from '../record/redact.js';
import type { HeaderValue, Secret } from '../secrets/secret.js';
import type { ChatCompletion, ChatCompletionChunk, JsonObject } from '../types/openai.js';
import type { Fallbacks } from './resilience-types.js';

/**
 * The typed state bag that middleware extend by declaration merging, as hono's
 * `ContextVariableMap` does.
 *
 * @example
 * declare module 'shallot' {
 *   interface ContextState { tenant?: string }
 * }
 * client.use(async (ctx, next) => { ctx.state.tenant = 'acme'; await next(); });
 */
// biome-ignore lint/suspicious/noEmptyInterface: the empty interface is the merge target.
export interface ContextState {}

/** Free-form metadata the caller attached to a call; forwarded to callbacks and records, never to the provider. */
export type Metadata = Record<string, unknown>;

/** What `mockResponse` accepts: text, a whole `chat.completion`, an error to raise, or chunks to stream. */
export type MockResponse =
  | string
  | Error
  | (Partial<ChatCompletion> & { choices: ChatCompletion['choices'] })
  | ReadonlyArray<string | ChatCompletionChunk>;

/** The resolved per-call options: shallot's own camelCase parameters of `completion()`. */
export interface CallOptions {
  /** The API key, kept as a {@link Secret} so that it never prints unmasked. */
  apiKey?: Secret;
  /** The provider's base URL (`http://127.0.0.1:8000/v1`): any OpenAI-compatible server. */
  apiBase?: string;
  /** The API version, for providers that have one (Azure). */
  apiVersion?: string;
  /** Extra HTTP headers for the provider. */
  headers?: Record<string, string>;
  /** Milliseconds: a plain call's whole attempt; a stream's wait for its head, then each pause between chunks. */
  timeout?: number;
  /** Cancels the call, its stream and anything pending. */
  signal?: AbortSignal;
  /** Answer without any network call. */
  mockResponse?: MockResponse;
  /** This call's input price, US dollars per token, over the price table's. */
  inputCostPerToken?: number;
  /** This call's output price, US dollars per token, over the price table's. */
  outputCostPerToken?: number;
  /** A whole price entry for this call (LiteLLM's snake_case keys, or camelCase). */
  pricing?: Record<string, unknown>;
  /** This call's cache controls. */
  cache?: CacheControls;
  /** What this call's record hides, over the client's choice. */
  redact?: RedactionPolicy;
  /** Retries of a retryable failure, per model. */
  numRetries?: number;
  /** Models to try when this one fails. */
  fallbacks?: Fallbacks;
  /** Milliseconds for the whole call: every attempt, every wait between them, and the stream. */
  totalTimeout?: number;
  /** Milliseconds from a stream's response head to its first chunk. */
  firstChunkTimeout?: number;
  /** Milliseconds a stream may go without a chunk. */
  chunkTimeout?: number;
}

/** The HTTP request an attempt sends to the provider, built by the provider's transform. */
export interface ProviderRequest {
  /** The full URL. */
  url: string;
  method: 'POST';
  /** Header values that are credentials are {@link Secret}s. */
  headers: Record<string, HeaderValue>;
  /** The exact body sent, before JSON serialisation. */
  body: JsonObject;
}

/** What came back from the provider, for logs and callbacks. */
export interface ProviderResponse {
  status: number;
  headers: Record<string, string>;
  /** The raw body text of a non-streamed response. */
  text?: string;
  /** The provider's request id, where it sent one. */
  requestId?: string;
}

/** Wall-clock timings of a call, as epoch milliseconds. */
export interface Timings {
  start: number;
  /** When the first chunk arrived (streams), or the whole response (otherwise). */
  firstToken?: number;
  end?: number;
}

/** Where a call stands. */
export type CallStatus = 'pending' | 'streaming' | 'success' | 'failure';

/** Whether the answer came from a cache. */
export type CacheStatus = 'none' | 'hit' | 'miss' | 'bypass';

/** A listener for every chunk of a streamed call. */
export type ChunkListener = (chunk: ChatCompletionChunk) => void;

/** A listener for the end of a call, streamed or not. */
export type EndListener = () => void;

/** The outcome of a finished call, as end listeners see it through the context. */
export interface CallOutcome {
  status: 'success' | 'failure';
  response: ChatCompletion | undefined;
  error: ShallotError | undefined;
}

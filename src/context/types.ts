import type { CacheControls } from '../cache/types.js';
import type { CompletionOptions, UnchangedCallOptions } from '../client/params.js';
import type { HeaderValue, Secret } from '../secrets/secret.js';
import type { EmbeddingMockResponse } from '../types/embedding.js';
import type { ChatCompletion, ChatCompletionChunk, JsonObject } from '../types/openai.js';

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

/** What `mockResponse` of `completion()` accepts: text, a whole `chat.completion`, an error to raise, or chunks to stream. */
export type MockResponse =
  | string
  | Error
  | (Partial<ChatCompletion> & { choices: ChatCompletion['choices'] })
  | ReadonlyArray<string | ChatCompletionChunk>;

/** Options of `completion()` that the context holds elsewhere than `ctx.options`: `ctx.metadata`, the call chain, `ctx.traceId`. */
export type ContextFieldOption = 'metadata' | 'middleware' | 'traceId';

/**
 * The resolved per-call options (`ctx.options`): shallot's own camelCase parameters of
 * `completion()` ({@link CompletionOptions}) without the ones the context holds elsewhere
 * ({@link ContextFieldOption}). Most are inherited as the caller passed them; the two declared
 * here are converted. An interface rather than a mapped type, because editors show an inherited
 * field's documentation on hover, and TypeScript 7 shows none for a mapped type's fields.
 */
export interface CallOptions extends UnchangedCallOptions {
  /** The API key for this call, kept as a {@link Secret} so that it never prints unmasked. */
  apiKey?: Secret;
  /** This call's cache controls, in camelCase whichever spelling the caller used. */
  cache?: CacheControls;
  /** Answer from this instead of the network (a `completion()` mock, or an `embedding()` one); every layer still runs. */
  mockResponse?: MockResponse | EmbeddingMockResponse;
}

/**
 * The options of {@link CompletionOptions} that {@link CallOptions} holds in another form than
 * the caller passed them (`apiKey`, `cache`): each needs a conversion in `assemble()`.
 */
export type ConvertedCallOption = Exclude<
  keyof CompletionOptions,
  keyof UnchangedCallOptions | ContextFieldOption
>;

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

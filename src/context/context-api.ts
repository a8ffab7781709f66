import type { Middleware } from '../call/middleware.js';
import type { CallbackErrorInfo } from '../client/options.js';
import type { CallCost } from '../cost/types.js';
import type { ShallotError } from '../errors/shallot-error.js';
import type { ResolvedProvider } from '../providers/provider.js';
import type { ResolvedRedaction } from '../record/redact.js';
import type { Secret } from '../secrets/secret.js';
import type { CompletionStream } from '../stream/completion-stream.js';
import type {
  EmbeddingEncoding,
  EmbeddingRequest,
  EmbeddingResponse,
  EmbeddingVector,
} from '../types/embedding.js';
import type { ChatCompletion, ChatRequest, Usage } from '../types/openai.js';
import type {
  CacheStatus,
  CallOptions,
  CallStatus,
  ChunkListener,
  ContextState,
  EndListener,
  Metadata,
  ProviderRequest,
  ProviderResponse,
  Timings,
} from './types.js';

/** What kind of call a context carries: `completion()` or `embedding()`. */
export type CallKind = 'completion' | 'embedding';

/**
 * The one object a call carries through every layer: the call's data and its listeners.
 * Before `await next()` a middleware can read and change the request. After it, for a plain
 * call, the outcome is final: `status`, `response`, `usage`, `cost`, `cacheStatus` and `error`
 * (the built-in layers end the call before they return). A stream's outcome is final in
 * {@link Context.onEnd}, which fires for streamed and plain calls alike.
 *
 * A union on `kind`: a layer that only makes sense for chat narrows before reading messages.
 *
 * @example
 * client.use(async (ctx, next) => {
 *   if (ctx.kind === 'completion') console.log(ctx.request.messages.length, 'messages');
 *   else console.log(ctx.request.input.length, 'inputs to embed');
 *   await next();
 * });
 */
export type Context = CompletionContext | EmbeddingContext;

/** The context of a `completion()` call. */
export interface CompletionContext extends ContextBase {
  readonly kind: 'completion';
  /** The validated OpenAI-format request. Change it before `await next()`. */
  request: ChatRequest;
  /** True for `stream: true` calls. */
  readonly isStream: boolean;
  /** The complete answer: set after the chain for plain calls, and at the end of a stream. */
  response: ChatCompletion | undefined;
  /** The stream handed to the caller, once the response head arrived. */
  stream: CompletionStream | undefined;
}

/**
 * The context of an `embedding()` call. It never streams: chunk listeners are not called.
 * `ctx.usage` holds the input tokens as `prompt_tokens` (and `completion_tokens: 0`).
 */
export interface EmbeddingContext extends ContextBase {
  readonly kind: 'embedding';
  /** The validated request: `model`, `input` as the caller gave it, `dimensions`, provider parameters. */
  request: EmbeddingRequest;
  /** How the caller gets each vector (`encodingFormat`). */
  readonly encoding: EmbeddingEncoding;
  readonly isStream: false;
  /** The answer, vectors in the caller's encoding, once the call has it. */
  response: EmbeddingResponse<EmbeddingVector> | undefined;
  readonly stream: undefined;
  /** How many vectors the call returns: the items of `request.input`. */
  readonly inputCount: number;
  /** How many of them a cache answered (the cache layer sets it). */
  cachedInputs: number;
  /** True when the provider counted no tokens (Gemini's batch endpoint) and `usage` is a tokenizer estimate. */
  usageEstimated: boolean;
}

/** What every call's context has, whatever its kind. */
export interface ContextBase {
  /** A unique id for this call. */
  readonly callId: string;
  /** Shared by every attempt (and every retry) of this call. */
  readonly traceId: string;
  /** Which call this is; narrow on it to reach the request and response of that kind. */
  readonly kind: CallKind;
  /** shallot's own options for this call. */
  readonly options: CallOptions;
  /** The caller's metadata; never sent to the provider. */
  metadata: Metadata;
  /** Typed state that middleware add by declaration merging. */
  readonly state: ContextState;
  /** The provider the current `request.model` resolves to. Throws a `ValidationError` for an unknown provider. */
  readonly provider: ResolvedProvider;
  /** Attempt number, from 1; 0 before the first attempt. */
  attempt: number;
  readonly timings: Timings;
  status: CallStatus;
  cacheStatus: CacheStatus;
  /** The cache key hash of the request, once a cache layer computed it. */
  cacheKey: string | undefined;
  /** What the call record hides: the call's `redact`, else the client's, else the process default. */
  readonly redaction: ResolvedRedaction;
  /** Token usage of the answer, once known. */
  usage: Usage | undefined;
  /** What the call cost, set by the cost layer when the call ends. */
  cost: CallCost | undefined;
  /** The failure, once the call failed. */
  error: ShallotError | undefined;
  /** The HTTP request of the current attempt, once prepared. */
  providerRequest: ProviderRequest | undefined;
  /** The HTTP response head (and body text for plain calls) of the current attempt. */
  providerResponse: ProviderResponse | undefined;
  /** Aborts when the caller's signal aborts, on timeout, or when a stream's consumer stops. */
  readonly signal: AbortSignal;
  /**
   * Calls `listener` for every chunk of a streamed call, in order, as the caller receives it.
   * Chunk listeners run innermost-first, as end listeners do: register on the way in.
   */
  onChunk(listener: ChunkListener): void;
  /**
   * Calls `listener` once when the call ends, with `status`, `response`, `usage`, `cost` and
   * `error` final: for a plain call as the built-in layers return, for a stream after its last
   * chunk or its failure. Listeners run innermost-first (the last registered runs first), so
   * register on the way in, before `await next()`: an outer layer's listener then sees what
   * every inner layer's listener computed (the cost, the cache status). A listener registered
   * after the call ended runs at once, in a microtask.
   */
  onEnd(listener: EndListener): void;
  /**
   * Adds a layer to this call's attempt chain, between the provider transform and the
   * transport: it runs once per attempt (a retry runs it again) and sees the exact
   * `ctx.providerRequest` before it is sent. With `{ beforePrepare: true }` it runs before the
   * provider transform instead, where it may choose where the attempt goes (`ctx.request.model`,
   * `ctx.route`): what a router does.
   */
  useAttempt(middleware: Middleware, options?: AttemptLayerOptions): void;
  /**
   * Where the current attempt goes, over the call's own options: a base URL, a key, an API
   * version, headers. A layer that runs before the provider transform sets it (a router, for
   * the deployment it chose); `ctx.provider` resolves with it. Undefined: the call's options.
   */
  route: AttemptRoute | undefined;
  /**
   * Runs `task` off the hot path, after the current turn of the event loop and in order with
   * other deferred work; a promise it returns is tracked. `client.flush()` waits for it, and
   * a failure goes to the client's `onCallbackError`, never to the call.
   */
  defer(task: () => unknown, label?: CallbackErrorInfo): void;
  /** Hands an observer's failure to the client's `onCallbackError`; the call is unaffected. */
  report(error: unknown, label: CallbackErrorInfo): void;
  /** Cancels the call with `reason`: its request, its stream and any wait end, and the call fails with it. */
  abort(reason: ShallotError): void;
  /**
   * Waits for `work`, but never past the call's own bounds: rejects with the call's abort
   * reason (an `AbortError` from the caller's signal, a `TimeoutError` from `totalTimeout`)
   * as soon as the call aborts, whatever `work` does. Use it for anything a layer awaits that
   * it does not control: a store, a lock, another call, a callback.
   *
   * @example
   * const entry = await ctx.within(redis.get(key));
   */
  within<T>(work: PromiseLike<T>): Promise<T>;
  /**
   * Calls `listener` for every failed attempt that another attempt follows. The next attempt
   * starts once the backoff wait has passed and every listener's promise has settled, so
   * events stay in order: this attempt's failure before the next attempt's pre-API event.
   */
  onAttemptFailure(listener: AttemptFailureListener): void;
}

/** Options of {@link ContextBase.useAttempt}. */
export interface AttemptLayerOptions {
  /** Run before the provider transform, not after it. @default false */
  beforePrepare?: boolean;
}

/** Where an attempt goes, over the call's options (see {@link ContextBase.route}). */
export interface AttemptRoute {
  /** The base URL. */
  apiBase?: string;
  /** The key, as a {@link Secret} so that it never prints unmasked. */
  apiKey?: Secret;
  /** The API version (Azure). */
  apiVersion?: string;
  /** Headers sent with the attempt, over the call's. */
  headers?: Record<string, string>;
}

/** A failed attempt that another attempt follows. */
export interface AttemptFailure {
  error: ShallotError;
  /** The attempt that failed, from 1. */
  attempt: number;
  /** The model that attempt used. */
  model: string;
  /** The model of the next attempt (a fallback when it differs). */
  nextModel: string;
  /** Milliseconds before the next attempt. */
  delayMs: number;
}

/** A listener for attempt failures; a promise it returns is waited for before the next attempt. */
export type AttemptFailureListener = (failure: AttemptFailure) => unknown;

/**
 * Recovers a stream that failed before its first chunk reached the caller: runs another
 * attempt (whose stream the caller's stream then carries on with) and resolves `true`, or
 * throws the error the call ends with. See {@link Attempts.recoverStreams}.
 */
export type StreamRecovery = (error: ShallotError) => Promise<boolean>;

/**
 * What a layer that runs attempts controls (retries, fallbacks, a router): given to it by
 * `runsAttempts()` from `shallot/kit`, never on the context, so that no other layer runs an
 * attempt by accident.
 */
export interface Attempts {
  /**
   * Runs the attempt chain once more: a new attempt number, a fresh provider request for the
   * current `request.model`, its own pre and post API events. Throws the attempt's typed error.
   */
  run(): Promise<void>;
  /**
   * Says how a stream that fails before its first chunk reached the caller is recovered: the
   * call keeps one stream, and the next attempt's chunks continue it.
   */
  recoverStreams(recover: StreamRecovery): void;
  /**
   * Tells the `onAttemptFailure` listeners (the callbacks' `will_retry` failure events) about a
   * failed attempt that another follows; resolves once they have all settled.
   */
  tellFailure(failure: AttemptFailure): Promise<void>;
}

import { randomUUID } from 'node:crypto';
import type { Middleware } from '../call/middleware.js';
import { type Background, isPromiseLike } from '../client/background.js';
import type { CallbackErrorInfo } from '../client/options.js';
import type { CallCost } from '../cost/types.js';
import { embeddingItems } from '../embedding/items.js';
import type { ShallotError } from '../errors/shallot-error.js';
import type { ResolvedProvider } from '../providers/provider.js';
import {
  type RedactionPolicy,
  type ResolvedRedaction,
  resolveRedaction,
} from '../record/redact.js';
import { type SecretsMemo, secretsOfCall } from '../secrets/call-secrets.js';
import { maskErrorSecrets } from '../secrets/mask-error.js';
import type { ChunkSource } from '../stream/chunk-source.js';
import { CompletionStream } from '../stream/completion-stream.js';
import type {
  EmbeddingEncoding,
  EmbeddingRequest,
  EmbeddingResponse,
  EmbeddingVector,
} from '../types/embedding.js';
import type { ChatCompletion, ChatCompletionChunk, ChatRequest, Usage } from '../types/openai.js';
import { CallAbort } from './call-abort.js';
import type {
  AttemptFailure,
  AttemptFailureListener,
  AttemptLayerOptions,
  AttemptRoute,
  Attempts,
  CallKind,
  CompletionContext,
  ContextBase,
  EmbeddingContext,
  StreamRecovery,
} from './context-api.js';
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

export type {
  AttemptFailure,
  AttemptFailureListener,
  AttemptLayerOptions,
  AttemptRoute,
  Attempts,
  CallKind,
  CompletionContext,
  Context,
  ContextBase,
  EmbeddingContext,
  StreamRecovery,
} from './context-api.js';

/** Keys of the call's attempt control, held by this module alone (see {@link CallAttempts}). */
const RUN_ATTEMPT = Symbol('runAttempt');
const TELL_FAILURE = Symbol('tellAttemptFailure');

/** How a context resolves its provider; supplied by the client. */
export type ProviderResolver = (model: string, options: CallOptions) => ResolvedProvider;

/** What the client lends each context. */
export interface ContextServices {
  resolveProvider: ProviderResolver;
  /** Hands an observer's failure to the client's error hook. */
  report: (error: unknown, label: CallbackErrorInfo) => void;
  background: Background;
  /** The client's redaction, under the call's. */
  redaction: RedactionPolicy | undefined;
  /** Runs the client's attempt chain once for this context. */
  runAttempt: (ctx: CallContext) => Promise<void>;
}

/** A call's context, whatever its kind: what internal code takes. */
export type CallContext = CompletionCallContext | EmbeddingCallContext;

/** What both kinds of context share. Its extra members are internal. */
abstract class BaseCallContext implements ContextBase {
  readonly callId: string = randomUUID();
  readonly traceId: string;
  abstract readonly kind: CallKind;
  abstract request: { model: string };
  readonly options: CallOptions;
  metadata: Metadata;
  readonly state: ContextState = {};
  attempt = 0;
  readonly timings: Timings = { start: Date.now() };
  status: CallStatus = 'pending';
  cacheStatus: CacheStatus = 'none';
  cacheKey: string | undefined = undefined;
  readonly redaction: ResolvedRedaction;
  usage: Usage | undefined = undefined;
  cost: CallCost | undefined = undefined;
  error: ShallotError | undefined = undefined;
  providerRequest: ProviderRequest | undefined = undefined;
  providerResponse: ProviderResponse | undefined = undefined;
  /** The call's abort state, which internal code listens to without an `AbortSignal`. @internal */
  readonly aborts = new CallAbort();

  /** @internal */
  readonly chunkListeners: ChunkListener[] = [];
  /** @internal */
  readonly attemptMiddleware: Middleware[] = [];
  /** The call's own attempt layers that run before the provider transform. @internal */
  readonly routeMiddleware: Middleware[] = [];
  route: AttemptRoute | undefined = undefined;
  /** @internal */
  streamRecovery: StreamRecovery | undefined;
  /** The call record, once built (see `callRecordOf`): a field, not a WeakMap, to spare the GC. @internal */
  record: unknown = undefined;
  /** The call's secrets, once worked out (see `secretsOfCall`). @internal */
  secretsMemo: SecretsMemo | undefined = undefined;
  readonly #attemptFailureListeners: AttemptFailureListener[] = [];
  readonly #endListeners: EndListener[] = [];
  readonly #services: ContextServices;
  #resolvedFor: string | undefined;
  #resolvedRoute: AttemptRoute | undefined;
  #resolved: ResolvedProvider | undefined;
  #ended = false;
  #cleanups: Array<() => void> | undefined;
  #attempts: Attempts | undefined;

  constructor(
    options: CallOptions,
    metadata: Metadata,
    traceId: string | undefined,
    services: ContextServices,
  ) {
    this.options = options;
    this.metadata = metadata;
    this.traceId = traceId ?? this.callId;
    this.#services = services;
    this.redaction = resolveRedaction(options.redact, services.redaction);
  }

  get signal(): AbortSignal {
    return this.aborts.signal;
  }

  get provider(): ResolvedProvider {
    const model = this.request.model;
    const route = this.route;
    if (
      this.#resolved === undefined ||
      this.#resolvedFor !== model ||
      this.#resolvedRoute !== route
    ) {
      const options = route === undefined ? this.options : routed(this.options, route);
      this.#resolved = this.#services.resolveProvider(model, options);
      this.#resolvedFor = model;
      this.#resolvedRoute = route;
    }
    return this.#resolved;
  }

  /** True once the call succeeded or failed. @internal */
  get ended(): boolean {
    return this.#ended;
  }

  onChunk(listener: ChunkListener): void {
    this.chunkListeners.push(listener);
  }

  useAttempt(middleware: Middleware, options?: AttemptLayerOptions): void {
    if (options?.beforePrepare === true) this.routeMiddleware.push(middleware);
    else this.attemptMiddleware.push(middleware);
  }

  /** The attempt control `runsAttempts()` hands to a layer that runs attempts. @internal */
  get attempts(): Attempts {
    this.#attempts ??= new CallAttempts(this as unknown as CallContext);
    return this.#attempts;
  }

  /** Runs the attempt chain once more (what `Attempts.run` does). @internal */
  [RUN_ATTEMPT](): Promise<void> {
    return this.#services.runAttempt(this as unknown as CallContext);
  }

  onAttemptFailure(listener: AttemptFailureListener): void {
    this.#attemptFailureListeners.push(listener);
  }

  /** Tells the attempt failure listeners (what `Attempts.tellFailure` does). @internal */
  [TELL_FAILURE](failure: AttemptFailure): Promise<void> {
    maskErrorSecrets(failure.error, secretsOfCall(this));
    const pending: Array<PromiseLike<unknown>> = [];
    for (const listener of this.#attemptFailureListeners) {
      const label = { callback: listenerName(listener), event: 'attempt failure' };
      try {
        const result = listener(failure);
        if (isPromiseLike(result)) {
          this.#services.background.track(result, label);
          pending.push(result);
        }
      } catch (error) {
        this.report(error, label);
      }
    }
    if (pending.length === 0) return Promise.resolve();
    // The background reports a rejected listener; here it only has to be waited for.
    return Promise.allSettled(pending).then(() => undefined);
  }

  defer(
    task: () => unknown,
    label: CallbackErrorInfo = { callback: 'deferred task', event: 'end' },
  ): void {
    this.#services.background.defer(task, label);
  }

  report(error: unknown, label: CallbackErrorInfo): void {
    this.#services.report(error, label);
  }

  onEnd(listener: EndListener): void {
    if (this.#ended) queueMicrotask(() => this.#runEndListener(listener));
    else this.#endListeners.push(listener);
  }

  abort(reason: ShallotError): void {
    this.aborts.abort(reason);
  }

  /** Registers a teardown of a timer or a signal link, run once when the call ends. @internal */
  addCleanup(cleanup: () => void): void {
    this.#cleanups ??= [];
    this.#cleanups.push(cleanup);
  }

  within<T>(work: PromiseLike<T>): Promise<T> {
    const aborts = this.aborts;
    if (aborts.aborted) {
      // The work is abandoned: its own failure, if any, must not surface as unhandled.
      Promise.resolve(work).then(undefined, ignoreFailure);
      return Promise.reject(aborts.reason);
    }
    return new Promise<T>((resolve, reject) => {
      const unsubscribe = aborts.onAbort(reject);
      Promise.resolve(work).then(
        (value) => {
          unsubscribe();
          resolve(value);
        },
        (error: unknown) => {
          unsubscribe();
          reject(error);
        },
      );
    });
  }

  /** Passes a chunk to every chunk listener, innermost first, isolating their failures. @internal */
  emitChunk(chunk: ChatCompletionChunk): void {
    // Innermost first, as end listeners: the last registered (the innermost layer's) first.
    const listeners = this.chunkListeners;
    for (let index = listeners.length - 1; index >= 0; index--) {
      try {
        (listeners[index] as ChunkListener)(chunk);
      } catch (error) {
        this.report(error, { callback: listenerName(listeners[index]), event: 'chunk' });
      }
    }
  }

  /** Ends the call once: records the outcome and runs the end listeners. @internal */
  end(error?: ShallotError): void {
    if (this.#ended) return;
    this.#ended = true;
    this.timings.end = Date.now();
    if (error) {
      // The one place every failure passes before anyone sees it: whatever a server echoed
      // (the key in a message, a body, a header), the error shows it masked from here on.
      maskErrorSecrets(error, secretsOfCall(this));
      this.error = error;
      this.status = 'failure';
    } else {
      this.status = 'success';
      if (this.usage === undefined) this.usage = this.answerUsage();
    }
    const cleanups = this.#cleanups;
    this.#cleanups = undefined;
    if (cleanups !== undefined) for (const cleanup of cleanups) cleanup();
    // Innermost first: the last registered (the innermost layer's, registered on the way in)
    // runs first, so an outer layer's listener sees what the inner ones computed.
    const listeners = this.#endListeners;
    for (let index = listeners.length - 1; index >= 0; index--) {
      this.#runEndListener(listeners[index] as EndListener);
    }
    this.#release();
  }

  /**
   * Empties the call's listener lists once it has ended. Under load V8 may allocate these
   * lists straight into the old generation; one left full after its call kept every closure
   * in it, and through them the whole call, alive until the next full collection (measured:
   * streams cost half again as much CPU).
   */
  #release(): void {
    this.#endListeners.length = 0;
    this.chunkListeners.length = 0;
    this.attemptMiddleware.length = 0;
    this.routeMiddleware.length = 0;
    this.#attemptFailureListeners.length = 0;
  }

  /** The usage the answer reports, for a call whose layers set none. */
  protected abstract answerUsage(): Usage | undefined;

  #runEndListener(listener: EndListener): void {
    try {
      listener();
    } catch (error) {
      this.report(error, { callback: listenerName(listener), event: 'end' });
    }
  }
}

/** The context of a `completion()` call. */
export class CompletionCallContext extends BaseCallContext implements CompletionContext {
  readonly kind = 'completion' as const;
  request: ChatRequest;
  readonly isStream: boolean;
  response: ChatCompletion | undefined = undefined;
  stream: CompletionStream | undefined = undefined;

  constructor(
    request: ChatRequest,
    options: CallOptions,
    metadata: Metadata,
    traceId: string | undefined,
    services: ContextServices,
  ) {
    super(options, metadata, traceId, services);
    this.request = request;
    this.isStream = request.stream === true;
  }

  /**
   * Answers the call with a stream of `source`'s chunks: the call's one stream is made on the
   * first delivery and set as `ctx.stream`; a later one (an attempt that recovers a stream
   * which failed before its first chunk) continues that same stream. `cancelAttempt` stops
   * the delivering attempt's request (a chunk timeout) and leaves the call alive. @internal
   */
  deliverStream(source: ChunkSource, cancelAttempt?: (reason: ShallotError) => void): void {
    const stream = this.stream;
    if (stream === undefined) {
      this.stream = new CompletionStream(this, source, cancelAttempt);
      this.status = 'streaming';
    } else {
      stream.adopt(source, cancelAttempt);
    }
  }

  /** Answers the call with a whole `chat.completion` (a plain call). @internal */
  deliverAnswer(completion: ChatCompletion): void {
    this.timings.firstToken = Date.now();
    this.response = completion;
    this.usage = completion.usage;
  }

  protected answerUsage(): Usage | undefined {
    return this.response?.usage;
  }
}

/** The context of an `embedding()` call. */
export class EmbeddingCallContext extends BaseCallContext implements EmbeddingContext {
  readonly kind = 'embedding' as const;
  request: EmbeddingRequest;
  readonly encoding: EmbeddingEncoding;
  readonly isStream = false as const;
  readonly stream = undefined;
  response: EmbeddingResponse<EmbeddingVector> | undefined = undefined;
  cachedInputs = 0;
  usageEstimated = false;

  constructor(
    request: EmbeddingRequest,
    encoding: EmbeddingEncoding,
    options: CallOptions,
    metadata: Metadata,
    traceId: string | undefined,
    services: ContextServices,
  ) {
    super(options, metadata, traceId, services);
    this.request = request;
    this.encoding = encoding;
  }

  get inputCount(): number {
    return embeddingItems(this.request.input).length;
  }

  /** Answers the call with its vectors (in the caller's encoding). @internal */
  deliverEmbeddings(response: EmbeddingResponse<EmbeddingVector>): void {
    this.timings.firstToken = Date.now();
    this.response = response;
    this.usage = embeddingUsage(response.usage.prompt_tokens);
  }

  protected answerUsage(): Usage | undefined {
    const usage = this.response?.usage;
    return usage === undefined ? undefined : embeddingUsage(usage.prompt_tokens);
  }
}

/** An embedding call's input tokens as chat usage, which cost, records and sinks read. */
export function embeddingUsage(promptTokens: number): Usage {
  return { prompt_tokens: promptTokens, completion_tokens: 0, total_tokens: promptTokens };
}

/** The call's options with an attempt's route over them (its headers go with the request). */
function routed(options: CallOptions, route: AttemptRoute): CallOptions {
  const { headers: _headers, ...target } = route;
  return { ...options, ...target };
}

function ignoreFailure(): void {}

function listenerName(listener: unknown): string {
  const name = typeof listener === 'function' ? listener.name : '';
  return name === '' ? 'anonymous listener' : name;
}

/**
 * The attempt control of one call, which `runsAttempts()` hands to the layer that runs
 * attempts: one small object whose methods are shared, reaching the call through keys that
 * only this module holds.
 */
class CallAttempts implements Attempts {
  readonly #ctx: CallContext;

  constructor(ctx: CallContext) {
    this.#ctx = ctx;
  }

  run(): Promise<void> {
    return this.#ctx[RUN_ATTEMPT]();
  }

  recoverStreams(recover: StreamRecovery): void {
    this.#ctx.streamRecovery = recover;
  }

  tellFailure(failure: AttemptFailure): Promise<void> {
    return this.#ctx[TELL_FAILURE](failure);
  }
}

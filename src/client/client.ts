import compose from 'koa-compose';
import { AttemptChain } from '../attempt/attempt-chain.js';
import { transport } from '../attempt/transport.js';
import type { Cache } from '../cache/cache.js';
import type { Middleware } from '../call/middleware.js';
import {
  type CallContext,
  CompletionCallContext,
  type ContextServices,
  EmbeddingCallContext,
} from '../context/context.js';
import { PriceBook, type PriceInput } from '../cost/price-book.js';
import { toShallotError } from '../errors/normalize.js';
import type { ShallotError } from '../errors/shallot-error.js';
import { ShutdownError } from '../errors/shutdown-error.js';
import { UnexpectedError } from '../errors/unexpected-error.js';
import { ValidationError } from '../errors/validation-error.js';
import type { LegacyCallback } from '../legacy/types.js';
import type { ProviderOptions } from '../providers/provider.js';
import { resolveProvider } from '../providers/registry.js';
import { isAdoptable } from '../record/reporters.js';
import type { DeadlineOptions } from '../record/sink.js';
import type { CompletionStream } from '../stream/completion-stream.js';
import { sharedAgent } from '../transport/agent.js';
import type { EmbeddingResponse, EmbeddingVector } from '../types/embedding.js';
import type { ChatCompletion } from '../types/openai.js';
import { parseEmbeddingParams } from '../validation/embedding-params.js';
import { parseCompletionParams } from '../validation/parse-params.js';
import { Background } from './background.js';
import { bindCallBounds } from './call-bounds.js';
import { Deadline, hasClose, hasFlush, labelOf, settle } from './deadline.js';
import {
  type CallbackErrorHandler,
  type CallbackErrorInfo,
  type ClientOptions,
  checkClientOptions,
} from './options.js';
import type { CompletionParams, EmbeddingParams, StreamingParams } from './params.js';

type Chain = (ctx: CallContext) => Promise<void>;

const DEFAULT_TIMEOUT_MS = 600_000;
const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;
const DEFAULT_MAX_EVENT_BYTES = 4 * 1024 * 1024;

/**
 * A shallot client: a call chain of middleware around an attempt chain that ends in the
 * provider transport. Create one with {@link createClient}, or use the default `shallot`.
 */
export class Client {
  /** Receives the failures of callbacks, chunk and end listeners, and sinks. The call never sees them. */
  onCallbackError: CallbackErrorHandler = warnLine;
  /** LiteLLM's `success_callback`: `fn(kwargs, completionResponse, startTime, endTime)` or handlers, after every successful call. */
  successCallback: LegacyCallback[] = [];
  /** LiteLLM's `failure_callback`: the same signature, with `kwargs.exception`, after every failed call. */
  failureCallback: LegacyCallback[] = [];
  /** LiteLLM's `input_callback`: `fn(kwargs)` before every API call, with the exact body sent. */
  inputCallback: LegacyCallback[] = [];
  /** LiteLLM's `callbacks`: handlers and functions for every event. */
  callbacks: LegacyCallback[] = [];
  /** This client's prices, over the bundled table; the cost layer reads them. */
  readonly prices = new PriceBook();
  /**
   * LiteLLM's `litellm.cache`: a {@link Cache} every call reads and writes, or null for none.
   *
   * @example
   * shallot.cache = new Cache({ type: 'redis', host: '127.0.0.1', port: 6379 });
   */
  cache: Cache | null = null;

  readonly #middleware: Middleware[];
  readonly #builtIn: readonly Middleware[];
  readonly #attempts: AttemptChain;
  readonly #providers: Readonly<Record<string, ProviderOptions>>;
  readonly #background: Background;
  readonly #services: ContextServices;
  #callChain: Chain | undefined;
  #settled: Chain | undefined;
  #closed = false;

  /**
   * Prefer {@link createClient}, which adds the built-in layers (the callback arrays among
   * them). `builtIn` makes those layers: they run inside the client's own middleware.
   */
  constructor(
    options?: ClientOptions,
    builtIn?: (client: Client, options: ClientOptions) => Middleware[],
  ) {
    const checked = checkClientOptions(options);
    // Safe to take apart, as LiteLLM's users do: `const { completion } = shallot`.
    this.completion = this.completion.bind(this);
    this.embedding = this.embedding.bind(this);
    this.flush = this.flush.bind(this);
    this.shutdown = this.shutdown.bind(this);
    this.use = this.use.bind(this);
    this.registerModel = this.registerModel.bind(this);
    this.#middleware = [...(checked.middleware ?? [])];
    for (const layer of this.#middleware) this.#adopt(layer);
    this.#providers = { ...checked.providers };
    if (checked.onCallbackError) this.onCallbackError = checked.onCallbackError;
    if (checked.pricing) this.prices.register(checked.pricing);
    this.#background = new Background(this.#report);
    this.#services = {
      resolveProvider: (model, callOptions) => resolveProvider(model, callOptions, this.#providers),
      report: this.#report,
      background: this.#background,
      redaction: checked.redact,
      runAttempt: (ctx) => this.#attempts.run(ctx),
    };
    this.#builtIn = builtIn ? builtIn(this, checked) : [];
    this.#attempts = new AttemptChain(
      [...(checked.attemptMiddleware ?? [])],
      transport({
        dispatcher: checked.dispatcher ?? sharedAgent(),
        timeout: checked.timeout ?? DEFAULT_TIMEOUT_MS,
        limits: {
          maxResponseBytes: checked.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
          maxEventBytes: checked.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES,
        },
      }),
    );
  }

  /**
   * Appends a middleware to the call chain: it runs inside every middleware added before it.
   *
   * @example
   * client.use(async (ctx, next) => { console.log('→', ctx.request.model); await next(); });
   */
  use(middleware: Middleware): this {
    if (typeof middleware !== 'function') {
      throw ValidationError.forField(
        'middleware',
        `expected an async (ctx, next) => {} function, received ${typeof middleware}.`,
      );
    }
    this.#middleware.push(middleware);
    this.#adopt(middleware);
    this.#callChain = undefined;
    return this;
  }

  /** Hands this client's error hook to a layer that reports outside calls (a sink). */
  #adopt(layer: Middleware): void {
    if (isAdoptable(layer)) layer.adopt(this.#report);
  }

  /**
   * Runs one completion call through the chain. Resolves to a `chat.completion`, or with
   * `stream: true` to a {@link CompletionStream} as soon as the response head arrives.
   *
   * @throws ValidationError for bad input, before any network call; every other failure is
   * a `ShallotError` subclass (`RateLimitError`, `AuthenticationError`, ...).
   * @example
   * const answer = await client.completion({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] });
   */
  completion(params: StreamingParams): Promise<CompletionStream>;
  completion(params: CompletionParams & { stream?: false }): Promise<ChatCompletion>;
  completion(params: CompletionParams): Promise<ChatCompletion | CompletionStream>;
  async completion(params: CompletionParams): Promise<ChatCompletion | CompletionStream> {
    this.#refuseWhenClosed();
    const parsed = parseCompletionParams(params);
    const ctx = new CompletionCallContext(
      parsed.request,
      parsed.options,
      parsed.metadata,
      parsed.traceId,
      this.#services,
    );
    await this.#run(ctx, parsed.middleware);
    if (ctx.stream) return ctx.stream;
    if (ctx.response === undefined) throw this.#fail(ctx, noAnswer(ctx));
    ctx.end();
    return ctx.response;
  }

  /**
   * Runs one embedding call through the same chain as completions: middleware (with
   * `ctx.kind === 'embedding'`), callbacks (`call_type: 'aembedding'`), cost, cache (per
   * input), resilience and sinks. Resolves to OpenAI's `{ object: 'list', data, model, usage }`,
   * one vector per input in input order, as `number[]` unless `encodingFormat` says otherwise.
   *
   * @throws ValidationError for bad input, before any network call; every other failure is
   * a `ShallotError` subclass.
   * @example
   * const { data } = await client.embedding({ model: 'openai/text-embedding-3-small', input: ['a cat', 'a dog'] });
   */
  embedding(
    params: EmbeddingParams & { encodingFormat: 'float32' },
  ): Promise<EmbeddingResponse<Float32Array>>;
  embedding(
    params: EmbeddingParams & { encodingFormat: 'base64' },
  ): Promise<EmbeddingResponse<string>>;
  embedding(
    params: EmbeddingParams & { encodingFormat?: 'float' },
  ): Promise<EmbeddingResponse<number[]>>;
  embedding(params: EmbeddingParams): Promise<EmbeddingResponse<EmbeddingVector>>;
  async embedding(params: EmbeddingParams): Promise<EmbeddingResponse<EmbeddingVector>> {
    this.#refuseWhenClosed();
    const parsed = parseEmbeddingParams(params);
    const ctx = new EmbeddingCallContext(
      parsed.request,
      parsed.encoding,
      parsed.options,
      parsed.metadata,
      parsed.traceId,
      this.#services,
    );
    await this.#run(ctx, parsed.middleware);
    if (ctx.response === undefined) throw this.#fail(ctx, noAnswer(ctx));
    ctx.end();
    return ctx.response;
  }

  #refuseWhenClosed(): void {
    if (this.#closed) {
      throw new ShutdownError({
        message:
          'this client was shut down and refuses new calls. Create a new client with createClient().',
      });
    }
  }

  /** Runs a call's chain, within its bounds; a failure ends the call and is thrown typed. */
  async #run(ctx: CallContext, perCall: Middleware[] | undefined): Promise<void> {
    const bounded = bindCallBounds(ctx);
    const chain = perCall ? this.#compose(perCall) : this.#chain();
    const run = chain(ctx);
    try {
      // A call with a signal or a totalTimeout ends within them, whatever a layer awaits.
      await (bounded ? ctx.within(run) : run);
    } catch (error) {
      // The layers may still be unwinding (an aborted request takes a turn to reject), and
      // what they register on the way out (their end events) is work flush() waits for.
      if (bounded) this.#background.track(run.then(ignore, ignore), UNWINDING);
      throw this.#fail(ctx, error);
    }
  }

  /**
   * Adds prices for this client's own models (or replaces bundled ones), as LiteLLM's
   * `register_model`. Other clients are not affected.
   *
   * @example
   * client.registerModel({ 'acme/llm-1': { input_cost_per_token: 1e-6, output_cost_per_token: 2e-6 } });
   */
  registerModel(models: Record<string, PriceInput>): void {
    this.prices.register(models);
  }

  /**
   * Resolves once every pending callback, deferred task and sink has finished: `true`, or
   * `false` when `timeoutMs` passed first. Await it before a short script exits. Never
   * rejects: a layer whose `flush()` fails is reported to `onCallbackError`, and the others
   * are flushed all the same.
   *
   * @example
   * await shallot.completion({ model, messages });
   * await shallot.flush(); // the success callbacks have run
   */
  async flush(options: FlushOptions = {}): Promise<boolean> {
    const deadline = new Deadline(options?.timeoutMs);
    try {
      return await this.#flushWithin(deadline);
    } finally {
      deadline.clear();
    }
  }

  /**
   * Refuses new calls, flushes, then closes the layers that have a `close()` and the cache,
   * all within one `timeoutMs`: the closes get what the flush left. Resolves `true`, or
   * `false` when something had not finished in time; never rejects (failures go to
   * `onCallbackError`). Each layer's `flush()` and `close()` receive `{ signal }`, aborted at
   * the deadline, so that what is still running stops its I/O and nothing keeps the process
   * alive (see {@link DeadlineOptions}).
   *
   * @example
   * process.on('SIGTERM', async () => process.exit((await shallot.shutdown({ timeoutMs: 5000 })) ? 0 : 1));
   */
  async shutdown(options: FlushOptions = {}): Promise<boolean> {
    this.#closed = true;
    const deadline = new Deadline(options?.timeoutMs);
    try {
      const flushed = await this.#flushWithin(deadline);
      const closes = this.#layersWith(hasClose).map((layer) =>
        settle(() => layer.close(deadline.options), labelOf(layer, 'close'), this.#report),
      );
      const cache = this.cache;
      if (cache)
        closes.push(
          settle(() => cache.close(), { callback: 'cache', event: 'close' }, this.#report),
        );
      const closed = await deadline.race(Promise.all(closes));
      return flushed && closed;
    } finally {
      deadline.clear();
    }
  }

  async #flushWithin(deadline: Deadline): Promise<boolean> {
    // Callbacks may hand work to sinks, so wait for the queue, then the sinks, then the queue again.
    if (!(await this.#background.idle(deadline.remainingMs()))) return false;
    const flushes = this.#layersWith(hasFlush).map((layer) =>
      settle(() => layer.flush(deadline.options), labelOf(layer, 'flush'), this.#report),
    );
    if (!(await deadline.race(Promise.all(flushes)))) return false;
    return this.#background.idle(deadline.remainingMs());
  }

  /** The client's own layers that pass `has`, each once. */
  #layersWith<T>(has: (layer: Middleware) => layer is Middleware & T): Array<Middleware & T> {
    return [...new Set([...this.#middleware, ...this.#builtIn])].filter(has);
  }

  /**
   * Ends the call with what a layer threw, as a typed error, and returns the error the caller
   * gets: the call's own when this ended it, else (a layer outside the built-ins threw after
   * they had ended the call) the one that layer threw.
   */
  #fail(ctx: CallContext, error: unknown): ShallotError {
    const failure = toShallotError(error, {
      provider: ctx.providerRequest ? ctx.provider.name : undefined,
      model: ctx.request.model,
      signal: ctx.aborts,
      midStream: false,
    });
    if (ctx.ended) return failure;
    // A layer failed after the stream was created: stop it, and end the call with this error.
    if (ctx.stream) ctx.abort(failure);
    ctx.end(failure);
    return ctx.error ?? failure;
  }

  /**
   * The layer between the caller's middleware and the built-in ones: once the built-ins have
   * returned, a plain call has its outcome, so it ends here, and the end listeners run
   * (innermost first) before any outer layer's code after `await next()`: that code sees
   * `status`, `cost`, `cacheStatus` and `error` final. A stream ends after its last chunk.
   */
  readonly #settleCall: Middleware = async (ctx, next) => {
    const call = ctx as CallContext;
    try {
      await next();
    } catch (error) {
      throw this.#fail(call, error);
    }
    if (call.stream !== undefined) return;
    if (call.response === undefined) throw this.#fail(call, noAnswer(call));
    call.end();
  };

  #chain(): Chain {
    this.#callChain ??= this.#compose([]);
    return this.#callChain;
  }

  #compose(perCall: readonly Middleware[]): Chain {
    const outer = [...this.#middleware, ...perCall];
    // With no layer outside the built-ins, completion() settles the call itself: one async
    // layer less on every call.
    if (outer.length === 0) return compose<CallContext>([...this.#builtIn, runAttemptOnce]);
    // A call's own layers run around the rest, composed once: only they are composed per call.
    if (perCall.length > 0) {
      const rest = this.#settledChain();
      return (ctx) => compose<CallContext>(outer)(ctx, () => rest(ctx));
    }
    return compose<CallContext>([...outer, this.#settleCall, ...this.#builtIn, runAttemptOnce]);
  }

  /** The settling layer, the built-ins and the attempt, composed once. */
  #settledChain(): Chain {
    this.#settled ??= compose<CallContext>([this.#settleCall, ...this.#builtIn, runAttemptOnce]);
    return this.#settled;
  }

  readonly #report = (error: unknown, label: CallbackErrorInfo) => {
    reportCallbackError(this.onCallbackError, error, label);
  };
}

const UNWINDING: CallbackErrorInfo = { callback: 'call chain', event: 'abort' };

/** The innermost call layer when no layer ran the attempts itself: one attempt. */
const runAttemptOnce: Middleware = (ctx) => (ctx as CallContext).attempts.run();

function noAnswer(ctx: CallContext): UnexpectedError {
  return new UnexpectedError({
    model: ctx.request.model,
    message: `${ctx.request.model}: the chain ended without a response: a middleware returned without calling next() or answering the call.`,
  });
}

function ignore(): void {}

/** Options of `flush()` and `shutdown()`. */
export interface FlushOptions {
  /**
   * The most milliseconds to wait, for everything together; then the call resolves `false`.
   * `Infinity` waits as long as a timer can (24.8 days); a value that is not a number is the
   * default.
   * @default 10000
   */
  timeoutMs?: number;
}

/** Calls the error hook, and survives a hook that throws. */
export function reportCallbackError(
  handler: CallbackErrorHandler,
  error: unknown,
  info: CallbackErrorInfo,
): void {
  try {
    handler(error, info);
  } catch (hookError) {
    warnLine(hookError, { callback: 'onCallbackError', event: info.event });
  }
}

/** The default error hook: one warning line naming the callback and the event. */
function warnLine(error: unknown, info: CallbackErrorInfo): void {
  const message = error instanceof Error ? error.message : String(error);
  console.warn(
    `[shallot] callback "${info.callback}" failed on the ${info.event} event: ${message}`,
  );
}

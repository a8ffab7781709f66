import compose from 'koa-compose';
import { AttemptChain } from '../attempt/attempt-chain.js';
import { transport } from '../attempt/transport.js';
import type { Cache } from '../cache/cache.js';
import type { Middleware } from '../call/middleware.js';
import { CallContext, type ContextServices } from '../context/context.js';
import { PriceBook, type PriceInput } from '../cost/price-book.js';
import { toShallotError } from '../errors/normalize.js';
import type { ShallotError } from '../errors/shallot-error.js';
import { ShutdownError } from '../errors/shutdown-error.js';
import { UnexpectedError } from '../errors/unexpected-error.js';
import { ValidationError } from '../errors/validation-error.js';
import type { LegacyCallback } from '../legacy/types.js';
import type { ProviderOptions } from '../providers/provider.js';
import { resolveProvider } from '../providers/registry.js';
import type { CompletionStream } from '../stream/completion-stream.js';
import { sharedAgent } from '../transport/agent.js';
import type { ChatCompletion } from '../types/openai.js';
import { parseCompletionParams } from '../validation/parse-params.js';
import { Background, type WorkLabel } from './background.js';
import { linkSignal } from './link-signal.js';
import {
  type CallbackErrorHandler,
  type CallbackErrorInfo,
  type ClientOptions,
  checkClientOptions,
} from './options.js';
import type { CompletionParams, StreamingParams } from './params.js';

type Chain = (ctx: CallContext) => Promise<void>;

const DEFAULT_TIMEOUT_MS = 600_000;
const DEFAULT_FLUSH_TIMEOUT_MS = 10_000;

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
    this.#middleware = [...(checked.middleware ?? [])];
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
    this.#callChain = undefined;
    return this;
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
    if (this.#closed) {
      throw new ShutdownError({
        message:
          'this client was shut down and refuses new calls. Create a new client with createClient().',
      });
    }
    const parsed = parseCompletionParams(params);
    const ctx = new CallContext(
      parsed.request,
      parsed.options,
      parsed.metadata,
      parsed.traceId,
      this.#services,
    );
    if (parsed.options.signal) linkSignal(ctx, parsed.options.signal);
    const chain = parsed.middleware ? this.#compose(parsed.middleware) : this.#chain();
    try {
      await chain(ctx);
    } catch (error) {
      throw this.#fail(ctx, error);
    }
    if (ctx.stream) return ctx.stream;
    if (ctx.response === undefined) {
      throw this.#fail(
        ctx,
        new UnexpectedError({
          model: ctx.request.model,
          message: `${ctx.request.model}: the chain ended without a response: a middleware returned without calling next() or setting ctx.response.`,
        }),
      );
    }
    ctx.end();
    return ctx.response;
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
   * `false` when `timeoutMs` passed first. Await it before a short script exits.
   *
   * @example
   * await shallot.completion({ model, messages });
   * await shallot.flush(); // the success callbacks have run
   */
  async flush(options: FlushOptions = {}): Promise<boolean> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_FLUSH_TIMEOUT_MS;
    const deadline = Date.now() + timeoutMs;
    // Callbacks may hand work to sinks, so wait for the queue, then the sinks, then the queue again.
    if (!(await this.#background.idle(timeoutMs))) return false;
    const sinks = [...this.#middleware, ...this.#builtIn].filter(hasFlush);
    const flushed = await withDeadline(
      Promise.all(sinks.map((sink) => sink.flush())),
      deadline - Date.now(),
    );
    return flushed && (await this.#background.idle(Math.max(0, deadline - Date.now())));
  }

  /** Refuses new calls, flushes, then closes the layers that hold resources. */
  async shutdown(options: FlushOptions = {}): Promise<boolean> {
    this.#closed = true;
    const flushed = await this.flush(options);
    const closable = [...this.#middleware, ...this.#builtIn].filter(hasClose);
    await Promise.allSettled([...closable.map((layer) => layer.close()), this.cache?.close()]);
    return flushed;
  }

  #fail(ctx: CallContext, error: unknown): ShallotError {
    const failure = toShallotError(error, {
      provider: ctx.providerRequest ? ctx.provider.name : undefined,
      model: ctx.request.model,
      signal: ctx.aborts,
      midStream: false,
    });
    // A layer failed after the stream was created: stop it, and end the call with this error.
    if (ctx.stream && !ctx.ended) ctx.abort(failure);
    ctx.end(failure);
    return ctx.error ?? failure;
  }

  #chain(): Chain {
    this.#callChain ??= this.#compose([]);
    return this.#callChain;
  }

  #compose(perCall: readonly Middleware[]): Chain {
    const runAttempt: Middleware = (ctx) => ctx.runAttempt();
    return compose<CallContext>([...this.#middleware, ...perCall, ...this.#builtIn, runAttempt]);
  }

  readonly #report = (error: unknown, label: WorkLabel) => {
    reportCallbackError(this.onCallbackError, error, label);
  };
}

/** Options of `flush()` and `shutdown()`. */
export interface FlushOptions {
  /** Give up waiting after this many milliseconds. @default 10000 */
  timeoutMs?: number;
}

interface Flushable {
  flush(): Promise<unknown>;
}

interface Closable {
  close(): Promise<unknown>;
}

function hasFlush<T extends object>(layer: T): layer is T & Flushable {
  return typeof (layer as Partial<Flushable>).flush === 'function';
}

function hasClose<T extends object>(layer: T): layer is T & Closable {
  return typeof (layer as Partial<Closable>).close === 'function';
}

async function withDeadline(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, ms));
  });
  try {
    return await Promise.race([work.then(() => true), expired]);
  } finally {
    clearTimeout(timer);
  }
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

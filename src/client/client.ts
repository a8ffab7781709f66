import compose from 'koa-compose';
import { AttemptChain } from '../attempt/attempt-chain.js';
import { transport } from '../attempt/transport.js';
import type { Middleware } from '../call/middleware.js';
import { CallContext } from '../context/context.js';
import type { CallOptions } from '../context/types.js';
import { toShallotError } from '../errors/normalize.js';
import type { ShallotError } from '../errors/shallot-error.js';
import { UnexpectedError } from '../errors/unexpected-error.js';
import { ValidationError } from '../errors/validation-error.js';
import type { ProviderOptions } from '../providers/provider.js';
import { resolveProvider } from '../providers/registry.js';
import type { CompletionStream } from '../stream/completion-stream.js';
import { sharedAgent } from '../transport/agent.js';
import type { ChatCompletion } from '../types/openai.js';
import { parseCompletionParams } from '../validation/parse-params.js';
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

/**
 * A shallot client: a call chain of middleware around an attempt chain that ends in the
 * provider transport. Create one with {@link createClient}, or use the default `shallot`.
 */
export class Client {
  /** Receives the failures of callbacks, chunk and end listeners, and sinks. The call never sees them. */
  onCallbackError: CallbackErrorHandler = warnLine;

  readonly #middleware: Middleware[];
  readonly #attempts: AttemptChain;
  readonly #providers: Readonly<Record<string, ProviderOptions>>;
  #callChain: Chain | undefined;

  constructor(options?: ClientOptions) {
    const checked = checkClientOptions(options);
    this.#middleware = [...(checked.middleware ?? [])];
    this.#providers = { ...checked.providers };
    if (checked.onCallbackError) this.onCallbackError = checked.onCallbackError;
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
    const parsed = parseCompletionParams(params);
    const ctx = new CallContext(
      parsed.request,
      parsed.options,
      parsed.metadata,
      parsed.traceId,
      this.#resolve,
      this.#report,
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

  #fail(ctx: CallContext, error: unknown): ShallotError {
    const failure = toShallotError(error, {
      provider: ctx.providerRequest ? ctx.provider.name : undefined,
      model: ctx.request.model,
      signal: ctx.signal,
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
    const attempts = this.#attempts;
    const runAttempt: Middleware = (ctx) => attempts.run(ctx as CallContext);
    return compose<CallContext>([...this.#middleware, ...perCall, runAttempt]);
  }

  readonly #resolve = (model: string, options: CallOptions) =>
    resolveProvider(model, options, this.#providers);

  readonly #report = (error: unknown, callback: string, event: string) => {
    reportCallbackError(this.onCallbackError, error, { callback, event });
  };
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

/**
 * Creates a client with its own middleware, providers and callback arrays.
 *
 * @example
 * const client = createClient({ middleware: [logRequests], providers: { openai: { apiKey } } });
 */
export function createClient(options?: ClientOptions): Client {
  return new Client(options);
}

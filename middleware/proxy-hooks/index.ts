import {
  BadRequestError,
  type Context,
  CustomLogger,
  isShallotError,
  type LegacyCallback,
  type Middleware,
  type Next,
  type ProxyCallType,
  type ProxyHook,
  type ProxyRequestData,
  type UserApiKeyDict,
} from '../../src/kit/index.js';

/** Options of {@link proxyHooks}. */
export interface ProxyHooksOptions {
  /** The handlers whose hooks run, read at each call: a client's `callbacks`, say. */
  handlers: () => readonly LegacyCallback[];
  /** The cache the pre-call hook gets, read at each call. @default none */
  cache?: () => unknown;
  /** The caller's key as the hooks see it (`user_api_key_dict`), from the call. @default `ctx.metadata` */
  caller?: (ctx: Context) => UserApiKeyDict;
}

/**
 * LiteLLM's proxy hooks as a layer, so that no route of a gateway can skip them: for every
 * call, each handler's `asyncPreCallHook` (may change or refuse the request), its
 * `asyncModerationHook` (alongside the call; a throw fails it), `asyncPostCallSuccessHook` (may
 * change a plain answer), `asyncPostCallFailureHook`, and `asyncPostCallStreamingHook` for each
 * chunk of a stream. The gateway adds it to its client; a library user may add it too.
 *
 * @example
 * client.use(proxyHooks({ handlers: () => client.callbacks, cache: () => client.cache }));
 */
export function proxyHooks(options: ProxyHooksOptions): Middleware {
  const callerOf = options.caller ?? ((ctx: Context) => ctx.metadata);
  // A plain function: a call without hooks (most are) hands on with no promise of this layer's own.
  return function proxyHooks(ctx, next) {
    const entries = options.handlers();
    if (entries.length === 0) return next();
    const handlers = withHooks(entries);
    if (handlers.length === 0) return next();
    return withHandlers(ctx, next, handlers);
  };

  async function withHandlers(ctx: Context, next: Next, handlers: CustomLogger[]): Promise<void> {
    const caller = callerOf(ctx);
    const callType: ProxyCallType = ctx.kind === 'embedding' ? 'embeddings' : 'completion';
    for (const handler of handlers) {
      if (!overrides(handler, 'asyncPreCallHook')) continue;
      const data = requestData(ctx);
      const outcome = await ctx.within(
        refusing(() => handler.asyncPreCallHook(caller, options.cache?.() ?? null, data, callType)),
      );
      if (typeof outcome === 'string') throw refused(outcome);
      if (outcome !== null && typeof outcome === 'object') applyRequest(ctx, outcome);
    }
    const moderation = handlers
      .filter((handler) => overrides(handler, 'asyncModerationHook'))
      .map((handler) =>
        refusing(() => handler.asyncModerationHook(requestData(ctx), caller, callType)),
      );
    // A moderation that fails stops the call where it is: its request, its stream, its retries.
    const moderated = Promise.all(moderation).then(undefined, (error: unknown) => {
      const failure = toFailure(error);
      ctx.abort(failure);
      throw failure;
    });
    const streaming = handlers.filter((handler) =>
      overrides(handler, 'asyncPostCallStreamingHook'),
    );
    if (streaming.length > 0) {
      ctx.onChunk((chunk) => {
        for (const handler of streaming) {
          ctx.defer(() => handler.asyncPostCallStreamingHook(caller, chunk), {
            callback: handler.constructor.name,
            event: 'post call streaming hook',
          });
        }
      });
    }
    const succeeding = handlers.filter((handler) => overrides(handler, 'asyncPostCallSuccessHook'));
    if (succeeding.length > 0) {
      // A stream's success is known at its end: the hook sees the whole answer, and changes nothing.
      ctx.onEnd(() => {
        if (ctx.stream === undefined || ctx.status !== 'success') return;
        for (const handler of succeeding) {
          ctx.defer(
            () => handler.asyncPostCallSuccessHook(requestData(ctx), caller, ctx.response),
            {
              callback: handler.constructor.name,
              event: 'post call success hook',
            },
          );
        }
      });
    }
    try {
      await Promise.all([next(), moderated]);
    } catch (error) {
      for (const handler of handlers) {
        if (!overrides(handler, 'asyncPostCallFailureHook')) continue;
        ctx.defer(
          () => handler.asyncPostCallFailureHook(requestData(ctx), error as Error, caller),
          {
            callback: handler.constructor.name,
            event: 'post call failure hook',
          },
        );
      }
      throw error;
    }
    for (const handler of handlers) {
      if (!overrides(handler, 'asyncPostCallSuccessHook')) continue;
      const changed = await ctx.within(
        handler.asyncPostCallSuccessHook(requestData(ctx), caller, ctx.response),
      );
      // Only a plain answer can still change: a stream is already under way.
      if (changed !== undefined && changed !== null && ctx.stream === undefined) {
        ctx.response = changed as typeof ctx.response & object;
      }
    }
  }
}

/** The handlers that are CustomLoggers overriding at least one proxy hook. */
function withHooks(entries: readonly LegacyCallback[]): CustomLogger[] {
  return entries.filter(
    (entry): entry is CustomLogger =>
      entry instanceof CustomLogger && HOOKS.some((hook) => overrides(entry, hook)),
  );
}

const HOOKS: readonly ProxyHook[] = [
  'asyncPreCallHook',
  'asyncModerationHook',
  'asyncPostCallSuccessHook',
  'asyncPostCallFailureHook',
  'asyncPostCallStreamingHook',
];

function overrides(handler: CustomLogger, hook: ProxyHook): boolean {
  return handler[hook] !== CustomLogger.prototype[hook];
}

/** The request as the hooks see it: a copy of the OpenAI body, with the call's metadata. */
function requestData(ctx: Context): ProxyRequestData {
  return { ...structuredClone(ctx.request), metadata: ctx.metadata };
}

/** Takes what a pre-call hook changed into the call's request and metadata. */
function applyRequest(ctx: Context, data: ProxyRequestData): void {
  const { metadata, ...request } = data;
  ctx.request = { ...request } as typeof ctx.request;
  if (metadata !== null && typeof metadata === 'object')
    ctx.metadata = { ...(metadata as Record<string, unknown>) };
}

/** A hook that throws refuses the request. */
async function refusing<T>(hook: () => Promise<T>): Promise<T> {
  try {
    return await hook();
  } catch (error) {
    throw toFailure(error);
  }
}

function toFailure(error: unknown) {
  if (isShallotError(error)) return error;
  return refused(error instanceof Error ? error.message : String(error));
}

function refused(message: string) {
  return new BadRequestError({
    message: `refused by a gateway hook: ${message}`,
    status: 400,
    final: true,
  });
}

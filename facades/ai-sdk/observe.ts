import type { CacheStatus, Context, JsonObject, Middleware } from '../../index.js';

/**
 * What shallot tells the AI SDK about one call, as `providerMetadata.shallot` of a result
 * (`generateText`'s, each step's, an `embed`'s) and of a stream's `finish` part.
 *
 * @example
 * const { providerMetadata } = await generateText({ model: shallot('openai/gpt-4o-mini'), prompt });
 * console.log(providerMetadata?.shallot?.cost); // 0.000021
 */
export type ShallotCallMetadata = {
  /** The call's id: `kwargs.litellm_call_id` in callbacks, `callId` in call records. */
  callId: string;
  /** The call's trace id: `providerOptions.shallot.traceId`, else the call id. */
  traceId: string;
  /** US dollars the call cost (0 for a cache hit), or null when it could not be priced. */
  cost: number | null;
  /** Whether a cache answered. */
  cacheStatus: CacheStatus;
};

/**
 * A per-call layer that keeps the call's context, so that the model can read, once the call
 * has ended, what the inner layers computed: the cost, the cache status, the exact body sent
 * and the response headers.
 */
export class CallObserver {
  #ctx: Context | undefined;

  /** The layer to add to the call's `middleware`, outermost. */
  readonly layer: Middleware = (ctx, next) => {
    this.#ctx = ctx;
    return next();
  };

  /** The call's metadata for the AI SDK, once the call ran (none if a client layer answered it). */
  metadata(): { shallot: ShallotCallMetadata } | undefined {
    const ctx = this.#ctx;
    if (ctx === undefined) return undefined;
    return {
      shallot: {
        callId: ctx.callId,
        traceId: ctx.traceId,
        cost: ctx.cost?.total ?? null,
        cacheStatus: ctx.cacheStatus,
      },
    };
  }

  /** The exact body sent to the provider (none for a cache hit or a mock). */
  requestBody(): JsonObject | undefined {
    return this.#ctx?.providerRequest?.body;
  }

  /** The provider's response headers, where an HTTP response came. */
  responseHeaders(): Record<string, string> | undefined {
    return this.#ctx?.providerResponse?.headers;
  }
}

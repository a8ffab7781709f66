import { type Middleware, optionError, SinkError } from '../../src/kit/index.js';

/** What {@link keySpend} needs of a store: `createKeyAuth().store` (a `KeyStore`) fits. */
export interface SpendStore {
  /** Adds `usd` to the spend of the key with this hash, atomically. */
  addSpend(hash: string, usd: number): Promise<void>;
}

const KEY_HASH = /^[0-9a-f]{64}$/;
const LABEL = { callback: 'keySpend', event: 'end' } as const;

/**
 * Adds each call's cost to the spend of the virtual key that made it (the key whose hash the
 * gateway put in `metadata.user_api_key_hash`), once the call has ended (a stream: after its
 * last chunk), off the hot path: one atomic `UPDATE`, so concurrent calls in every process all
 * count. A call without a key, a cache hit and an unpriced call add nothing. A failed write goes
 * to the client's `onCallbackError`; the call never sees it.
 *
 * @example
 * const auth = createKeyAuth({ connectionString, masterKey });
 * const client = createClient({ middleware: [keySpend(auth.store)] });
 * const gateway = createGateway({ client, authenticate: auth.authenticate, routes: auth.routes });
 */
export function keySpend(store: SpendStore): Middleware {
  if (typeof store?.addSpend !== 'function') {
    throw optionError('keySpend', 'store', 'a KeyStore (createKeyAuth().store)', store);
  }
  return async function keySpend(ctx, next) {
    // Read on the way in: the key the gateway authenticated, whatever inner layers do to the metadata.
    const hash = ctx.metadata.user_api_key_hash;
    if (typeof hash === 'string' && KEY_HASH.test(hash)) {
      ctx.onEnd(() => {
        const usd = ctx.cost?.total;
        if (typeof usd !== 'number' || !(usd > 0)) return;
        ctx.defer(async () => {
          try {
            await store.addSpend(hash, usd);
          } catch (error) {
            ctx.report(spendError(hash, usd, error), LABEL);
          }
        }, LABEL);
      });
    }
    await next();
  };
}

function spendError(hash: string, usd: number, cause: unknown): SinkError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new SinkError('sink_delivery', {
    sink: 'keySpend',
    message: `keySpend could not add $${usd} to the spend of key ${hash.slice(0, 12)}… (its hash): ${reason}`,
    cause,
  });
}

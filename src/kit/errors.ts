import type { CallContext, Context } from '../context/context.js';
import { toShallotError } from '../errors/normalize.js';
import type { ShallotError } from '../errors/shallot-error.js';

/**
 * Any value a layer caught, as the typed error the call would end with: a `ShallotError` as
 * it is; the call's abort reason when the call was aborted (its signal, its `totalTimeout`);
 * undici's network errors as `TimeoutError` or `APIConnectionError`; anything else as an
 * `UnexpectedError` keeping it as `cause`.
 *
 * @example
 * try { await attempts.run(); } catch (error) { if (asShallotError(error, ctx).retryable) ... }
 */
export function asShallotError(error: unknown, ctx: Context): ShallotError {
  return toShallotError(error, {
    provider: undefined,
    model: ctx.request.model,
    signal: (ctx as CallContext).aborts,
    midStream: false,
  });
}

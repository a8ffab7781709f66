import type { CallContext } from '../context/context.js';
import { AbortError } from '../errors/abort-error.js';
import { ShallotError } from '../errors/shallot-error.js';
import { TimeoutError } from '../errors/timeout-error.js';

/**
 * Makes the caller's `AbortSignal` abort the call's own signal, with a typed reason: a
 * `TimeoutError` for `AbortSignal.timeout()`, an `AbortError` otherwise. The link is removed
 * when the call ends.
 */
export function linkSignal(ctx: CallContext, signal: AbortSignal): void {
  const onAbort = () => ctx.abort(reasonFor(ctx, signal.reason));
  if (signal.aborted) {
    onAbort();
    return;
  }
  signal.addEventListener('abort', onAbort, { once: true });
  ctx.setCleanup(() => signal.removeEventListener('abort', onAbort));
}

function reasonFor(ctx: CallContext, reason: unknown): ShallotError {
  if (reason instanceof ShallotError) return reason;
  const model = ctx.request.model;
  if ((reason as { name?: unknown } | undefined)?.name === 'TimeoutError') {
    return new TimeoutError({
      model,
      cause: reason,
      message: `${model}: the caller's AbortSignal timed out.`,
    });
  }
  return new AbortError({
    model,
    cause: reason,
    message: `${model}: the call was aborted by the caller's AbortSignal.`,
  });
}

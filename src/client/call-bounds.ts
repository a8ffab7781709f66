import type { CallContext } from '../context/context.js';
import { AbortError } from '../errors/abort-error.js';
import { ShallotError } from '../errors/shallot-error.js';
import { TimeoutError } from '../errors/timeout-error.js';

/**
 * Binds a call to its own bounds, from the moment it starts: the caller's `AbortSignal`
 * aborts it with a typed reason (a `TimeoutError` for `AbortSignal.timeout()`, an
 * `AbortError` otherwise), and `totalTimeout` aborts it with a `TimeoutError`, whatever layer
 * or wait the call is in. Returns whether the call has a bound at all; the links and the
 * timer are removed when the call ends.
 */
export function bindCallBounds(ctx: CallContext): boolean {
  const { signal, totalTimeout } = ctx.options;
  if (signal !== undefined) linkSignal(ctx, signal);
  if (totalTimeout !== undefined && !ctx.aborts.aborted) {
    const timer = setTimeout(() => {
      const model = ctx.request.model;
      ctx.abort(
        new TimeoutError({
          model,
          message: `${model}: the call took longer than its totalTimeout of ${totalTimeout} ms.`,
        }),
      );
    }, totalTimeout);
    ctx.addCleanup(() => clearTimeout(timer));
  }
  return signal !== undefined || totalTimeout !== undefined;
}

function linkSignal(ctx: CallContext, signal: AbortSignal): void {
  const onAbort = () => ctx.abort(reasonFor(ctx, signal.reason));
  if (signal.aborted) {
    onAbort();
    return;
  }
  signal.addEventListener('abort', onAbort, { once: true });
  ctx.addCleanup(() => signal.removeEventListener('abort', onAbort));
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

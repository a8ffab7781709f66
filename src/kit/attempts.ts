import type { Middleware } from '../call/middleware.js';
import type { Attempts, CallContext, Context } from '../context/context.js';

/**
 * Makes a layer that runs the attempt chain itself (retries, fallbacks, a router over
 * deployments): `layer` receives the call's {@link Attempts} and runs attempts with
 * `attempts.run()` instead of calling `next()`. It must be the innermost call layer, as
 * the built-in resilience layer is; attempt control is never on `ctx`, so that no other layer
 * runs an attempt by accident.
 *
 * @example
 * const twice = runsAttempts(async function twice(ctx, attempts) {
 *   try { await attempts.run(); } catch { await attempts.run(); }
 * });
 */
export function runsAttempts(
  layer: (ctx: Context, attempts: Attempts) => Promise<void>,
): Middleware {
  const named = (ctx: Context) => layer(ctx, (ctx as CallContext).attempts);
  Object.defineProperty(named, 'name', { value: layer.name || 'runsAttempts' });
  return named;
}

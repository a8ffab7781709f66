import compose from 'koa-compose';
import type { Middleware } from '../call/middleware.js';
import type { CallContext } from '../context/context.js';
import { prepare } from './prepare.js';

type Chain = (ctx: CallContext) => Promise<void>;

/**
 * The inner onion, run once per attempt: the call's routing layers
 * (`ctx.useAttempt(layer, { beforePrepare: true })`), `prepare` (provider transform), the
 * client's attempt middleware, the call's own attempt middleware (`ctx.useAttempt`), then the
 * transport. A resilience layer may run it more than once for one call.
 */
export class AttemptChain {
  readonly #middleware: readonly Middleware[];
  readonly #transport: Middleware;
  readonly #composed: Chain;

  constructor(middleware: readonly Middleware[], transport: Middleware) {
    this.#middleware = middleware;
    this.#transport = transport;
    this.#composed = compose<CallContext>([prepare, ...middleware, transport]);
  }

  /** Runs one attempt: numbers it and clears the previous attempt's request and response. */
  run(ctx: CallContext): Promise<void> {
    ctx.attempt++;
    ctx.providerRequest = undefined;
    ctx.providerResponse = undefined;
    const extra = ctx.attemptMiddleware;
    const route = ctx.routeMiddleware;
    if (extra.length === 0) {
      if (route.length === 0) return this.#composed(ctx);
      // Routing layers only (a router, the limits layer): they run around the chain composed
      // once, rather than a chain of all the layers composed for this attempt.
      return compose<CallContext>(route)(ctx, () => this.#composed(ctx));
    }
    return compose<CallContext>([
      ...route,
      prepare,
      ...this.#middleware,
      ...extra,
      this.#transport,
    ])(ctx);
  }
}

import type { Context } from '../context/context.js';

/** Runs the rest of the chain; resolves when the inner layers are done. Call it at most once. */
export type Next = () => Promise<void>;

/**
 * A layer of the onion: `async (ctx, next) => {}`, with koa-compose semantics. Work before
 * `await next()` runs on the way in, work after it on the way out; the first registered
 * middleware is the outermost.
 *
 * @example
 * const timing: Middleware = async function timing(ctx, next) {
 *   const started = performance.now();
 *   try { await next(); } finally { console.log(ctx.request.model, performance.now() - started); }
 * };
 */
export type Middleware = (ctx: Context, next: Next) => Promise<void> | void;

import type { Next } from '../call/middleware.js';
import type { Context } from '../context/context.js';
import { assertCredentials } from '../providers/registry.js';

/**
 * The first attempt layer: resolves the provider for the current `ctx.request.model` and
 * builds `ctx.providerRequest` with the provider's transform. A missing key fails here,
 * before any network call.
 */
export function prepare(ctx: Context, next: Next): Promise<void> {
  const provider = ctx.provider;
  if (ctx.options.mockResponse === undefined) assertCredentials(provider);
  ctx.providerRequest = provider.adapter.buildRequest({
    request: ctx.request,
    provider,
    headers: ctx.options.headers,
    stream: ctx.isStream,
  });
  return next();
}

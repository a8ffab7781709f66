import type { Next } from '../call/middleware.js';
import type { Context } from '../context/context.js';
import { embeddingAdapterOf } from '../embedding/adapter.js';
import { embeddingItems } from '../embedding/items.js';
import { assertCredentials } from '../providers/registry.js';

/**
 * The first attempt layer: resolves the provider for the current `ctx.request.model` and
 * builds `ctx.providerRequest` with the provider's transform. A missing key fails here,
 * before any network call. An embedding call's request holds its whole input, even when the
 * transport sends it in batches.
 */
export function prepare(ctx: Context, next: Next): Promise<void> {
  const provider = ctx.provider;
  const routeHeaders = ctx.route?.headers;
  const headers =
    routeHeaders === undefined ? ctx.options.headers : { ...ctx.options.headers, ...routeHeaders };
  if (ctx.options.mockResponse === undefined) assertCredentials(provider);
  if (ctx.kind === 'embedding') {
    const items = embeddingItems(ctx.request.input);
    ctx.providerRequest = embeddingAdapterOf(provider, items, ctx.request.model).buildRequest({
      request: ctx.request,
      items,
      provider,
      headers,
    });
    return next();
  }
  ctx.providerRequest = provider.adapter.buildRequest({
    request: ctx.request,
    provider,
    headers,
    stream: ctx.isStream,
  });
  return next();
}

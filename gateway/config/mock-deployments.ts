import { createHash } from 'node:crypto';
import { type Context, canonicalJson, type Middleware, optionError } from '../../src/kit/index.js';
import type { ConfigDeployment } from './schema.js';

/**
 * The id of a deployment with a `mock_response` and no `model_info.id`: the router tells each
 * attempt's deployment by id, so such a deployment needs one known here. Derived from its
 * settings and place in the list, so every process given the same file gives the same ids.
 */
export function mockDeploymentId(entry: ConfigDeployment, index: number): string {
  const { api_key: _key, ...settings } = entry.litellm_params;
  const digest = createHash('sha256')
    .update(canonicalJson({ name: entry.model_name, settings, index }))
    .digest('hex');
  return `mock-${digest.slice(0, 12)}`;
}

/**
 * Answers every completion attempt that the router sends to a deployment with a
 * `mock_response` from that text, with no network, as LiteLLM's `litellm_params.mock_response`
 * does; an attempt sent elsewhere (a retry to another deployment) goes out as usual. A
 * per-call option (`mockResponse`) set for one attempt only: an attempt layer of the call's,
 * after the router's (put this layer after the router), sets it from the deployment the router
 * chose (`ctx.metadata.model_info.id`) before the provider transform. Embedding calls are left
 * alone: a mock text is no vector.
 */
export function mockDeployments(mocks: ReadonlyMap<string, string>): Middleware {
  if (!(mocks instanceof Map)) {
    throw optionError('mockDeployments', '(mocks)', 'a Map of deployment ids to texts', mocks);
  }
  return function mockDeployments(ctx, next) {
    if (ctx.kind !== 'completion') return next();
    const callersOwn = ctx.options.mockResponse;
    ctx.useAttempt(
      function mockDeployment(attempt, nextLayer) {
        const id = routedId(attempt);
        attempt.options.mockResponse = (id === undefined ? undefined : mocks.get(id)) ?? callersOwn;
        return nextLayer();
      },
      { beforePrepare: true },
    );
    return next();
  };
}

/** The id of the deployment this attempt was routed to; none for an attempt the router passed. */
function routedId(ctx: Context): string | undefined {
  if (ctx.route === undefined) return undefined;
  const info = ctx.metadata.model_info;
  const id = info !== null && typeof info === 'object' ? (info as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : undefined;
}

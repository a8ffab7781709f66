import { type Fallbacks, type Middleware, PriceBook } from '../../src/kit/index.js';
import { RouterCore } from './core.js';
import { groupDeployments } from './deployments.js';
import { type DeploymentHealth, healthOf } from './health.js';
import { checkRouterOptions, type RouterOptions } from './options.js';
import { RedisRouterState } from './redis-state.js';
import { routeLayer } from './route.js';

export type { DeploymentHealth } from './health.js';
export type { DeploymentOptions, RouterOptions, RoutingStrategy } from './options.js';

/** The router layer, with a look at its deployments. */
export interface Router extends Middleware {
  /** Each deployment's state: healthy or cooling (until when), in flight, this minute's usage, latency. */
  health(): Promise<DeploymentHealth[]>;
  /** The model groups it serves. */
  readonly groups: readonly string[];
}

/**
 * A router over deployments, as LiteLLM's Router: a call whose `model` is a group
 * (`modelName`) goes to one available deployment of it, chosen again for each attempt, so a
 * retry goes to another deployment; any other model passes through. Deployments that fail are
 * cooled; `rpm` and `tpm` are kept per minute; with a Redis `store`, cooldowns and usage are
 * shared by every process. Callbacks and records get `model_group` and the deployment's id.
 * Put it in the client's middleware: it must run before the attempts start.
 *
 * @example
 * const client = createClient({
 *   middleware: [router({ modelList: [
 *     { modelName: 'gpt-4o', model: 'azure/gpt-4o-eu', apiBase: EU, apiKey: EU_KEY, apiVersion: '2024-10-21' },
 *     { modelName: 'gpt-4o', model: 'openai/gpt-4o', rpm: 500 },
 *   ] })],
 *   numRetries: 2,
 * });
 * await client.completion({ model: 'gpt-4o', messages });
 */
export function router(options: RouterOptions): Router {
  const settings = checkRouterOptions(options);
  const groups = groupDeployments(options.modelList, options.prices ?? new PriceBook());
  const shared = options.store === undefined ? undefined : new RedisRouterState(options.store);
  const core = new RouterCore(groups, settings, shared);
  const layer: Middleware = function router(ctx, next) {
    if (!groups.has(ctx.request.model) && !fallsBackToGroup(ctx.options.fallbacks, groups)) {
      return next();
    }
    ctx.useAttempt(routeLayer(core), { beforePrepare: true });
    return next();
  };
  return Object.assign(layer, {
    health: () => healthOf(core),
    groups: [...groups.keys()],
  });
}

/** True when a fallback of the call is a group: the attempts that reach it are routed. */
function fallsBackToGroup(
  fallbacks: Fallbacks | undefined,
  groups: ReadonlyMap<string, unknown>,
): boolean {
  if (fallbacks === undefined) return false;
  const lists = Array.isArray(fallbacks) ? [fallbacks] : Object.values(fallbacks);
  return lists.some((list) =>
    (list ?? []).some((target) => groups.has(typeof target === 'string' ? target : target.model)),
  );
}

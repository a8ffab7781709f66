import {
  asShallotError,
  type Context,
  type Middleware,
  type Next,
  NoDeploymentAvailableError,
} from '../../src/kit/index.js';
import type { RouterCore } from './core.js';
import type { Deployment } from './deployments.js';
import { preferenceOrder } from './pick.js';
import type { Claim } from './state.js';

/** What one call's routing remembers between its attempts. */
interface RoutedCall {
  /** The group the call is in: its own, or the fallback group it moved to. */
  group: string | undefined;
  /** The model the last attempt was sent to: a retry comes back with it. */
  lastModel: string | undefined;
  /** Deployments that failed in this call: a retry goes elsewhere when it can. */
  failed: Set<string>;
  /** The request's prompt tokens, once estimated for a context window. */
  estimate: { tokens?: number };
}

/**
 * The attempt layer (before the provider transform) of one call: picks a deployment of the
 * call's group for each attempt, sends the attempt there (`ctx.request.model`, `ctx.route`),
 * tells the metadata (LiteLLM's `model_group`, `deployment`, `model_info.id`, `api_base`), and
 * records how it went. A model that is no group passes through, unrouted.
 */
export function routeLayer(core: RouterCore): Middleware {
  const call: RoutedCall = {
    group: undefined,
    lastModel: undefined,
    failed: new Set(),
    estimate: {},
  };
  return async function route(ctx: Context, next: Next): Promise<void> {
    const model = ctx.request.model;
    // A retry comes back with the deployment's model; a fallback with another group, or a model.
    const group =
      model === call.lastModel ? call.group : core.groups.has(model) ? model : undefined;
    if (group === undefined) {
      ctx.route = undefined;
      return next();
    }
    call.group = group;
    const chosen = choose(ctx, core, call, group);
    // Without a shared store the choice is made in this turn, so that concurrent calls see it.
    const deployment = chosen instanceof Promise ? await chosen : chosen;
    call.lastModel = deployment.model;
    ctx.request.model = deployment.model;
    ctx.route = deployment.route;
    ctx.metadata = {
      ...ctx.metadata,
      model_group: group,
      deployment: deployment.model,
      model_info: { id: deployment.id },
      api_base: ctx.provider.apiBase,
    };
    const stats = core.statsOf(deployment);
    stats.inFlight++;
    const started = Date.now();
    try {
      await next();
    } catch (error) {
      stats.inFlight--;
      call.failed.add(deployment.id);
      await core.failed(ctx, deployment, asShallotError(error, ctx), started);
      throw error;
    }
    if (ctx.kind === 'completion' && ctx.stream !== undefined) {
      // A stream's outcome is known at its end.
      ctx.onEnd(() => {
        stats.inFlight--;
        if (ctx.status === 'success') core.succeeded(ctx, deployment, started);
      });
      return;
    }
    stats.inFlight--;
    core.succeeded(ctx, deployment, started);
  };
}

/** The deployment this attempt goes to. @throws NoDeploymentAvailableError when none can take it. */
function choose(
  ctx: Context,
  core: RouterCore,
  call: RoutedCall,
  group: string,
): Deployment | Promise<Deployment> {
  const all = core.groups.get(group) as readonly Deployment[];
  const fitting = core.fitting(ctx, all, call.estimate);
  const fresh = fitting.filter((deployment) => !call.failed.has(deployment.id));
  const candidates = fresh.length > 0 ? fresh : fitting;
  const now = Date.now();
  if (candidates.length > 0) {
    for (const deployment of candidates) core.statsOf(deployment).roll(now);
    const ordered = preferenceOrder(
      candidates,
      core.settings.strategy,
      core.stats,
      ctx.isStream,
      core.settings.random,
    );
    const take = (claim: Claim): Deployment => {
      const chosen = ordered[claim.index];
      if (chosen !== undefined) return chosen;
      throw unavailable(group, all.length, fitting.length, claim.backAt, now);
    };
    const claim = core.claim(ctx, ordered, now);
    return claim instanceof Promise ? claim.then(take) : take(claim);
  }
  throw unavailable(group, all.length, 0, undefined, now);
}

function unavailable(
  group: string,
  total: number,
  fitting: number,
  backAt: number | undefined,
  now: number,
): NoDeploymentAvailableError {
  const retryAfterMs = backAt === undefined ? undefined : Math.max(0, backAt - now);
  const why =
    fitting === 0
      ? `none of its ${total} deployment(s) has a context window for this request`
      : `all ${fitting} deployment(s) that fit are cooling down or at their per-minute limits${retryAfterMs === undefined ? '' : `; the first is back in ${retryAfterMs} ms`}`;
  return new NoDeploymentAvailableError({
    modelGroup: group,
    model: group,
    retryAfterMs,
    message: `${group}: no deployment can take this call: ${why}. Add fallbacks to another model group, or wait.`,
  });
}

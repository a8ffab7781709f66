import type { RouterCore } from './core.js';
import type { Deployment } from './deployments.js';
import type { SharedCounts } from './state.js';

/** One deployment as `router.health()` shows it. */
export interface DeploymentHealth {
  id: string;
  modelName: string;
  model: string;
  apiBase: string | undefined;
  /** `cooling` until `coolingUntil`, else `healthy`. */
  state: 'healthy' | 'cooling';
  coolingUntil: Date | null;
  /** Calls this process has in flight on it. */
  inFlight: number;
  /** This minute's requests and tokens: every process's, with a shared store that answers. */
  requests: number;
  tokens: number;
  rpm: number | undefined;
  tpm: number | undefined;
  /** Smoothed time to first token of streams, and milliseconds per output token of plain calls. */
  latencyMs: { stream: number | null; perOutputToken: number | null };
  /** Whether the counts and cooldown are the shared store's (false: this process's own). */
  shared: boolean;
}

/** Every deployment's state, the shared store's where it answers. */
export async function healthOf(core: RouterCore): Promise<DeploymentHealth[]> {
  const now = Date.now();
  const deployments = [...core.groups.values()].flat();
  const store = core.shared;
  // Within the store's timeout, and this process's view when it fails.
  const shared: Map<string, SharedCounts> | undefined =
    store === undefined
      ? undefined
      : await core.guard.run('health', () => store.snapshot(deployments, now));
  return deployments.map((deployment) =>
    describe(core, deployment, shared?.get(deployment.id), now),
  );
}

function describe(
  core: RouterCore,
  deployment: Deployment,
  shared: SharedCounts | undefined,
  now: number,
): DeploymentHealth {
  const stats = core.statsOf(deployment);
  stats.roll(now);
  const coolingUntil = Math.max(stats.coolingUntil, shared?.coolingUntil ?? 0);
  return {
    id: deployment.id,
    modelName: deployment.modelName,
    model: deployment.model,
    apiBase: deployment.route.apiBase,
    state: coolingUntil > now ? 'cooling' : 'healthy',
    coolingUntil: coolingUntil > now ? new Date(coolingUntil) : null,
    inFlight: stats.inFlight,
    requests: shared?.requests ?? stats.requests,
    tokens: shared?.tokens ?? stats.tokens,
    rpm: deployment.rpm,
    tpm: deployment.tpm,
    latencyMs: { stream: stats.streamLatency ?? null, perOutputToken: stats.plainLatency ?? null },
    shared: shared !== undefined,
  };
}

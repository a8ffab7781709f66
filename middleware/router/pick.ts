import type { Deployment } from './deployments.js';
import type { RoutingStrategy } from './options.js';
import type { DeploymentStats } from './state.js';

/**
 * The candidates in the order the strategy prefers them, lower `order` first: the first that
 * can take the call gets it (see `claimLocally` and `SharedState.claim`), so a higher order is
 * reached only when every lower one cannot.
 */
export function preferenceOrder(
  candidates: readonly Deployment[],
  strategy: RoutingStrategy,
  stats: readonly DeploymentStats[],
  stream: boolean,
  random: () => number,
): Deployment[] {
  if (candidates.length < 2) return [...candidates];
  const rank = new Map<Deployment, number>();
  for (const deployment of candidates) {
    rank.set(
      deployment,
      rankOf(deployment, strategy, stats[deployment.index] as DeploymentStats, stream, random),
    );
  }
  return [...candidates].sort(
    (a, b) => a.order - b.order || (rank.get(a) as number) - (rank.get(b) as number),
  );
}

/** A deployment's rank under the strategy: lower is preferred. */
function rankOf(
  deployment: Deployment,
  strategy: RoutingStrategy,
  stats: DeploymentStats,
  stream: boolean,
  random: () => number,
): number {
  // A tie of any strategy is broken at random: the fraction below never outweighs a step.
  const tie = random();
  switch (strategy) {
    case 'simple-shuffle':
      // A weighted random order (Efraimidis–Spirakis): an exponential draw scaled by the weight.
      return -Math.log(1 - tie) / deployment.weight;
    case 'least-busy':
      return stats.inFlight + tie * 0.5;
    case 'latency-based-routing': {
      const latency = stream ? stats.streamLatency : stats.plainLatency;
      // A deployment with no sample yet is tried before any is trusted.
      return latency === undefined ? -1 + tie * 0.5 : latency + tie * 1e-9;
    }
    case 'usage-based-routing': {
      const share = deployment.tpm !== undefined ? stats.tokens / deployment.tpm : 0;
      const requests = deployment.rpm !== undefined ? stats.requests / deployment.rpm : 0;
      return Math.max(share, requests) + tie * 1e-9;
    }
  }
}

import type { Deployment } from './deployments.js';

/** The length of a usage window: LiteLLM's per-minute limits, on fixed minutes. */
export const MINUTE_MS = 60_000;

/** A smoothed latency; each new sample counts this much. */
const LATENCY_WEIGHT = 0.3;

/** What this process knows of one deployment. */
export class DeploymentStats {
  inFlight = 0;
  /** Epoch milliseconds until which it gets no calls; 0 when it is not cooling. */
  coolingUntil = 0;
  /** The minute the counts below are of (`Math.floor(now / MINUTE_MS)`). */
  minute = -1;
  requests = 0;
  tokens = 0;
  failures = 0;
  /** Smoothed time to first token of streams, milliseconds; undefined before a sample. */
  streamLatency: number | undefined = undefined;
  /** Smoothed milliseconds per output token (per call for embeddings); undefined before a sample. */
  plainLatency: number | undefined = undefined;

  /** Starts the counts of a new minute when `now` is in one. */
  roll(now: number): void {
    const minute = Math.floor(now / MINUTE_MS);
    if (minute === this.minute) return;
    this.minute = minute;
    this.requests = 0;
    this.tokens = 0;
    this.failures = 0;
  }

  /** Adds a latency sample, for streams or for plain calls. */
  sample(stream: boolean, value: number): void {
    if (stream) this.streamLatency = smooth(this.streamLatency, value);
    else this.plainLatency = smooth(this.plainLatency, value);
  }
}

function smooth(current: number | undefined, sample: number): number {
  return current === undefined ? sample : current + LATENCY_WEIGHT * (sample - current);
}

/** Why a deployment cannot take a call now, and from when it can; undefined when it can. */
export function blockedUntil(
  deployment: Deployment,
  stats: DeploymentStats,
  now: number,
): number | undefined {
  if (stats.coolingUntil > now) return stats.coolingUntil;
  stats.roll(now);
  const full =
    (deployment.rpm !== undefined && stats.requests >= deployment.rpm) ||
    (deployment.tpm !== undefined && stats.tokens >= deployment.tpm);
  return full ? (stats.minute + 1) * MINUTE_MS : undefined;
}

/** What a claim gave: the position of the deployment that takes the call, or -1 and when one may. */
export interface Claim {
  index: number;
  /** Epoch milliseconds when the first deployment is back; undefined when none will be. */
  backAt?: number;
}

/**
 * Shared state of the deployments, across processes (the Redis one): cooldowns and per-minute
 * usage. Every method may fail (Redis down, slow): the router then uses this process's state.
 */
export interface SharedState {
  /**
   * The first of `ordered` that is not cooling and under its `rpm` and `tpm` this minute, with
   * one request counted for it, atomically: its position, or -1 and when the first is back.
   */
  claim(ordered: readonly Deployment[], now: number): Promise<Claim>;
  /** Adds tokens to this minute's count of a deployment. */
  addTokens(deployment: Deployment, tokens: number, now: number): Promise<void>;
  /** Cools a deployment until `until` (epoch milliseconds); a later cooldown already set stays. */
  cool(deployment: Deployment, until: number, now: number): Promise<void>;
  /** Each deployment's cooldown and this minute's counts, by id. */
  snapshot(deployments: readonly Deployment[], now: number): Promise<Map<string, SharedCounts>>;
}

/** A deployment as the shared state holds it. */
export interface SharedCounts {
  coolingUntil: number;
  requests: number;
  tokens: number;
}

/** This process's claim: the same rule as {@link SharedState.claim}, on this process's counts. */
export function claimLocally(
  ordered: readonly Deployment[],
  stats: readonly DeploymentStats[],
  now: number,
): Claim {
  let backAt: number | undefined;
  for (let position = 0; position < ordered.length; position++) {
    const deployment = ordered[position] as Deployment;
    const own = stats[deployment.index] as DeploymentStats;
    const blocked = blockedUntil(deployment, own, now);
    if (blocked === undefined) {
      own.requests++;
      return { index: position };
    }
    backAt = backAt === undefined ? blocked : Math.min(backAt, blocked);
  }
  return backAt === undefined ? { index: -1 } : { index: -1, backAt };
}

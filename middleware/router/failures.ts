import type { ShallotError } from '../../src/kit/index.js';
import type { RouterSettings } from './options.js';
import type { DeploymentStats } from './state.js';

/** Failures that say the deployment itself is wrong (its key, its access, its name): cooled at once. */
const DEPLOYMENT_FAULTS = new Set(['authentication', 'permission_denied', 'not_found']);

/**
 * Until when a failed attempt cools its deployment (epoch milliseconds), or undefined when it
 * does not: at once for a 401, 403 or 404, and for a 429 (for at least its `retry-after`);
 * after `allowedFails` retryable failures within the minute, or a failure rate at or above
 * `failureRate` over `minRequests` calls. A failure that is not the deployment's doing (a bad
 * request, a context window, an abort) counts nothing.
 */
export function cooldownAfter(
  error: ShallotError,
  stats: DeploymentStats,
  settings: RouterSettings,
  now: number,
): number | undefined {
  if (DEPLOYMENT_FAULTS.has(error.code)) return now + settings.cooldownMs;
  if (error.code === 'rate_limit') {
    return now + Math.max(settings.cooldownMs, error.retryAfterMs ?? 0);
  }
  if (!error.retryable) return undefined;
  stats.roll(now);
  stats.failures++;
  const rate = stats.requests >= settings.minRequests ? stats.failures / stats.requests : 0;
  if (stats.failures > settings.allowedFails || rate >= settings.failureRate) {
    return now + settings.cooldownMs;
  }
  return undefined;
}

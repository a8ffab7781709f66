import type { LimitRule } from '../../middleware/limits/index.js';
import type { Context } from '../../src/kit/index.js';
import type { KeyLimits } from './record.js';

const COUNTS = ['rpm_limit', 'tpm_limit', 'max_parallel_requests'] as const;

/**
 * The limits of the virtual key that makes the call, as `createKeyAuth()` put them in
 * `metadata.key_limits`, checked (the metadata is the caller's): only well-formed ones. What a
 * limits rule scoped on `user_api_key_hash` reads for each key's own numbers.
 *
 * @example
 * keyLimitsOf(ctx)?.rpm_limit // 60, or undefined when the key has none
 */
export function keyLimitsOf(ctx: Pick<Context, 'metadata'>): KeyLimits | undefined {
  const given = ctx.metadata.key_limits;
  if (given === null || typeof given !== 'object' || Array.isArray(given)) return undefined;
  // A key's caller hands every call the same frozen limits: read once. (Others may change.)
  if (!Object.isFrozen(given)) return checkedLimits(given as Record<string, unknown>);
  let limits = checked.get(given);
  if (limits === undefined) {
    limits = checkedLimits(given as Record<string, unknown>);
    checked.set(given, limits);
  }
  return limits;
}

const checked = new WeakMap<object, KeyLimits>();

function checkedLimits(source: Record<string, unknown>): KeyLimits {
  const limits: KeyLimits = {};
  for (const field of COUNTS) {
    const value = Object.hasOwn(source, field) ? source[field] : undefined;
    if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0)
      limits[field] = value;
  }
  const budget = Object.hasOwn(source, 'max_budget') ? source.max_budget : undefined;
  if (typeof budget === 'number' && Number.isFinite(budget) && budget >= 0)
    limits.max_budget = budget;
  const duration = Object.hasOwn(source, 'budget_duration') ? source.budget_duration : undefined;
  if (typeof duration === 'string') limits.budget_duration = duration;
  return limits;
}

/**
 * The limits rule of virtual keys, for `limits()`: counted per key (`user_api_key_hash`), each
 * key with its own `rpm_limit`, `tpm_limit` and `max_parallel_requests`; a key without one is
 * not limited by it, and a call without a key not at all. (Budgets are the key store's:
 * `max_budget` is checked against the key's spend when it authenticates.)
 *
 * @example
 * const client = createClient({
 *   middleware: [keySpend(auth.store), limits({ rules: [keyLimitRule()], store: redis })],
 * });
 */
export function keyLimitRule(name = 'key'): LimitRule {
  return {
    name,
    scope: 'user_api_key_hash',
    rpm: (ctx) => keyLimitsOf(ctx)?.rpm_limit,
    tpm: (ctx) => keyLimitsOf(ctx)?.tpm_limit,
    maxParallel: (ctx) => keyLimitsOf(ctx)?.max_parallel_requests,
  };
}

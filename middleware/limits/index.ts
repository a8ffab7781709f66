import { type Middleware, PriceBook, RedisStore } from '../../src/kit/index.js';
import { LimitedCall } from './call.js';
import { checkRules, type LimitsOptions, wholeOption } from './options.js';
import { appliedRules, type PlanSettings } from './plan.js';
import { RedisLimitStore } from './redis-store.js';
import type { LimitStore } from './store.js';
import { StoreRunner } from './store-runner.js';
import { type RuleUsage, usageOf } from './usage.js';

export { MemoryLimitStore } from './memory-store.js';
export type {
  BudgetOptions,
  LimitRule,
  LimitScope,
  LimitsOptions,
  LimitValue,
} from './options.js';
export { RedisLimitStore } from './redis-store.js';
export type { Adjustment, Counter, LimitStore, Reservation } from './store.js';
export type { RuleUsage } from './usage.js';
export type { BudgetPeriod } from './windows.js';

/** The limits layer, with a look at what each scope has used. */
export interface Limits extends Middleware {
  /** What every rule has used and has left for one scope value (`'alice'`), from the store. */
  usage(scope: string): Promise<RuleUsage[]>;
}

/** Where the layer's check goes: before the provider transform, as a router's choice does. */
const BEFORE_PREPARE = { beforePrepare: true } as const;

/**
 * Rate limits and budgets per user, team, key, model or anything of the call: requests and
 * tokens per sliding minute, calls in flight, and dollars per day, month or period. A call is
 * checked and its share reserved before any request (tokens and dollars from an estimate),
 * then settled to what it really used when it ends; a call over a limit fails with a
 * `RateLimitError` or a `BudgetExceededError` that no retry or fallback follows. With a Redis
 * `store`, every process counts together, each reservation one atomic script.
 *
 * @example
 * const client = createClient({
 *   middleware: [limits({ rules: [
 *     { name: 'per-user', scope: 'user', rpm: 60, budget: { usd: 5, period: 'day' } },
 *     { name: 'all', scope: () => 'all', maxParallel: 32 },
 *   ] })],
 * });
 * await client.completion({ model, messages, metadata: { user: 'alice' } });
 */
export function limits(options: LimitsOptions): Limits {
  const rules = checkRules(options?.rules);
  const given = options.store;
  const store: LimitStore | undefined =
    given === undefined
      ? undefined
      : given instanceof RedisStore
        ? new RedisLimitStore(given)
        : given;
  const runner = new StoreRunner(
    store,
    options.failOpen ?? true,
    wholeOption('storeTimeoutMs', options.storeTimeoutMs, 200),
  );
  const settings: PlanSettings = {
    defaultOutputTokens: wholeOption('defaultOutputTokens', options.defaultOutputTokens, 512),
    parallelLeaseMs: wholeOption('parallelLeaseMs', options.parallelLeaseMs, 600_000),
    prices: options.prices ?? new PriceBook(),
  };
  const layer: Middleware = function limits(ctx, next) {
    const applied = appliedRules(ctx, rules);
    if (applied.length === 0) return next();
    const call = new LimitedCall(ctx, applied, settings, runner);
    ctx.useAttempt(call.check, BEFORE_PREPARE);
    // Registered on the way in: it runs after the inner layers' end listeners (the cost's).
    ctx.onEnd(call.settle);
    return next();
  };
  return Object.assign(layer, {
    usage: (scope: string) => usageOf(rules, runner.store, scope, Date.now()),
  });
}

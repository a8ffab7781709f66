import type { CheckedRule } from './options.js';
import { type CounterPositions, NANOS, pushCounters } from './plan.js';
import type { Counter, LimitStore } from './store.js';

/** What one rule has used and has left for a scope value. */
export interface RuleUsage {
  rule: string;
  scope: string;
  rpm?: { limit: number; used: number; remaining: number };
  tpm?: { limit: number; used: number; remaining: number };
  maxParallel?: { limit: number; inFlight: number };
  budget?: { limitUsd: number; spentUsd: number; remainingUsd: number; resetsAt: Date };
}

/**
 * Every rule's use for `scope`, read from the store in one go. A limit read from each call (a
 * function) has no number outside a call: it is left out.
 */
export async function usageOf(
  rules: readonly CheckedRule[],
  store: LimitStore,
  scope: string,
  now: number,
): Promise<RuleUsage[]> {
  const counters: Counter[] = [];
  const at: CounterPositions[] = [];
  for (const rule of rules) {
    // Fixed limits only: a limit that is a function of the call has no value without a call.
    const limits = {
      rpm: typeof rule.rpm === 'number' ? rule.rpm : undefined,
      tpm: typeof rule.tpm === 'number' ? rule.tpm : undefined,
      maxParallel: typeof rule.maxParallel === 'number' ? rule.maxParallel : undefined,
    };
    const nothing = { tokens: 0, nanos: 0, leaseMs: 0, requests: 0 };
    at.push(pushCounters(counters, rule, scope, limits, nothing, now));
  }
  const used = await store.read(counters, now);
  return rules.map((rule, index) => {
    const positions = at[index] as CounterPositions;
    const usage: RuleUsage = { rule: rule.name, scope };
    const window = (position: number | undefined) => {
      if (position === undefined) return undefined;
      const limit = (counters[position] as Counter).limit;
      const count = used[position] ?? 0;
      return { limit, used: count, remaining: Math.max(0, limit - count) };
    };
    const rpm = window(positions.rpm);
    if (rpm) usage.rpm = rpm;
    const tpm = window(positions.tpm);
    if (tpm) usage.tpm = tpm;
    if (positions.parallel !== undefined) {
      usage.maxParallel = {
        limit: rule.maxParallel as number,
        inFlight: used[positions.parallel] ?? 0,
      };
    }
    if (positions.budget !== undefined) {
      const counter = counters[positions.budget] as Extract<Counter, { kind: 'period' }>;
      const spent = used[positions.budget] ?? 0;
      usage.budget = {
        limitUsd: counter.limit / NANOS,
        spentUsd: spent / NANOS,
        remainingUsd: Math.max(0, counter.limit - spent) / NANOS,
        resetsAt: new Date(counter.endsAt),
      };
    }
    return usage;
  });
}

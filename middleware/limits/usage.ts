import type { CheckedRule } from './options.js';
import { NANOS } from './plan.js';
import type { Counter, LimitStore } from './store.js';
import { periodOf } from './windows.js';

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
  const at: Array<Record<string, number>> = [];
  for (const rule of rules) {
    const base = `limits:${rule.name}:${encodeURIComponent(scope)}`;
    const positions: Record<string, number> = {};
    if (typeof rule.rpm === 'number')
      positions.rpm =
        counters.push({ kind: 'window', key: `${base}:rpm`, limit: rule.rpm, amount: 0 }) - 1;
    if (typeof rule.tpm === 'number')
      positions.tpm =
        counters.push({ kind: 'window', key: `${base}:tpm`, limit: rule.tpm, amount: 0 }) - 1;
    if (typeof rule.maxParallel === 'number') {
      positions.parallel =
        counters.push({
          kind: 'parallel',
          key: `${base}:parallel`,
          limit: rule.maxParallel,
          amount: 1,
          leaseMs: 0,
        }) - 1;
    }
    if (rule.budget !== undefined) {
      const period = periodOf(rule.budget.period, rule.budget.timeZone, now);
      positions.budget =
        counters.push({
          kind: 'period',
          key: `${base}:budget:${period.id}`,
          limit: Math.round(rule.budget.usd * NANOS),
          amount: 0,
          endsAt: period.endsAt,
        }) - 1;
    }
    at.push(positions);
  }
  const used = await store.read(counters, now);
  return rules.map((rule, index) => {
    const positions = at[index] as Record<string, number>;
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

import {
  type Context,
  embeddingItems,
  estimateEmbeddingTokens,
  estimatePromptTokens,
  type PriceBook,
} from '../../src/kit/index.js';
import type { CheckedRule } from './options.js';
import type { Counter } from './store.js';
import { periodOf } from './windows.js';

/**
 * Nano-dollars a US dollar: budgets count in whole nano-dollars, exact in Redis (a budget of up
 * to a million dollars stays a safe integer) and fine enough for the cheapest call.
 */
export const NANOS = 1_000_000_000;

/** One rule as it applies to a call: the rule, the scope value, its counters' positions. */
export interface AppliedRule {
  rule: CheckedRule;
  scope: string;
  rpm?: number;
  tpm?: number;
  parallel?: number;
  budget?: number;
}

/** What a call reserves: its counters, the rules they come from, and the estimate behind them. */
export interface CallPlan {
  counters: Counter[];
  applied: AppliedRule[];
  /** Tokens reserved on each tpm counter. */
  tokens: number;
  /** Nano-dollars reserved on each budget counter. */
  nanos: number;
}

/** Settings the plan needs from the layer's options. */
export interface PlanSettings {
  defaultOutputTokens: number;
  parallelLeaseMs: number;
  prices: PriceBook;
}

/** The rules that apply to the call (those with a scope value for it). */
export function appliedRules(
  ctx: Context,
  rules: readonly CheckedRule[],
): Array<{ rule: CheckedRule; scope: string }> {
  const applied: Array<{ rule: CheckedRule; scope: string }> = [];
  for (const rule of rules) {
    const scope = rule.scope(ctx);
    if (scope !== undefined) applied.push({ rule, scope });
  }
  return applied;
}

/**
 * The counters the call reserves on: a request on each rpm, the estimated tokens on each tpm
 * (the prompt by the cost layer's tokenizer, plus `max_tokens` or the default output), a slot on
 * each maxParallel, and the estimate's price on each budget. Tokens and prices are estimated
 * only when a rule needs them.
 */
export function planCall(
  ctx: Context,
  applied: ReadonlyArray<{ rule: CheckedRule; scope: string }>,
  settings: PlanSettings,
  now: number,
): CallPlan {
  const needsTokens = applied.some(
    ({ rule }) => rule.tpm !== undefined || rule.budget !== undefined,
  );
  const estimate = needsTokens ? estimateOf(ctx, settings) : { input: 0, output: 0 };
  const tokens = estimate.input + estimate.output;
  const needsPrice = applied.some(({ rule }) => rule.budget !== undefined);
  // Up, so that a reservation is never less than its price; less a hair, for float noise.
  const nanos = needsPrice ? Math.ceil(priceOf(ctx, settings.prices, estimate) * NANOS - 1e-3) : 0;
  const counters: Counter[] = [];
  const plan: CallPlan = { counters, applied: [], tokens, nanos };
  for (const { rule, scope } of applied) {
    const base = `limits:${rule.name}:${encodeURIComponent(scope)}`;
    const entry: AppliedRule = { rule, scope };
    if (rule.rpm !== undefined) {
      entry.rpm =
        counters.push({ kind: 'window', key: `${base}:rpm`, limit: rule.rpm, amount: 1 }) - 1;
    }
    if (rule.tpm !== undefined) {
      entry.tpm =
        counters.push({ kind: 'window', key: `${base}:tpm`, limit: rule.tpm, amount: tokens }) - 1;
    }
    if (rule.maxParallel !== undefined) {
      entry.parallel =
        counters.push({
          kind: 'parallel',
          key: `${base}:parallel`,
          limit: rule.maxParallel,
          amount: 1,
          leaseMs: settings.parallelLeaseMs,
        }) - 1;
    }
    if (rule.budget !== undefined) {
      const period = periodOf(rule.budget.period, rule.budget.timeZone, now);
      entry.budget =
        counters.push({
          kind: 'period',
          key: `${base}:budget:${period.id}`,
          limit: Math.round(rule.budget.usd * NANOS),
          amount: nanos,
          endsAt: period.endsAt,
        }) - 1;
    }
    plan.applied.push(entry);
  }
  return plan;
}

function estimateOf(ctx: Context, settings: PlanSettings): { input: number; output: number } {
  if (ctx.kind === 'embedding') {
    return { input: estimateEmbeddingTokens(embeddingItems(ctx.request.input)), output: 0 };
  }
  const request = ctx.request;
  const asked = request.max_completion_tokens ?? request.max_tokens;
  return {
    input: estimatePromptTokens(request.messages),
    output: typeof asked === 'number' && asked > 0 ? asked : settings.defaultOutputTokens,
  };
}

/** The estimate's price from the price table; 0 for a model it does not price. */
function priceOf(
  ctx: Context,
  prices: PriceBook,
  estimate: { input: number; output: number },
): number {
  let provider: { name: string; model: string } | undefined;
  try {
    provider = ctx.provider;
  } catch {
    // an unknown provider: priced by the model's name alone
  }
  const price = prices.findFor(
    {
      requested: ctx.request.model,
      provider: provider?.name,
      providerModel: provider?.model,
      responseModel: undefined,
    },
    false,
  )?.price;
  if (price === undefined) return 0;
  return (price.input ?? 0) * estimate.input + (price.output ?? 0) * estimate.output;
}

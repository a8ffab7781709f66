import {
  type Context,
  embeddingItems,
  estimateEmbeddingTokens,
  estimatePromptTokens,
  type PriceBook,
} from '../../src/kit/index.js';
import type { BudgetOptions, CheckedLimit, CheckedRule } from './options.js';
import type { Counter } from './store.js';
import { periodOf } from './windows.js';

/**
 * Nano-dollars a US dollar: budgets count in whole nano-dollars, exact in Redis (a budget of up
 * to a million dollars stays a safe integer) and fine enough for the cheapest call.
 */
export const NANOS = 1_000_000_000;

/** A rule's limits for one call: its fixed numbers, and what its functions gave for the call. */
export interface CallLimits {
  rpm?: number;
  tpm?: number;
  maxParallel?: number;
  budget?: Required<BudgetOptions>;
}

/** A rule that applies to a call: the rule, the call's scope value and the call's limits. */
export interface RuleForCall {
  rule: CheckedRule;
  scope: string;
  limits: CallLimits;
}

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

/**
 * The rules that apply to the call: those with a scope value for it and at least one limit
 * (a limit read from the call may give none), with the call's numbers.
 */
export function appliedRules(ctx: Context, rules: readonly CheckedRule[]): RuleForCall[] {
  const applied: RuleForCall[] = [];
  for (const rule of rules) {
    const scope = rule.scope(ctx);
    if (scope === undefined) continue;
    const limits: CallLimits = {};
    const rpm = limitFor(ctx, rule.rpm);
    if (rpm !== undefined) limits.rpm = rpm;
    const tpm = limitFor(ctx, rule.tpm);
    if (tpm !== undefined) limits.tpm = tpm;
    const maxParallel = limitFor(ctx, rule.maxParallel);
    if (maxParallel !== undefined) limits.maxParallel = maxParallel;
    if (rule.budget !== undefined) limits.budget = rule.budget;
    if (Object.keys(limits).length > 0) applied.push({ rule, scope, limits });
  }
  return applied;
}

function limitFor(ctx: Context, limit: CheckedLimit | undefined): number | undefined {
  return typeof limit === 'function' ? limit(ctx) : limit;
}

/**
 * The counters the call reserves on: a request on each rpm, the estimated tokens on each tpm
 * (the prompt by the cost layer's tokenizer, plus `max_tokens` or the default output), a slot on
 * each maxParallel, and the estimate's price on each budget. Tokens and prices are estimated
 * only when a rule needs them.
 */
export function planCall(
  ctx: Context,
  applied: readonly RuleForCall[],
  settings: PlanSettings,
  now: number,
): CallPlan {
  const needsTokens = applied.some(
    ({ limits }) => limits.tpm !== undefined || limits.budget !== undefined,
  );
  const estimate = needsTokens ? estimateOf(ctx, settings) : { input: 0, output: 0 };
  const tokens = estimate.input + estimate.output;
  const needsPrice = applied.some(({ limits }) => limits.budget !== undefined);
  // Up, so that a reservation is never less than its price; less a hair, for float noise.
  const nanos = needsPrice ? Math.ceil(priceOf(ctx, settings.prices, estimate) * NANOS - 1e-3) : 0;
  const counters: Counter[] = [];
  const plan: CallPlan = { counters, applied: [], tokens, nanos };
  for (const { rule, scope, limits } of applied) {
    const amounts = { tokens, nanos, leaseMs: settings.parallelLeaseMs };
    plan.applied.push({
      rule,
      scope,
      ...pushCounters(counters, rule, scope, limits, amounts, now),
    });
  }
  return plan;
}

/** Where a rule's counters are in a list of counters. */
export interface CounterPositions {
  rpm?: number;
  tpm?: number;
  parallel?: number;
  budget?: number;
}

/**
 * Adds a rule's counters for one scope value to `counters` (a request on rpm, `tokens` on tpm,
 * a lease on maxParallel, `nanos` on the budget's current period) and says where each went:
 * what a reservation and a reading of a scope's use (`usage()`, with amounts of 0) share.
 */
export function pushCounters(
  counters: Counter[],
  rule: CheckedRule,
  scope: string,
  limits: { rpm?: number | undefined; tpm?: number | undefined; maxParallel?: number | undefined },
  amounts: { tokens: number; nanos: number; leaseMs: number; requests?: number },
  now: number,
): CounterPositions {
  const base = `limits:${rule.name}:${encodeURIComponent(scope)}`;
  const positions: CounterPositions = {};
  const push = (counter: Counter) => counters.push(counter) - 1;
  if (limits.rpm !== undefined) {
    const amount = amounts.requests ?? 1;
    positions.rpm = push({ kind: 'window', key: `${base}:rpm`, limit: limits.rpm, amount });
  }
  if (limits.tpm !== undefined) {
    const amount = amounts.tokens;
    positions.tpm = push({ kind: 'window', key: `${base}:tpm`, limit: limits.tpm, amount });
  }
  if (limits.maxParallel !== undefined) {
    positions.parallel = push({
      kind: 'parallel',
      key: `${base}:parallel`,
      limit: limits.maxParallel,
      amount: 1,
      leaseMs: amounts.leaseMs,
    });
  }
  if (rule.budget !== undefined) {
    const period = periodOf(rule.budget.period, rule.budget.timeZone, now);
    positions.budget = push({
      kind: 'period',
      key: `${base}:budget:${period.id}`,
      limit: Math.round(rule.budget.usd * NANOS),
      amount: amounts.nanos,
      endsAt: period.endsAt,
    });
  }
  return positions;
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

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
    const rpm = limitFor(ctx, rule.rpm);
    const tpm = limitFor(ctx, rule.tpm);
    const maxParallel = limitFor(ctx, rule.maxParallel);
    const budget = rule.budget;
    if (rpm === undefined && tpm === undefined && maxParallel === undefined && budget === undefined)
      continue;
    const limits: CallLimits = {};
    if (rpm !== undefined) limits.rpm = rpm;
    if (tpm !== undefined) limits.tpm = tpm;
    if (maxParallel !== undefined) limits.maxParallel = maxParallel;
    if (budget !== undefined) limits.budget = budget;
    applied.push({ rule, scope, limits });
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
  let needsTokens = false;
  let needsPrice = false;
  for (const { limits } of applied) {
    if (limits.tpm !== undefined) needsTokens = true;
    if (limits.budget !== undefined) needsPrice = needsTokens = true;
  }
  const estimate = needsTokens ? estimateOf(ctx, settings) : NO_ESTIMATE;
  const tokens = estimate.input + estimate.output;
  // Up, so that a reservation is never less than its price; less a hair, for float noise.
  const nanos = needsPrice ? Math.ceil(priceOf(ctx, settings.prices, estimate) * NANOS - 1e-3) : 0;
  const counters: Counter[] = [];
  const plan: CallPlan = { counters, applied: [], tokens, nanos };
  const amounts = { tokens, nanos, leaseMs: settings.parallelLeaseMs };
  for (const { rule, scope, limits } of applied) {
    const entry: AppliedRule = { rule, scope };
    pushCounters(counters, rule, scope, limits, amounts, now, entry);
    plan.applied.push(entry);
  }
  return plan;
}

const NO_ESTIMATE = { input: 0, output: 0 };

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
  positions: CounterPositions = {},
): CounterPositions {
  const keys = counterKeys(rule, scope);
  if (limits.rpm !== undefined) {
    const amount = amounts.requests ?? 1;
    positions.rpm = counters.push({ kind: 'window', key: keys.rpm, limit: limits.rpm, amount }) - 1;
  }
  if (limits.tpm !== undefined) {
    const amount = amounts.tokens;
    positions.tpm = counters.push({ kind: 'window', key: keys.tpm, limit: limits.tpm, amount }) - 1;
  }
  if (limits.maxParallel !== undefined) {
    positions.parallel =
      counters.push({
        kind: 'parallel',
        key: keys.parallel,
        limit: limits.maxParallel,
        amount: 1,
        leaseMs: amounts.leaseMs,
      }) - 1;
  }
  if (rule.budget !== undefined) {
    const period = periodOf(rule.budget.period, rule.budget.timeZone, now);
    positions.budget =
      counters.push({
        kind: 'period',
        key: `${keys.base}:budget:${period.id}`,
        limit: Math.round(rule.budget.usd * NANOS),
        amount: amounts.nanos,
        endsAt: period.endsAt,
      }) - 1;
  }
  return positions;
}

/** The keys of a rule's counters for one scope value. */
interface CounterKeys {
  base: string;
  rpm: string;
  tpm: string;
  parallel: string;
}

/** Scope values whose keys each rule keeps, past which it starts again. */
const MAX_KEPT_SCOPES = 10_000;
const keptKeys = new WeakMap<CheckedRule, Map<string, CounterKeys>>();

/**
 * The keys of a rule's counters for a scope value, made once while the value is among the
 * rule's last {@link MAX_KEPT_SCOPES}: the same strings call after call, which a `Map` (or
 * Redis' client) hashes once, rather than new ones built and hashed for every call.
 */
function counterKeys(rule: CheckedRule, scope: string): CounterKeys {
  let kept = keptKeys.get(rule);
  if (kept === undefined) {
    kept = new Map();
    keptKeys.set(rule, kept);
  }
  let keys = kept.get(scope);
  if (keys === undefined) {
    const base = `limits:${rule.name}:${encodeURIComponent(scope)}`;
    keys = { base, rpm: `${base}:rpm`, tpm: `${base}:tpm`, parallel: `${base}:parallel` };
    if (kept.size >= MAX_KEPT_SCOPES) kept.clear();
    kept.set(scope, keys);
  }
  return keys;
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

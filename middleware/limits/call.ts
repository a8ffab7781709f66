import {
  BudgetExceededError,
  type Context,
  type Next,
  RateLimitError,
  ServiceUnavailableError,
} from '../../src/kit/index.js';
import {
  type AppliedRule,
  type CallPlan,
  NANOS,
  type PlanSettings,
  planCall,
  type RuleForCall,
} from './plan.js';
import type { Adjustment, Counter, LimitStore, Reservation } from './store.js';
import type { StoreRunner } from './store-runner.js';

/** What one call's limits hold between its reservation and its settlement. */
export class LimitedCall {
  readonly #ctx: Context;
  readonly #applied: readonly RuleForCall[];
  readonly #settings: PlanSettings;
  readonly #runner: StoreRunner;
  #plan: CallPlan | undefined;
  #reservation: Extract<Reservation, { ok: true }> | undefined;
  #store: LimitStore | undefined;

  constructor(
    ctx: Context,
    applied: readonly RuleForCall[],
    settings: PlanSettings,
    runner: StoreRunner,
  ) {
    this.#ctx = ctx;
    this.#applied = applied;
    this.#settings = settings;
    this.#runner = runner;
  }

  /**
   * The attempt layer (before the provider transform): the first attempt reserves on every
   * counter, or fails with the limit's typed error before any request; later attempts (retries
   * of the same call) pass.
   */
  readonly check = (ctx: Context, next: Next): Promise<void> => {
    if (this.#plan !== undefined) return next();
    const now = Date.now();
    const plan = planCall(ctx, this.#applied, this.#settings, now);
    this.#plan = plan;
    const reserved = this.#runner.reserve(ctx, plan.counters, ctx.callId, now);
    if (reserved instanceof Promise) {
      return reserved.then((outcome) => {
        this.#admit(outcome.reservation, outcome.store, plan, now);
        return next();
      });
    }
    this.#admit(reserved.reservation, reserved.store, plan, now);
    return next();
  };

  #admit(
    reservation: Reservation | undefined,
    store: LimitStore | undefined,
    plan: CallPlan,
    now: number,
  ): void {
    if (reservation === undefined) {
      throw new ServiceUnavailableError({
        message:
          'the limits store is unavailable and the limits layer fails closed: the call was not sent. Check Redis, or set failOpen: true.',
        final: true,
      });
    }
    if (!reservation.ok) throw refusal(plan, reservation, now);
    this.#reservation = reservation;
    this.#store = store;
  }

  /**
   * The end listener: settles what was reserved to what the call used (its usage and `ctx.cost`;
   * nothing for a failed call without usage), gives back the parallel slots, and writes into the
   * metadata what each rule had left after the call.
   */
  readonly settle = (): void => {
    const plan = this.#plan;
    const reservation = this.#reservation;
    const store = this.#store;
    if (plan === undefined || reservation === undefined || store === undefined) return;
    const ctx = this.#ctx;
    const tokens = usedTokens(ctx);
    const nanos = Math.round((ctx.cost?.total ?? 0) * NANOS);
    const adjustments: Adjustment[] = [];
    for (const counter of plan.counters) {
      adjustments.push({ counter, delta: deltaOf(counter, plan, tokens, nanos) });
    }
    const left = remaining(plan, reservation, adjustments);
    // The call's own metadata (a copy of the caller's), written in place unless a layer froze it.
    if (Object.isExtensible(ctx.metadata)) ctx.metadata.limits = left;
    else ctx.metadata = { ...ctx.metadata, limits: left };
    const now = Date.now();
    this.#runner.settle(ctx, store, adjustments, ctx.callId, reservation.bucket, now);
  };
}

function usedTokens(ctx: Context): number {
  const total = ctx.usage?.total_tokens;
  return typeof total === 'number' && total >= 0 ? total : 0;
}

/** What to add to a counter at the end: the real use less the reservation (the request stays). */
function deltaOf(counter: Counter, plan: CallPlan, tokens: number, nanos: number): number {
  if (counter.kind === 'period') return nanos - plan.nanos;
  if (counter.kind === 'window' && counter.key.endsWith(':tpm')) return tokens - plan.tokens;
  return 0;
}

/** What each rule had left after the call, for the metadata and the record. */
function remaining(
  plan: CallPlan,
  reservation: Extract<Reservation, { ok: true }>,
  adjustments: readonly Adjustment[],
): Array<Record<string, unknown>> {
  const summaries: Array<Record<string, unknown>> = [];
  for (const entry of plan.applied) {
    const summary: Record<string, unknown> = { rule: entry.rule.name, scope: entry.scope };
    if (entry.rpm !== undefined)
      summary.rpm = windowLeft(plan, reservation, adjustments, entry.rpm);
    if (entry.tpm !== undefined)
      summary.tpm = windowLeft(plan, reservation, adjustments, entry.tpm);
    if (entry.parallel !== undefined) {
      summary.maxParallel = { limit: (plan.counters[entry.parallel] as Counter).limit };
    }
    const budget = entry.budget === undefined ? undefined : plan.counters[entry.budget];
    if (budget?.kind === 'period') {
      const used = usedAfter(plan, reservation, adjustments, entry.budget as number);
      summary.budget = {
        limitUsd: budget.limit / NANOS,
        remainingUsd: Math.max(0, budget.limit - used) / NANOS,
        resetsAt: new Date(budget.endsAt).toISOString(),
      };
    }
    summaries.push(summary);
  }
  return summaries;
}

/** A window counter's limit and what it had left after the call. */
function windowLeft(
  plan: CallPlan,
  reservation: Extract<Reservation, { ok: true }>,
  adjustments: readonly Adjustment[],
  index: number,
): { limit: number; remaining: number } {
  const limit = (plan.counters[index] as Counter).limit;
  const used = usedAfter(plan, reservation, adjustments, index);
  return { limit, remaining: Math.max(0, limit - used) };
}

/** What a counter had counted after the call: before it, its reservation, its settlement. */
function usedAfter(
  plan: CallPlan,
  reservation: Extract<Reservation, { ok: true }>,
  adjustments: readonly Adjustment[],
  index: number,
): number {
  const counter = plan.counters[index] as Counter;
  return (reservation.used[index] ?? 0) + counter.amount + (adjustments[index]?.delta ?? 0);
}

/** The typed error of a refused reservation: the rule, its scope, its limit, and when it frees. */
function refusal(plan: CallPlan, refused: Extract<Reservation, { ok: false }>, now: number): Error {
  const counter = plan.counters[refused.index] as Counter;
  const entry = plan.applied.find((item) =>
    [item.rpm, item.tpm, item.parallel, item.budget].includes(refused.index),
  ) as AppliedRule;
  const scope = `${entry.rule.name}:${entry.scope}`;
  if (counter.kind === 'period') {
    return new BudgetExceededError({
      scope,
      limitUsd: counter.limit / NANOS,
      spentUsd: refused.used / NANOS,
      resetsAt: new Date(counter.endsAt),
      message: `${scope}: the budget of $${counter.limit / NANOS} is spent ($${refused.used / NANOS} spent or reserved; this call needs up to $${counter.amount / NANOS}). It resets at ${new Date(counter.endsAt).toISOString()}.`,
    });
  }
  const what =
    counter.kind === 'parallel'
      ? `${counter.limit} calls in flight at once`
      : counter.key.endsWith(':tpm')
        ? `${counter.limit} tokens per minute (${refused.used} used; this call reserves ${counter.amount})`
        : `${counter.limit} requests per minute`;
  const retryAfterMs = refused.fitsAt === undefined ? undefined : Math.max(0, refused.fitsAt - now);
  return new RateLimitError({
    status: 429,
    retryAfterMs,
    final: true,
    message: `${scope}: over its limit of ${what}${retryAfterMs === undefined ? '' : `; room again in ${retryAfterMs} ms`}. The call was not sent.`,
  });
}

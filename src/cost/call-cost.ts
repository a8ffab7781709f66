import type { Context } from '../context/context.js';
import { findPrice, unpriced } from './completion-cost.js';
import { estimateUsage } from './estimate.js';
import { type PriceBook, priceCandidates } from './price-book.js';
import { priceUsage } from './price-usage.js';
import type { CallCost } from './types.js';
import { normalizeUsage } from './usage.js';

/** The cost of a finished call, and whether its model had no price. */
export interface PricedCall {
  cost: CallCost;
  /** The model to warn about when it had no price. */
  unpricedModel?: string;
}

/**
 * Prices a finished call from its usage, as the cost layer does: the provider's final usage
 * when it sent one, a tokenizer estimate otherwise (marked), nothing when the call failed
 * before any answer. The call's own prices (`pricing`, `inputCostPerToken`, ...) come first,
 * then `prices`; a model on a local runtime costs 0. A cache hit costs 0 and records what it
 * saved.
 *
 * @example
 * ctx.onEnd(() => { ctx.cost = priceCall(ctx, prices).cost; });
 */
export function priceCall(ctx: Context, prices: PriceBook): PricedCall {
  const answer =
    ctx.kind === 'completion' ? (ctx.response ?? ctx.error?.partialResponse) : undefined;
  let usage: unknown = ctx.usage ?? answer?.usage ?? undefined;
  // An embedding call's usage is the provider's count, or the tokenizer's where it sent none.
  let estimated = ctx.kind === 'embedding' && ctx.usageEstimated;
  if (usage === undefined) {
    if (answer === undefined || ctx.kind !== 'completion') {
      return { cost: nothing('the call failed before any usage was known') };
    }
    usage = estimateUsage(ctx.request.messages, answer);
    estimated = true;
  }
  const provider = providerOf(ctx);
  const names = {
    requested: ctx.request.model,
    provider: provider?.name,
    providerModel: provider?.model,
    responseModel: (answer ?? ctx.response)?.model || undefined,
  };
  // An endpoint the client named itself is priced only by name: its models are its own.
  const byNameOnly = provider !== undefined && !provider.builtIn;
  const options = ctx.options;
  const perCall =
    options.pricing !== undefined ||
    options.inputCostPerToken !== undefined ||
    options.outputCostPerToken !== undefined;
  const found =
    (perCall
      ? findPrice(
          names,
          { ...options, prices },
          byNameOnly ? [names.requested] : priceCandidates(names),
        )
      : prices.findFor(names, byNameOnly)) ??
    // A model on a local runtime (Ollama, LM Studio, vLLM) has no per-token bill.
    (provider?.adapter.localRuntime
      ? { key: `${provider.name}/*`, price: { input: 0, output: 0 } }
      : undefined);
  if (found === undefined) {
    return {
      cost: nothing(unpriced(ctx.request.model).reason, estimated),
      unpricedModel: ctx.request.model,
    };
  }
  const breakdown = priceUsage(
    normalizeUsage(usage) ?? emptyUsage(),
    found.price,
    found.key,
    answer?.service_tier as string | undefined,
  );
  const hit = ctx.cacheStatus === 'hit';
  return {
    cost: {
      total: hit ? 0 : breakdown.total,
      saved: hit ? breakdown.total : null,
      estimated,
      breakdown,
      reason: null,
    },
  };
}

function nothing(reason: string, estimated = false): CallCost {
  return { total: null, saved: null, estimated, breakdown: null, reason };
}

function providerOf(ctx: Context) {
  try {
    return ctx.provider;
  } catch {
    // an unknown provider: price by the name alone
    return undefined;
  }
}

function emptyUsage() {
  return {
    promptTokens: 0,
    completionTokens: 0,
    cachedTokens: 0,
    cacheWriteTokens: 0,
    cacheWrite1hTokens: 0,
    reasoningTokens: 0,
  };
}

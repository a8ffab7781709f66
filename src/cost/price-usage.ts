import type { CostBreakdown, ModelPrice, NormalizedUsage, PriceTier } from './types.js';

/**
 * What `usage` costs at `price`. Cached reads, cache writes and reasoning fall back to the
 * input or output price when the entry has none. Above a long-context threshold the whole
 * request is billed at that tier's prices, as the providers bill it (not only the tokens past
 * the threshold). A `priority` or `flex` service tier uses its own prices where listed.
 */
export function priceUsage(
  usage: NormalizedUsage,
  price: ModelPrice,
  priceKey: string,
  serviceTier?: string | null,
): CostBreakdown {
  const tier = tierFor(price.tiers, usage.promptTokens);
  const service =
    serviceTier === 'priority' || serviceTier === 'flex' ? price[serviceTier] : undefined;
  const input = service?.input ?? tier?.input ?? price.input ?? 0;
  const output = service?.output ?? tier?.output ?? price.output ?? 0;
  const cacheRead = service?.cacheRead ?? tier?.cacheRead ?? price.cacheRead ?? input;
  const cacheWrite = tier?.cacheWrite ?? price.cacheWrite ?? input;
  const cacheWrite1h = tier?.cacheWrite1h ?? price.cacheWrite1h ?? cacheWrite;
  const reasoningPrice = price.reasoning ?? output;

  const written = usage.cacheWriteTokens + usage.cacheWrite1hTokens;
  const uncached = Math.max(0, usage.promptTokens - usage.cachedTokens - written);
  const reasoningTokens = Math.min(usage.reasoningTokens, usage.completionTokens);
  const parts = {
    input: uncached * input,
    cachedInput: usage.cachedTokens * cacheRead,
    cacheWrite: usage.cacheWriteTokens * cacheWrite + usage.cacheWrite1hTokens * cacheWrite1h,
    output: (usage.completionTokens - reasoningTokens) * output,
    reasoning: reasoningTokens * reasoningPrice,
  };
  return {
    total: parts.input + parts.cachedInput + parts.cacheWrite + parts.output + parts.reasoning,
    ...parts,
    priceKey,
    tierAbove: tier?.above ?? null,
    serviceTier: service ? (serviceTier as 'priority' | 'flex') : null,
    usage,
  };
}

/** The highest tier whose threshold the prompt passes. */
function tierFor(
  tiers: readonly PriceTier[] | undefined,
  promptTokens: number,
): PriceTier | undefined {
  if (tiers === undefined) return undefined;
  let chosen: PriceTier | undefined;
  for (const tier of tiers) if (promptTokens > tier.above) chosen = tier;
  return chosen;
}

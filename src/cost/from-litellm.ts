import type { ModelPrice, PriceTier, ServiceTierPrice } from './types.js';

/** One entry of LiteLLM's `model_prices_and_context_window.json`, or of `registerModel()`. */
export type LiteLLMPriceEntry = Record<string, unknown>;

const BASE_FIELDS = {
  input_cost_per_token: 'input',
  output_cost_per_token: 'output',
  cache_read_input_token_cost: 'cacheRead',
  cache_creation_input_token_cost: 'cacheWrite',
  cache_creation_input_token_cost_above_1hr: 'cacheWrite1h',
  output_cost_per_reasoning_token: 'reasoning',
} as const satisfies Record<string, keyof ModelPrice>;

/** The same fields as shallot's camelCase options name them (`registerModel({ m: { inputCostPerToken } })`). */
const CAMEL_FIELDS = {
  inputCostPerToken: 'input',
  outputCostPerToken: 'output',
  cacheReadInputTokenCost: 'cacheRead',
  cacheCreationInputTokenCost: 'cacheWrite',
  cacheCreationInputTokenCostAbove1hr: 'cacheWrite1h',
  outputCostPerReasoningToken: 'reasoning',
} as const satisfies Record<string, keyof ModelPrice>;

const TIERED =
  /^(input_cost_per_token|output_cost_per_token|cache_read_input_token_cost|cache_creation_input_token_cost|cache_creation_input_token_cost_above_1hr)_above_(\d+)k_tokens$/;
const SERVICE_TIER =
  /^(input_cost_per_token|output_cost_per_token|cache_read_input_token_cost)_(priority|flex)$/;

/**
 * Reads a LiteLLM price entry (snake_case, per token) into shallot's compact `ModelPrice`.
 * Also accepts the camelCase names of shallot's options. Returns undefined when the entry
 * has no per-token price at all.
 */
export function fromLiteLLMEntry(entry: LiteLLMPriceEntry): ModelPrice | undefined {
  const price: ModelPrice = {};
  const tiers = new Map<number, PriceTier>();
  for (const [field, value] of Object.entries(entry)) {
    if (field === 'litellm_provider' && typeof value === 'string') price.provider = value;
    if (field === 'max_input_tokens' && typeof value === 'number') price.maxInput = value;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) continue;
    const base =
      BASE_FIELDS[field as keyof typeof BASE_FIELDS] ??
      CAMEL_FIELDS[field as keyof typeof CAMEL_FIELDS];
    if (base) {
      price[base] = value;
      continue;
    }
    if (field === 'input_cost_per_token_cache_hit') {
      price.cacheRead ??= value;
      continue;
    }
    const tiered = TIERED.exec(field);
    if (tiered) {
      const above = Number(tiered[2]) * 1000;
      const tier = tiers.get(above) ?? { above };
      tier[
        BASE_FIELDS[tiered[1] as keyof typeof BASE_FIELDS] as Exclude<keyof PriceTier, 'above'>
      ] = value;
      tiers.set(above, tier);
      continue;
    }
    const service = SERVICE_TIER.exec(field);
    if (service) {
      const name = service[2] as 'priority' | 'flex';
      const tierPrice: ServiceTierPrice = price[name] ?? {};
      tierPrice[BASE_FIELDS[service[1] as keyof typeof BASE_FIELDS] as keyof ServiceTierPrice] =
        value;
      price[name] = tierPrice;
    }
  }
  if (price.input === undefined && price.output === undefined) return undefined;
  if (tiers.size > 0) price.tiers = [...tiers.values()].sort((a, b) => a.above - b.above);
  return price;
}

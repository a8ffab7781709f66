import type { ChatCompletion } from '../types/openai.js';
import {
  fineTuneKey,
  PriceBook,
  type PriceInput,
  priceCandidates,
  toModelPrice,
} from './price-book.js';
import { PRICE_TABLE_SOURCE } from './price-table.generated.js';
import { priceUsage } from './price-usage.js';
import type { CostResult, ModelPrice } from './types.js';
import { normalizeUsage } from './usage.js';

/** What `completionCost()` prices: a `chat.completion`, or a model and its usage. */
export type CostInput =
  | ChatCompletion
  | { model: string; usage: unknown; serviceTier?: string | null };

/** Per-call price overrides, as `completion()` takes them. */
export interface PriceOverrides {
  /** Overrides the entry's input price. */
  inputCostPerToken?: number;
  /** Overrides the entry's output price. */
  outputCostPerToken?: number;
  /** A whole price entry for this call. */
  pricing?: PriceInput;
}

/** Options of `completionCost()`. */
export interface CostOptions extends PriceOverrides {
  /** Prices to look in before the bundled table (a client's registrations). */
  prices?: PriceBook;
  /** The provider, to find `provider/model` entries (`gemini`, `azure`, ...). */
  provider?: string;
}

const sharedBook = new PriceBook();

/**
 * The cost of a call in US dollars, from the bundled price table (or your own prices): a
 * pure function, no network. Returns a breakdown, or `{ total: null, reason }` when the model
 * has no price, never a silent 0.
 *
 * @example
 * const cost = completionCost({ model: 'gpt-4o', usage: { prompt_tokens: 1000, completion_tokens: 200 } });
 * if (cost.total !== null) console.log(cost.total, cost.input, cost.output);
 */
export function completionCost(input: CostInput, options: CostOptions = {}): CostResult {
  const isCompletion = 'object' in input && input.object === 'chat.completion';
  const model = input.model;
  const usage = normalizeUsage(input.usage);
  if (usage === undefined) {
    return {
      total: null,
      reason: `${model}: no usage to price. Pass usage, or a chat.completion that has it.`,
    };
  }
  const serviceTier = isCompletion
    ? ((input as ChatCompletion).service_tier as string | undefined)
    : (input as { serviceTier?: string | null }).serviceTier;
  const found = findPrice(
    {
      requested: model,
      provider: options.provider,
      providerModel: stripProvider(model, options.provider),
      responseModel: isCompletion ? model : undefined,
    },
    options,
  );
  if (found === undefined) return unpriced(model);
  return priceUsage(usage, found.price, found.key, serviceTier);
}

/** The price for a call: a per-call entry, else the book, with per-call overrides on top. */
export function findPrice(
  names: Parameters<typeof priceCandidates>[0],
  options: CostOptions,
  candidates: readonly string[] = priceCandidates(names),
): { key: string; price: ModelPrice } | undefined {
  let found: { key: string; price: ModelPrice } | undefined = options.pricing
    ? { key: names.requested, price: toModelPrice(names.requested, options.pricing) }
    : (options.prices ?? sharedBook).find(candidates);
  const { inputCostPerToken, outputCostPerToken } = options;
  if (inputCostPerToken !== undefined || outputCostPerToken !== undefined) {
    const base = found?.price ?? {};
    const price: ModelPrice = { ...base };
    if (inputCostPerToken !== undefined) price.input = inputCostPerToken;
    if (outputCostPerToken !== undefined) price.output = outputCostPerToken;
    found = { key: found?.key ?? names.requested, price };
  }
  return found;
}

/** The reason a model has no price, naming the fixes. */
export function unpriced(model: string): { total: null; reason: string } {
  const fineTune = fineTuneKey(model)?.replace(/^[^/]+\//, '');
  const where = `in the bundled table (${PRICE_TABLE_SOURCE.file} of ${PRICE_TABLE_SOURCE.date})`;
  // A fine-tune is priced by its base's entry: registering that prices every fine-tune of it.
  const missing =
    fineTune === undefined
      ? `no price for "${model}" ${where}.`
      : `no price for "${model}": a fine-tune is priced by its base model's "${fineTune}" entry, and there is none ${where}.`;
  const name = fineTune ?? model;
  return {
    total: null,
    reason: `${missing} Register it with registerModel({ "${name}": { inputCostPerToken, outputCostPerToken } }), or pass inputCostPerToken and outputCostPerToken to the call.`,
  };
}

function stripProvider(model: string, provider: string | undefined): string | undefined {
  if (provider && model.startsWith(`${provider}/`)) return model.slice(provider.length + 1);
  const slash = model.indexOf('/');
  return slash > 0 ? model.slice(slash + 1) : undefined;
}

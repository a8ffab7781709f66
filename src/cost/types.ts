/** Prices for requests whose prompt exceeds `above` tokens: the whole request is billed at them. */
export interface PriceTier {
  /** The prompt size, in tokens, above which this tier applies. */
  above: number;
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
  cacheWrite1h?: number;
}

/** Prices of an OpenAI service tier (`service_tier: 'priority' | 'flex'` in the response). */
export interface ServiceTierPrice {
  input?: number;
  output?: number;
  cacheRead?: number;
}

/**
 * A model's prices, in US dollars per token. A missing cache or reasoning price falls back to
 * the input or output price, as providers bill them.
 */
export interface ModelPrice {
  /** The provider the entry belongs to (`openai`, `anthropic`, `gemini`, `azure`, ...). */
  provider?: string;
  /** Each prompt token not read from or written to the provider's prompt cache. */
  input?: number;
  /** Each generated token (reasoning tokens too, unless `reasoning` is set). */
  output?: number;
  /** Each prompt token served from the prompt cache. */
  cacheRead?: number;
  /** Each prompt token written to the prompt cache (Anthropic's 5-minute cache). */
  cacheWrite?: number;
  /** Each prompt token written to Anthropic's 1-hour cache. */
  cacheWrite1h?: number;
  /** Each hidden reasoning token, where the provider bills them apart from output. */
  reasoning?: number;
  /** The context window for the prompt. */
  maxInput?: number;
  /** Long-context prices, ascending by threshold. */
  tiers?: readonly PriceTier[];
  priority?: ServiceTierPrice;
  flex?: ServiceTierPrice;
}

/**
 * Usage as every cost rule sees it, whatever the provider reported. `promptTokens` counts
 * every prompt token, cached and cache-written ones included; `completionTokens` every
 * generated token, reasoning included.
 */
export interface NormalizedUsage {
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  /** Tokens written to a 5-minute (or unspecified) prompt cache. */
  cacheWriteTokens: number;
  /** Tokens written to Anthropic's 1-hour prompt cache. */
  cacheWrite1hTokens: number;
  reasoningTokens: number;
}

/** What a call's tokens cost, in US dollars, part by part. */
export interface CostBreakdown {
  /** The sum of the parts. */
  total: number;
  /** Prompt tokens billed at the input price. */
  input: number;
  /** Prompt tokens read from the prompt cache. */
  cachedInput: number;
  /** Prompt tokens written to the prompt cache. */
  cacheWrite: number;
  /** Generated tokens other than reasoning. */
  output: number;
  /** Reasoning tokens. */
  reasoning: number;
  /** The price entry used (`gpt-4o`, `gemini/gemini-2.5-pro`, or a registered name). */
  priceKey: string;
  /** The long-context threshold applied, if the prompt passed one. */
  tierAbove: number | null;
  /** The OpenAI service tier priced, if not the default. */
  serviceTier: 'priority' | 'flex' | null;
  usage: NormalizedUsage;
}

/** A call that could not be priced: `total` is null, never a silent 0, and `reason` says why. */
export interface Unpriced {
  total: null;
  reason: string;
}

/** The result of `completionCost()`. */
export type CostResult = CostBreakdown | Unpriced;

/** The cost of one call, as the cost layer sets it on `ctx.cost`. */
export interface CallCost {
  /** US dollars the call cost: 0 for a cache hit; null when it could not be priced. */
  total: number | null;
  /** US dollars a cache hit saved; null otherwise. */
  saved: number | null;
  /**
   * True when usage was estimated because the provider sent none: gpt-tokenizer's o200k_base
   * counts where it is installed, four characters a token otherwise.
   */
  estimated: boolean;
  /** The priced usage; for a cache hit, what the call would have cost. */
  breakdown: CostBreakdown | null;
  /** Why `total` is null. */
  reason: string | null;
}

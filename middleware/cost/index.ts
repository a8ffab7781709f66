import { type Middleware, PriceBook, type PriceInput, priceCall } from '../../src/kit/index.js';

/** Options of {@link cost}. */
export interface CostLayerOptions {
  /** The prices to use: a client's book (its `registerModel()` entries over the bundled table). @default a book of its own */
  prices?: PriceBook;
  /** Extra prices for this layer, LiteLLM entries or camelCase names. */
  pricing?: Record<string, PriceInput>;
  /** Where the one warning per unpriced model goes. @default console.warn */
  warn?: (message: string) => void;
}

/**
 * Prices every call when it ends (after the last chunk for streams) and sets `ctx.cost`,
 * which `kwargs.response_cost` and the call record read. A cache hit costs 0 and records
 * what it saved; a model with no price gets `null` and one warning, and the call succeeds.
 *
 * @example
 * const client = createClient({ middleware: [cost({ pricing: { 'acme/llm': { inputCostPerToken: 1e-6, outputCostPerToken: 2e-6 } } })] });
 */
export function cost(options: CostLayerOptions = {}): Middleware {
  const prices = options.prices ?? new PriceBook();
  if (options.pricing) prices.register(options.pricing);
  const warn = options.warn ?? ((message: string) => console.warn(message));
  const warned = new Set<string>();
  // A plain function: it registers its end listener and hands on, with no promise of its own.
  return function cost(ctx, next) {
    ctx.onEnd(() => {
      const priced = priceCall(ctx, prices);
      ctx.cost = priced.cost;
      const model = priced.unpricedModel;
      if (model !== undefined && !warned.has(model)) {
        warned.add(model);
        warn(`[shallot] ${priced.cost.reason} Its response_cost is null until then.`);
      }
    });
    return next();
  };
}

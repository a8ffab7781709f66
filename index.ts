/**
 * shallot: every LLM call (completions and embeddings) runs through a Koa-style onion of middleware.
 *
 * This file is the composition root: it assembles the default client from the core in
 * `src/` and the built-in middleware in `middleware/`, and is the package's public face.
 */
import { cache } from './middleware/cache/index.js';
import { callbacks } from './middleware/callbacks/index.js';
import { cost } from './middleware/cost/index.js';
import { resilience } from './middleware/resilience/index.js';
import { Client } from './src/client/client.js';
import type { ClientOptions } from './src/client/options.js';

export { MemoryStore, type MemoryStoreOptions } from './src/cache/memory-store.js';
export type { Client, FlushOptions } from './src/client/client.js';
export type {
  CallbackErrorHandler,
  CallbackErrorInfo,
  ClientOptions,
  RetrySettings,
} from './src/client/options.js';
export type {
  CompletionOptions,
  CompletionParams,
  EmbeddingOptions,
  EmbeddingParams,
  EmbeddingRequestParams,
  StreamingParams,
} from './src/client/params.js';
export {
  type CostInput,
  type CostOptions,
  completionCost,
  type PriceOverrides,
} from './src/cost/completion-cost.js';
export { PRICE_TABLE_SOURCE } from './src/cost/price-table.generated.js';
export type { CostResult, ModelPrice, PriceTier, Unpriced } from './src/cost/types.js';
// The middleware kit: the types, the errors, the caches, callbacks and sinks, and what a
// layer needs to answer a call, run attempts, mask secrets and build records.
export * from './src/kit/index.js';
export { setDefaultRedaction } from './src/record/redact.js';
export { maskHeaders, maskSecret } from './src/secrets/mask.js';
export { CompletionStream } from './src/stream/completion-stream.js';
export { MAX_PARAMETER_DEPTH } from './src/validation/json-params.js';

/**
 * Creates a client with its own middleware, providers and callback arrays. Its chain is: the
 * `middleware` given here and added with `use()`, then per-call middleware, then the
 * built-in layers (the callback arrays, cost, the cache, then resilience), then the attempt chain.
 *
 * @example
 * const client = createClient({ middleware: [logRequests], providers: { openai: { apiKey } } });
 * client.successCallback.push((kwargs) => console.log(kwargs.model, kwargs.response_cost));
 */
export function createClient(options?: ClientOptions): Client {
  return new Client(options, (client, checked) => [
    callbacks(client),
    cost({ prices: client.prices }),
    cache({ cache: () => client.cache }),
    resilience({ numRetries: checked.numRetries, ...checked.retry }),
  ]);
}

/**
 * The ready-made client, as `litellm` is in Python: `await shallot.completion({...})`.
 *
 * @example
 * import shallot from 'shallot';
 * const answer = await shallot.completion({ model: 'openai/gpt-4o-mini', messages, mockResponse: 'Hi!' });
 */
const shallot = createClient();
export default shallot;

/**
 * The ready-made client's calls, for LiteLLM's habit of `from litellm import completion`:
 * `import { completion } from 'shallot'`. Each is bound to the default client, whose
 * callback arrays, cache and layers it uses (`shallot.successCallback`, `shallot.cache`).
 *
 * @example
 * import { completion, embedding } from 'shallot';
 * const answer = await completion({ model: 'openai/gpt-4o-mini', messages, mockResponse: 'Hi!' });
 */
export const { completion, embedding, flush, shutdown, registerModel } = shallot;

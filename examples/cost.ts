/**
 * Cost: the built-in cost layer prices every call from the bundled price table (no network),
 * `completionCost()` prices any usage you have, and prices of your own go per client or per call.
 */
import { type CallbackKwargs, completionCost, createClient, PRICE_TABLE_SOURCE } from 'shallot';

console.log(
  `bundled prices: ${PRICE_TABLE_SOURCE.models} models, from ${PRICE_TABLE_SOURCE.file} of ${PRICE_TABLE_SOURCE.date}`,
);

// A pure function: a model and its usage (any provider's shape), or a whole chat.completion.
const sonnet = completionCost({
  model: 'anthropic/claude-sonnet-4-5',
  usage: { input_tokens: 1_000, cache_read_input_tokens: 20_000, output_tokens: 500 },
});
if (sonnet.total !== null) {
  console.log(
    `claude-sonnet-4-5: $${sonnet.total.toFixed(6)} (input $${sonnet.input.toFixed(6)}, cache reads $${sonnet.cachedInput.toFixed(6)}, output $${sonnet.output.toFixed(6)})`,
  );
}
const unknown = completionCost({
  model: 'acme/llm-1',
  usage: { prompt_tokens: 10, completion_tokens: 10 },
});
console.log(
  `acme/llm-1: ${unknown.total} (${unknown.total === null ? unknown.reason.slice(0, 38) : ''}...)`,
);

// Every call through a client is priced when it ends: ctx.cost, kwargs.response_cost, the record.
const client = createClient({
  pricing: { 'acme/llm-1': { inputCostPerToken: 1e-6, outputCostPerToken: 3e-6 } },
});
client.successCallback = [
  (kwargs: CallbackKwargs) =>
    console.log(`${kwargs.model}: response_cost ${kwargs.response_cost?.toFixed(6)}`),
];
const messages = [{ role: 'user' as const, content: 'Price this, please.' }];
await client.completion({ model: 'gpt-4o-mini', messages, mockResponse: 'Priced.' });
await client.completion({ model: 'acme/llm-1', messages, mockResponse: 'Priced by the client.' });
client.registerModel({ 'acme/llm-2': { input_cost_per_token: 2e-6, output_cost_per_token: 4e-6 } });
await client.completion({ model: 'acme/llm-2', messages, mockResponse: 'Registered later.' });
await client.completion({
  model: 'gpt-4o-mini',
  messages,
  mockResponse: 'At a price of my own.',
  outputCostPerToken: 1e-5,
});
await client.flush();

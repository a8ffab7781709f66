/**
 * LiteLLM docs, "Custom Callback to track costs for Streaming + Non-Streaming":
 * `kwargs.response_cost` on every success event.
 */
import shallot, { type CallbackKwargs } from 'shallot';

// Step 1. Write your custom callback function
function trackCostCallback(kwargs: CallbackKwargs) {
  const responseCost = kwargs.response_cost; // null until a cost layer prices the call
  console.log(`${kwargs.stream ? 'streamed' : 'regular'} response_cost`, responseCost);
}

// Step 2. Assign the custom callback function
shallot.successCallback = [trackCostCallback];

// Step 3. Make completion calls
const messages = [{ role: 'user' as const, content: "Hi 👋 - i'm openai" }];
await shallot.completion({ model: 'gpt-3.5-turbo', messages, mockResponse: 'Hello there!' });
const stream = await shallot.completion({
  model: 'gpt-3.5-turbo',
  messages,
  mockResponse: 'Hello there!',
  stream: true,
});
for await (const _chunk of stream) {
  // read to the end: the success event comes after the last chunk
}
await shallot.flush();

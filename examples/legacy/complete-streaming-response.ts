/**
 * LiteLLM docs, "Get complete streaming response": the success event of a stream carries
 * the assembled answer in `kwargs.complete_streaming_response`.
 */
import shallot, { type CallbackKwargs } from 'shallot';

function customCallback(kwargs: CallbackKwargs) {
  if ('complete_streaming_response' in kwargs) {
    console.log(
      `Complete Streaming Response: ${JSON.stringify(kwargs.complete_streaming_response?.choices[0]?.message)}`,
    );
  }
}

// Assign the custom callback function
shallot.successCallback = [customCallback];

const messages = [{ role: 'user' as const, content: 'Tell me about onions' }];
const response = await shallot.completion({
  model: 'claude-haiku-4-5', // LiteLLM's page says claude-instant-1, long retired
  messages,
  stream: true,
  mockResponse: 'Onions grow in layers.',
});
for await (const [index, chunk] of enumerate(response)) {
  console.log(index, JSON.stringify(chunk.choices[0]?.delta ?? {}));
}
await shallot.flush();

async function* enumerate<T>(items: AsyncIterable<T>): AsyncGenerator<[number, T]> {
  let index = 0;
  for await (const item of items) yield [index++, item];
}

/**
 * Code written for the `openai` package, running on shallot's onion: the only change is the
 * import (`shallot/openai` instead of `openai`). Every call goes through the shallot client:
 * its callbacks see it, its cost layer prices it, metadata reaches them; errors are openai's
 * classes, with shallot's error as `cause`. Runs against a local echo server: no key, no network.
 */
import { type CallbackKwargs, createClient } from 'shallot';
import OpenAI from 'shallot/openai';
import { startEchoServer } from './support/echo-server.js';

const server = await startEchoServer();
const client = createClient({
  providers: { local: { apiBase: server.url } },
  pricing: {
    'local/echo-1': { inputCostPerToken: 1e-6, outputCostPerToken: 2e-6 },
    'local/letters': { inputCostPerToken: 1e-6, outputCostPerToken: 0 },
  },
});
const logged = (kwargs: CallbackKwargs) => {
  const user = kwargs.litellm_params.metadata.user ?? '-';
  const outcome = kwargs.exception ? kwargs.exception.name : `$${kwargs.response_cost?.toFixed(6)}`;
  console.log(`   ⤷ ${kwargs.call_type} ${kwargs.model} for ${user}: ${outcome}`);
};
client.successCallback.push(logged);
client.failureCallback.push(logged);

// From here on, this is openai-node code.
const openai = new OpenAI({ client, maxRetries: 0 });

console.log('1. chat.completions.create, with metadata for the callbacks:');
const completion = await openai.chat.completions.create(
  { model: 'local/echo-1', messages: [{ role: 'user', content: 'Hello, onion!' }] },
  { metadata: { user: 'alice' } },
);
console.log(`   ${completion.choices[0]?.message.content}`);
await client.flush();

console.log('2. A stream, read with for await:');
const stream = await openai.chat.completions.create({
  model: 'local/echo-1',
  messages: [{ role: 'user', content: 'Stream me, layer by layer' }],
  stream: true,
});
let text = '';
for await (const chunk of stream) text += chunk.choices[0]?.delta?.content || '';
console.log(`   ${text}`);
await client.flush();

console.log('3. The stream() helper: content events, then the whole answer:');
const helper = openai.chat.completions.stream({
  model: 'local/echo-1',
  messages: [{ role: 'user', content: 'one two three' }],
  stream_options: { include_usage: true },
});
const deltas: string[] = [];
helper.on('content', (delta) => deltas.push(delta));
const final = await helper.finalChatCompletion();
console.log(`   deltas ${JSON.stringify(deltas)}; usage ${final.usage?.total_tokens} tokens`);
await client.flush();

console.log('4. Errors are openai-node classes, with shallot’s error as cause:');
try {
  await openai.chat.completions.create({
    model: 'local/echo-1',
    messages: [{ role: 'user', content: 'please fail' }],
  });
} catch (err) {
  if (!(err instanceof OpenAI.APIError)) throw err;
  const cause = err.cause as { code: string; retryAfterMs?: number };
  console.log(
    `   ${err.name} ${err.status} ${err.code}; shallot: ${cause.code}, retry after ${cause.retryAfterMs} ms`,
  );
}
await client.flush();

console.log('5. What shallot refuses is refused before any request, as a 400:');
try {
  await openai.chat.completions.create({
    model: 'local/echo-1',
    messages: [{ role: 'robot', content: 'beep' }],
  } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming);
} catch (err) {
  if (!(err instanceof OpenAI.BadRequestError)) throw err;
  console.log(`   ${err.name} ${err.status}, param ${err.param}`);
}

console.log('6. Embeddings:');
const embedded = await openai.embeddings.create({
  model: 'local/letters',
  input: ['a shallot', 'an onion'],
});
console.log(`   ${embedded.data.length} vectors of ${embedded.data[0]?.embedding.length} numbers`);
await client.flush();
await server.close();

/**
 * Retries, fallbacks and timeouts against a local server that fails on purpose. On it,
 * gpt-4o-mini is overloaded for its first two requests, gpt-4o and gpt-4.1 are always down,
 * gpt-3.5-turbo's context window is too small, and gpt-5-mini's first stream stalls before
 * its first chunk. The callbacks print every attempt.
 */
import { AbortError, AllFallbacksFailedError, type CallbackKwargs, createClient } from 'shallot';
import { type EchoFault, startEchoServer } from './support/echo-server.js';

const overloaded: EchoFault = { status: 503, code: 'overloaded', message: 'The server is busy.' };
const server = await startEchoServer({
  fault: ({ model, count }) => {
    if (model === 'gpt-4o-mini' && count <= 2) return overloaded;
    if (model === 'gpt-4o' || model === 'gpt-4.1') return overloaded;
    if (model === 'gpt-3.5-turbo') {
      return { status: 400, code: 'context_length_exceeded', message: 'Too many tokens.' };
    }
    if (model === 'gpt-5-mini' && count === 1) return 'stall';
    return undefined;
  },
});

const client = createClient({
  providers: { openai: { apiKey: 'sk-local-demo-key', apiBase: server.url } },
  numRetries: 2, // LiteLLM's default is 0: retries are opt-in
  retry: { baseDelayMs: 50, jitter: 0 }, // short waits for the demo; the default is 500 ms
});
const attempt = (kwargs: CallbackKwargs) => `attempt ${kwargs.attempt} ${kwargs.model}`;
client.inputCallback = [(kwargs: CallbackKwargs) => console.log(`  pre     ${attempt(kwargs)}`)];
client.failureCallback = [
  (kwargs: CallbackKwargs) =>
    console.log(
      `  failure ${attempt(kwargs)}: ${kwargs.exception?.name}${kwargs.will_retry ? ' (another attempt follows)' : ''}`,
    ),
];
client.successCallback = [
  (kwargs: CallbackKwargs) =>
    console.log(`  success ${attempt(kwargs)}, $${kwargs.response_cost?.toFixed(6)}`),
];
const messages = [{ role: 'user' as const, content: 'Are you there?' }];

console.log('1. An overloaded model, retried with backoff (50 ms, then 100 ms)');
let answer = await client.completion({ model: 'openai/gpt-4o-mini', messages });
await client.flush();
console.log(`  → ${answer.choices[0]?.message.content}`);

console.log('2. A model that stays down, then a fallback');
answer = await client.completion({
  model: 'openai/gpt-4o',
  messages,
  numRetries: 0,
  fallbacks: ['openai/gpt-4.1-mini'],
});
await client.flush();
console.log(`  → ${answer.model}: ${answer.choices[0]?.message.content}`);

console.log('3. A context window too small: only the contextWindow list applies');
answer = await client.completion({
  model: 'openai/gpt-3.5-turbo',
  messages,
  fallbacks: { contextWindow: ['openai/gpt-4.1-nano'], default: ['openai/gpt-4.1-mini'] },
});
await client.flush();
console.log(`  → ${answer.model}`);

console.log('4. A stream that stalls before its first chunk: retried, same stream object');
const stream = await client.completion({
  model: 'openai/gpt-5-mini',
  messages,
  stream: true,
  firstChunkTimeout: 200,
});
let text = '';
for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
await client.flush();
console.log(`  → ${text}`);

console.log('5. Every model down');
try {
  await client.completion({
    model: 'openai/gpt-4o',
    messages,
    numRetries: 1,
    fallbacks: ['openai/gpt-4.1'],
  });
} catch (error) {
  if (!(error instanceof AllFallbacksFailedError)) throw error;
  await client.flush();
  console.log(`  → ${error.name}: ${error.errors.length} attempts`);
  for (const each of error.errors) console.log(`    ${each.model}: ${each.name} ${each.status}`);
}

console.log('6. Cancelled while waiting to retry');
const controller = new AbortController();
client.failureCallback.push((kwargs: CallbackKwargs) => {
  if (kwargs.will_retry) controller.abort();
});
try {
  await client.completion({
    model: 'openai/gpt-4o',
    messages,
    signal: controller.signal,
    fallbacks: ['openai/gpt-4.1-mini'],
  });
} catch (error) {
  if (!(error instanceof AbortError)) throw error;
  await client.flush();
  console.log(`  → ${error.name}: no attempt after the cancel`);
}

await client.shutdown();
await server.close();

/**
 * `npm start`: a few calls through a visible onion, with no key and no network. Each layer
 * prints what it sees on the way in (→) and on the way out (←).
 */
import {
  Cache,
  type CallbackKwargs,
  type Context,
  createClient,
  formatUsd,
  type Middleware,
  ShallotError,
} from 'shallot';
import { recorder } from 'shallot/middleware/recorder';
import { startEchoServer } from './support/echo-server.js';

const indent = (depth: number) => '│ '.repeat(depth);
const say = (depth: number, text: string) => console.log(`${indent(depth)}${text}`);

/**
 * Outermost: times the call and reports how it ended. A plain call's outcome is final as soon
 * as `await next()` returns (the built-in layers ended the call: cost, status, cache status);
 * a stream's when its last chunk has passed, so for a stream it listens, on the way in.
 */
const timing: Middleware = async function timing(ctx, next) {
  say(0, `┌ timing     → ${ctx.request.model}${ctx.isStream ? ' (stream)' : ''}`);
  if (ctx.isStream) ctx.onEnd(() => reportEnd(ctx));
  try {
    await next();
  } finally {
    const outcome = ctx.stream
      ? 'stream handed to the caller'
      : ctx.response
        ? 'answer ready'
        : 'error';
    say(0, `└ timing     ← ${outcome}`);
    if (!ctx.isStream) reportEnd(ctx);
  }
};

function reportEnd(ctx: Context): void {
  const took = (ctx.timings.end ?? Date.now()) - ctx.timings.start;
  const tokens = ctx.usage?.total_tokens ?? 0;
  // ctx.cost is set by the built-in cost layer, inside this one, from the bundled prices.
  const cost = ctx.cost?.total == null ? 'unpriced' : formatUsd(ctx.cost.total);
  console.log(
    `${ctx.isStream ? '\n' : ''}  ⤷ ended: ${ctx.status}, ${tokens} tokens, ${cost}, ${took} ms${ctx.cacheStatus === 'hit' ? ', cache hit' : ''}${ctx.error ? `, ${ctx.error.name}` : ''}`,
  );
}

/** Changes the request on the way in, reads the answer on the way out. */
const guardrail: Middleware = async function guardrail(ctx, next) {
  if (ctx.kind !== 'completion') return next(); // a chat-only layer
  ctx.request.messages.unshift({ role: 'system', content: 'Answer in one short sentence.' });
  say(1, `┌ guardrail  → added a system prompt (${ctx.request.messages.length} messages now)`);
  await next();
  const finish = ctx.response?.choices[0]?.finish_reason ?? 'streaming';
  say(1, `└ guardrail  ← finish_reason: ${finish}`);
};

/** An attempt layer: sees the exact HTTP request the provider gets. */
const wire: Middleware = async function wire(ctx, next) {
  const request = ctx.providerRequest;
  const where = ctx.options.mockResponse === undefined ? request?.url : 'mockResponse (no network)';
  say(
    2,
    `┌ attempt ${ctx.attempt} → POST ${where}  body: ${Object.keys(request?.body ?? {}).join(', ')}`,
  );
  try {
    await next();
    say(2, `└ attempt ${ctx.attempt} ← ${ctx.providerResponse?.status ?? '?'}`);
  } catch (error) {
    say(2, `└ attempt ${ctx.attempt} ← ${(error as Error).name}`);
    throw error;
  }
};

const server = await startEchoServer();
const calls = recorder();
const client = createClient({
  middleware: [timing, guardrail, calls],
  attemptMiddleware: [wire],
  providers: { local: { apiBase: server.url } },
  // A local model costs nothing; say so, or its response_cost is null (with one warning).
  pricing: { 'local/echo-1': { inputCostPerToken: 0, outputCostPerToken: 0 } },
});
const question = (content: string) => [{ role: 'user' as const, content }];
client.cache = new Cache(); // in memory: repeated questions are answered for free

// The LiteLLM way: callback arrays, fired after the caller has its answer.
client.successCallback.push((kwargs: CallbackKwargs) => {
  console.log(
    `  ⤷ successCallback: ${kwargs.model}, ${kwargs.standard_logging_object?.usage?.total_tokens} tokens`,
  );
});
client.failureCallback.push((kwargs: CallbackKwargs) => {
  console.log(`  ⤷ failureCallback: ${kwargs.exception?.name}`);
});

console.log(
  'shallot demo: every call runs through timing → guardrail → recorder → callbacks → cost → cache → attempt → transport\n',
);

console.log('1. A mocked call (mockResponse): the whole chain runs, no network');
const mocked = await client.completion({
  model: 'openai/gpt-4o-mini',
  messages: question('What is shallot?'),
  mockResponse: 'A TypeScript LLM client built as an onion of middleware.',
});
console.log(`  answer: ${mocked.choices[0]?.message.content}`);
await client.flush();
console.log('');

console.log('2. A real HTTP call to a local OpenAI-compatible server (127.0.0.1)');
const echoed = await client.completion({
  model: 'local/echo-1',
  messages: question('Hello, onion!'),
});
console.log(`  answer: ${echoed.choices[0]?.message.content}`);
await client.flush();
console.log('');

console.log('3. A streamed call: the layers unwind when the head arrives, chunks flow after');
const stream = await client.completion({
  model: 'local/echo-1',
  messages: question('Stream me, layer by layer'),
  stream: true,
});
process.stdout.write('  chunks: ');
for await (const chunk of stream)
  process.stdout.write(`[${chunk.choices[0]?.delta.content ?? '∅'}]`);
await client.flush();
console.log('');

console.log('4. A failing call: the provider answers 429, shallot raises a typed error');
try {
  await client.completion({ model: 'local/echo-1', messages: question('please fail') });
} catch (error) {
  if (!(error instanceof ShallotError)) throw error;
  console.log(
    `  ${error.name} (retryable: ${error.retryable}, retry after ${error.retryAfterMs} ms)`,
  );
  console.log(`  ${error.message}`);
}
await client.flush();
console.log('');

console.log('5. Question 2 again: the cache answers, the transport is never reached');
const cached = await client.completion({
  model: 'local/echo-1',
  messages: question('Hello, onion!'),
});
console.log(`  answer: ${cached.choices[0]?.message.content}`);
await client.flush();
console.log('');

console.log('The recorder middleware saw:');
for (const call of calls.calls) {
  const content =
    (call.kind === 'completion' ? call.response?.choices[0]?.message.content : undefined) ??
    call.error?.name;
  console.log(
    `  ${call.status.padEnd(7)} ${call.model.padEnd(18)} stream=${String(call.stream).padEnd(5)} chunks=${call.chunks}  ${content}`,
  );
}
await server.close();

/**
 * Way 1: compose middleware in code. Client layers, a per-call layer, an attempt layer, and
 * a layer that answers by itself without calling next().
 */
import { createClient, type Middleware } from 'shallot';
import { answer } from 'shallot/kit';
import { startEchoServer } from './support/echo-server.js';

const server = await startEchoServer();

/** Adds a default temperature unless the caller chose one. */
const defaults: Middleware = async function defaults(ctx, next) {
  ctx.request.temperature ??= 0.2;
  await next();
};

/**
 * Keeps answers for identical questions in memory, and answers with `answer()` from the kit
 * (a plain call gets the answer, a stream its chunks). A toy: shallot's cache layer, and
 * examples/custom-cache.ts, replay streams chunk for chunk.
 */
const answers = new Map<string, string>();
const memo: Middleware = async function memo(ctx, next) {
  // A chat-only layer: an embedding call (ctx.kind === 'embedding') passes through.
  if (ctx.kind !== 'completion') return next();
  const key = JSON.stringify(ctx.request.messages);
  const known = answers.get(key);
  if (known !== undefined) {
    const message = { role: 'assistant' as const, content: known };
    const choices = [{ index: 0, message, finish_reason: 'stop' as const }];
    answer(ctx, { id: 'memo', object: 'chat.completion', created: 0, model: 'memo', choices });
    return; // no next(): the provider is never called
  }
  await next();
  const content = ctx.response?.choices[0]?.message.content;
  if (content) answers.set(key, content);
};

/** Runs once per attempt, right before the transport: signs the exact request. */
const signature: Middleware = async function signature(ctx, next) {
  if (ctx.providerRequest)
    ctx.providerRequest.headers['x-signature'] = `sig-${ctx.callId.slice(0, 8)}`;
  await next();
};

const client = createClient({
  middleware: [defaults, memo],
  attemptMiddleware: [signature],
  providers: { local: { apiBase: server.url } },
  // A local model costs nothing; say so, or its response_cost is null (with one warning).
  pricing: { 'local/echo-1': { inputCostPerToken: 0, outputCostPerToken: 0 } },
});

// client.use() appends a layer inside the others.
client.use(async function trace(ctx, next) {
  if (ctx.kind !== 'completion') return next();
  console.log(`→ ${ctx.request.model} temperature=${ctx.request.temperature}`);
  await next();
  console.log(`← ${ctx.response?.id} (${ctx.response ? 'answered' : 'no answer'})`);
});

const messages = [{ role: 'user' as const, content: 'What is an onion?' }];
const first = await client.completion({ model: 'local/echo-1', messages });
console.log('first:', first.choices[0]?.message.content);

const second = await client.completion({ model: 'local/echo-1', messages });
console.log('second (from memo):', second.choices[0]?.message.content, `id=${second.id}`);

// Middleware for one call only runs inside the client's.
const perCall: Middleware = async (ctx, next) => {
  ctx.metadata.requestedBy = 'per-call layer';
  await next();
};
const third = await client.completion({
  model: 'local/echo-1',
  messages: [{ role: 'user', content: 'And a shallot?' }],
  middleware: [perCall],
  temperature: 1,
});
console.log('third:', third.choices[0]?.message.content);
await server.close();

/**
 * A caching layer of your own, written with the public middleware kit (`shallot/kit`) only:
 * it answers a repeated request from memory, and replays a stream chunk for chunk. The
 * layers around it (here LiteLLM-style callbacks, and a listener that counts chunks) run on a
 * replayed answer as on any other.
 */
import { createClient } from 'shallot';
import {
  answer,
  answerWithChunks,
  type CallbackKwargs,
  type ChatCompletion,
  type ChatCompletionChunk,
  type Middleware,
  optionError,
} from 'shallot/kit';
import { callbacks } from 'shallot/middleware/callbacks';
import { startEchoServer } from './support/echo-server.js';

interface Entry {
  response: ChatCompletion;
  /** The stream's chunks as they arrived, when the answer was streamed. */
  chunks: ChatCompletionChunk[] | undefined;
}

/** Remembers up to `maxEntries` answers, keyed by model and messages. */
function tinyCache(options: { maxEntries?: number } = {}): Middleware {
  const maxEntries = options.maxEntries ?? 100;
  if (!(Number.isInteger(maxEntries) && maxEntries > 0)) {
    throw optionError('tinyCache', 'maxEntries', 'a positive whole number', maxEntries);
  }
  const entries = new Map<string, Entry>();
  return async function tinyCache(ctx, next) {
    if (ctx.kind !== 'completion') return next(); // completions only
    const key = JSON.stringify([ctx.request.model, ctx.request.messages]);
    const hit = entries.get(key);
    if (hit !== undefined) {
      ctx.cacheStatus = 'hit';
      // A stream gets the stored chunks back; a plain call the stored answer. No next().
      if (ctx.isStream && hit.chunks !== undefined) return answerWithChunks(ctx, hit.chunks);
      return answer(ctx, hit.response);
    }
    ctx.cacheStatus = 'miss';
    const chunks: ChatCompletionChunk[] | undefined = ctx.isStream ? [] : undefined;
    // Listen on the way in: chunk and end listeners run innermost-first.
    if (chunks !== undefined) ctx.onChunk((chunk) => chunks.push(chunk));
    ctx.onEnd(() => {
      if (ctx.status !== 'success' || ctx.response === undefined) return;
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
      entries.set(key, { response: ctx.response, chunks });
    });
    await next();
  };
}

const server = await startEchoServer();
let requests = 0;
const events: string[] = [];
const client = createClient({
  middleware: [
    // Outside the cache: these callbacks see every call, answered from memory or not.
    callbacks({
      successCallback: [
        (kwargs: CallbackKwargs) => events.push(`success, cache_hit: ${kwargs.cache_hit}`),
      ],
    }),
    async function chunkCounter(ctx, next) {
      let count = 0;
      ctx.onChunk(() => count++);
      ctx.onEnd(() => {
        if (ctx.isStream) events.push(`${count} chunks`);
      });
      await next();
    },
    tinyCache(),
  ],
  // Runs only when a request really goes to the server.
  attemptMiddleware: [
    async (_ctx, next) => {
      requests++;
      await next();
    },
  ],
  providers: { local: { apiBase: server.url } },
  pricing: { 'local/echo-1': { inputCostPerToken: 0, outputCostPerToken: 0 } },
});

const messages = [{ role: 'user' as const, content: 'Stream me twice' }];
const read = async () => {
  const pieces: string[] = [];
  const stream = await client.completion({ model: 'local/echo-1', messages, stream: true });
  for await (const chunk of stream) pieces.push(chunk.choices[0]?.delta.content ?? '∅');
  return pieces;
};

const first = await read();
const second = await read();
const plain = await client.completion({ model: 'local/echo-1', messages });
await client.flush();
console.log(`first stream:  ${first.join('|')}`);
console.log(`second stream: ${second.join('|')}`);
console.log(`replayed chunk for chunk: ${JSON.stringify(first) === JSON.stringify(second)}`);
console.log(`plain call from the stored stream: ${plain.choices[0]?.message.content}`);
console.log(`requests to the server: ${requests}`);
for (const event of events) console.log(`  ${event}`);
await server.close();

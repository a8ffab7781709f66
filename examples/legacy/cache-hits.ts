/**
 * LiteLLM docs, "Cache hits": `kwargs.cache_hit` on success events. Two identical calls give
 * four events: pre, post, success, success, the second with cache_hit true.
 *
 * shallot's cache layer is the next piece of work (`shallot.cache = new Cache(...)`); until
 * then this example stacks a small in-memory cache inside the callbacks layer, which is where
 * the built-in cache will sit.
 */
import { type CallbackKwargs, CustomLogger, createClient, type Middleware } from 'shallot';
import { callbacks } from 'shallot/middleware/callbacks';
import { startEchoServer } from '../support/echo-server.js';

class MyCustomHandler extends CustomLogger {
  readonly states: string[] = [];
  readonly errors: string[] = [];

  override async asyncLogPreApiCall() {
    this.states.push('pre');
  }

  override logPostApiCall() {
    this.states.push('post');
  }

  override async asyncLogSuccessEvent(kwargs: CallbackKwargs) {
    this.states.push('success');
    console.log('On Success');
    console.log(`Value of Cache hit: ${kwargs.cache_hit}`);
  }
}

/** Answers a repeated request from memory. */
const answers = new Map<string, unknown>();
const memoryCache: Middleware = async function memoryCache(ctx, next) {
  const key = JSON.stringify([ctx.request.model, ctx.request.messages]);
  const hit = answers.get(key);
  if (hit) {
    ctx.cacheStatus = 'hit';
    ctx.response = structuredClone(hit) as typeof ctx.response;
    return;
  }
  ctx.cacheStatus = 'miss';
  await next();
  answers.set(key, structuredClone(ctx.response));
};

const server = await startEchoServer();
const customHandlerCaching = new MyCustomHandler();
const client = createClient({
  middleware: [callbacks({ callbacks: [customHandlerCaching] }), memoryCache],
});

const uniqueTime = Date.now();
const request = {
  model: 'gpt-4o-mini',
  messages: [{ role: 'user' as const, content: `Hi 👋 - i'm async azure ${uniqueTime}` }],
  apiBase: server.url,
};
await client.completion(request);
await client.flush();
console.log(`customHandler_caching.states pre-cache hit: ${customHandlerCaching.states}`);
await client.completion(request);
await client.flush(); // success callbacks are done off the hot path
console.log(`customHandler_caching.states post-cache hit: ${customHandlerCaching.states}`);
console.assert(customHandlerCaching.errors.length === 0);
console.assert(customHandlerCaching.states.length === 4); // pre, post, success, success
await server.close();

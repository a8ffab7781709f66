/**
 * LiteLLM docs, "Cache hits": `kwargs.cache_hit` on success events, with a Redis cache. Two
 * identical calls give four events: pre, post, success, success, the second a cache hit.
 * Needs Redis (REDIS_HOST / REDIS_PORT / REDIS_PASSWORD, by default 127.0.0.1:6379).
 */
import shallot, { Cache, type CallbackKwargs, CustomLogger } from 'shallot';
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

const server = await startEchoServer();
const env = process.env;

async function testAsyncCompletionAzureCaching() {
  const customHandlerCaching = new MyCustomHandler();
  shallot.cache = new Cache({
    type: 'redis',
    host: env.REDIS_HOST,
    port: env.REDIS_PORT ? Number(env.REDIS_PORT) : undefined,
    password: env.REDIS_PASSWORD,
    ttl: 600, // not in LiteLLM's example: so that its entries do not pile up in Redis
  });
  shallot.callbacks = [customHandlerCaching];
  const uniqueTime = Date.now();
  const request = {
    model: 'gpt-4o-mini',
    messages: [{ role: 'user' as const, content: `Hi 👋 - i'm async azure ${uniqueTime}` }],
    apiBase: server.url, // a local OpenAI-compatible server stands in for Azure
  };
  await shallot.completion(request);
  await shallot.flush(); // success callbacks run off the hot path
  console.log(`customHandler_caching.states pre-cache hit: ${customHandlerCaching.states}`);
  await shallot.completion(request);
  await shallot.flush();
  console.log(`customHandler_caching.states post-cache hit: ${customHandlerCaching.states}`);
  console.assert(customHandlerCaching.errors.length === 0);
  console.assert(customHandlerCaching.states.length === 4); // pre, post, success, success
}

await testAsyncCompletionAzureCaching();
await shallot.shutdown(); // closes the Redis connection so the script can end
await server.close();

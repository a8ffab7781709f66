import {
  AbortError,
  type CallbackKwargs,
  createClient,
  type Middleware,
  RateLimitError,
} from 'shallot';
import { callbacks } from 'shallot/middleware/callbacks';
import { describe, expect, it, vi } from 'vitest';
import { ConformanceHandler } from '../../support/conformance-handler.js';
import { fixture, useFakeProvider } from '../../support/fake-provider.js';
import { collect } from '../../support/streams.js';

const messages = [{ role: 'user' as const, content: "Hi 👋 - i'm openai" }];

const fake = useFakeProvider();

function clientWith(handler: ConformanceHandler) {
  const client = createClient({
    providers: { openai: { apiKey: 'sk-test-key-123456', apiBase: fake.url } },
  });
  client.callbacks = [handler];
  return client;
}

describe('callback event sequences (LiteLLM’s conformance checklist)', () => {
  it('a plain call gives pre, post, success, with every kwargs key of the right type', async () => {
    fake.reply({ body: fixture('openai-chat.json') });
    const handler = new ConformanceHandler();
    const client = clientWith(handler);
    const answer = await client.completion({
      model: 'gpt-4.1-nano',
      messages,
      metadata: { hello: 'world' },
    });
    await client.flush();
    expect(handler.errors).toEqual([]);
    expect(handler.states).toEqual(['async_pre_api_call', 'post_api_call', 'async_success']);
    const success = handler.seen[2] as CallbackKwargs;
    expect(success.litellm_params.metadata).toEqual({ hello: 'world' });
    expect(success.original_response).toBe(fixture('openai-chat.json'));
    expect(success.standard_logging_object?.response).toEqual(answer);
    expect(success.standard_logging_object?.usage).toMatchObject({
      prompt_tokens: 16,
      completion_tokens: 363,
    });
  });

  it('a stream gives pre, post, one stream event per chunk, and one success after the last chunk with the complete response', async () => {
    fake.reply({ body: fixture('openai-chat-stream-usage.sse'), sliceBytes: 64 });
    const handler = new ConformanceHandler();
    const client = clientWith(handler);
    const stream = await client.completion({ model: 'gpt-4o', messages, stream: true });
    const chunks = await collect(stream);
    await client.flush();
    expect(handler.errors).toEqual([]);
    expect(handler.states).toEqual([
      'async_pre_api_call',
      'post_api_call',
      ...chunks.map(() => 'async_stream'),
      'async_success',
    ]);
    const success = handler.seen.at(-1) as CallbackKwargs;
    expect(success.complete_streaming_response).toEqual(await stream.finalResponse());
    expect(success.complete_streaming_response?.choices[0]?.message.content).toContain(
      "I'm unable to provide",
    );
  });

  it('a failed call gives pre, post, failure, with the typed error and its traceback', async () => {
    fake.reply({ status: 429, body: fixture('openai-error-429-insufficient-quota.json') });
    const handler = new ConformanceHandler();
    const client = clientWith(handler);
    await expect(client.completion({ model: 'gpt-4o', messages })).rejects.toBeInstanceOf(
      RateLimitError,
    );
    await client.flush();
    expect(handler.errors).toEqual([]);
    expect(handler.states).toEqual(['async_pre_api_call', 'post_api_call', 'async_failure']);
    const failure = handler.seen[2] as CallbackKwargs;
    expect(failure.exception).toBeInstanceOf(RateLimitError);
    expect(failure.traceback_exception).toContain('RateLimitError');
    expect(failure.original_response).toBe(fixture('openai-error-429-insufficient-quota.json'));
  });

  it('a cache hit gives success only, with cache_hit true', async () => {
    const handler = new ConformanceHandler();
    const answers = new Map<string, unknown>();
    // A stand-in for the cache layer: it answers repeats itself, inside the callback layer.
    const memo: Middleware = async (ctx, next) => {
      const key = JSON.stringify(ctx.request.messages);
      const known = answers.get(key);
      if (known) {
        ctx.cacheStatus = 'hit';
        ctx.response = known as typeof ctx.response;
        return;
      }
      ctx.cacheStatus = 'miss';
      await next();
      answers.set(key, ctx.response);
    };
    fake.reply({ body: fixture('openai-chat.json') });
    const client = createClient({
      middleware: [callbacks({ callbacks: [handler] }), memo],
      providers: { openai: { apiKey: 'sk-test', apiBase: fake.url } },
    });
    await client.completion({ model: 'gpt-4.1-nano', messages });
    await client.completion({ model: 'gpt-4.1-nano', messages });
    await client.flush();
    expect(handler.errors).toEqual([]);
    expect(handler.states).toEqual([
      'async_pre_api_call',
      'post_api_call',
      'async_success',
      'async_success',
    ]);
    expect(handler.seen.map((kwargs) => kwargs.cache_hit)).toEqual([false, false, false, true]);
  });

  it('a stream the consumer abandons gives exactly one failure, with an AbortError', async () => {
    fake.reply({ body: fixture('openai-chat-stream-usage.sse'), holdOpen: true });
    const handler = new ConformanceHandler();
    const client = clientWith(handler);
    const stream = await client.completion({ model: 'gpt-4o', messages, stream: true });
    let read = 0;
    for await (const _chunk of stream) if (++read === 3) break;
    await client.flush();
    expect(handler.errors).toEqual([]);
    expect(handler.states).toEqual([
      'async_pre_api_call',
      'post_api_call',
      'async_stream',
      'async_stream',
      'async_stream',
      'async_failure',
    ]);
    expect(handler.seen.at(-1)?.exception).toBeInstanceOf(AbortError);
  });

  it('a call that fails before any attempt (no key) gives failure only', async () => {
    const handler = new ConformanceHandler();
    const client = createClient({ providers: { openai: { apiKey: undefined } } });
    client.callbacks = [handler];
    vi.stubEnv('OPENAI_API_KEY', '');
    await expect(client.completion({ model: 'gpt-4o', messages })).rejects.toThrow('no API key');
    vi.unstubAllEnvs();
    await client.flush();
    expect(handler.states).toEqual(['async_failure']);
  });
});

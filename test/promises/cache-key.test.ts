/**
 * The cache key (docs/cache.md, "The key"): the same request to another server is another
 * entry; the same request again, or with only what cannot change the answer changed, is a hit.
 */
import { Cache, type Client, type Context, createClient } from 'shallot';
import { canonicalJson } from 'shallot/kit';
import { afterAll, describe, expect, it } from 'vitest';
import { useFakeProvider } from '../support/fake-provider.js';
import { collect } from '../support/streams.js';

const messages = [{ role: 'user' as const, content: 'Which server answers?' }];

const first = useFakeProvider();
const second = useFakeProvider();

/** A chat.completion saying `text`. */
function answer(text: string): string {
  return JSON.stringify({
    id: `chatcmpl-${text}`,
    object: 'chat.completion',
    created: 1,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
  });
}

/** An SSE stream saying `text`. */
function streamed(text: string): string {
  const chunk = (delta: object, finish: string | null) =>
    `data: ${JSON.stringify({
      id: `chatcmpl-${text}`,
      object: 'chat.completion.chunk',
      created: 1,
      model: 'gpt-4o-mini',
      choices: [{ index: 0, delta, finish_reason: finish }],
    })}\n\n`;
  const usage = `data: ${JSON.stringify({
    id: `chatcmpl-${text}`,
    object: 'chat.completion.chunk',
    created: 1,
    model: 'gpt-4o-mini',
    choices: [],
    usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
  })}\n\n`;
  return `${chunk({ role: 'assistant', content: text }, null)}${chunk({}, 'stop')}${usage}data: [DONE]\n\n`;
}

const caches: Cache[] = [];
afterAll(async () => {
  for (const cache of caches) await cache.close();
});

/** A client with a fresh local cache that records each call's cache status and key. */
function cachedClient(options: Parameters<typeof createClient>[0] = {}) {
  const cache = new Cache({ type: 'local' });
  caches.push(cache);
  const client: Client = createClient(options);
  client.cache = cache;
  const seen: Array<{ cache: string; key: string | undefined }> = [];
  client.use(async (ctx: Context, next) => {
    ctx.onEnd(() => seen.push({ cache: ctx.cacheStatus, key: ctx.cacheKey }));
    await next();
  });
  return { client, seen };
}

const apiKey = 'sk-cache-key-0123456789';

describe('the cache key', () => {
  it('keeps the same request to two servers (apiBase) in two entries: each server answers once', async () => {
    first.reply({ body: answer('from the first server') });
    second.reply({ body: answer('from the second server') });
    const { client, seen } = cachedClient();
    const call = async (apiBase: string) => {
      const answered = await client.completion({ model: 'gpt-4o-mini', messages, apiKey, apiBase });
      await client.flush();
      return answered;
    };

    const fromFirst = await call(first.url);
    const fromSecond = await call(second.url);
    const againFromFirst = await call(first.url);
    const againFromSecond = await call(second.url);

    expect(fromFirst.choices[0]?.message.content).toBe('from the first server');
    expect(fromSecond.choices[0]?.message.content).toBe('from the second server');
    expect(againFromFirst.choices[0]?.message.content).toBe('from the first server');
    expect(againFromSecond.choices[0]?.message.content).toBe('from the second server');
    expect(first.requests).toHaveLength(1);
    expect(second.requests).toHaveLength(1);
    expect(seen.map((call) => call.cache)).toEqual(['miss', 'miss', 'hit', 'hit']);
    expect(seen[0]?.key).not.toBe(seen[1]?.key);
  });

  it('keeps the same request to two servers in two entries when the base URL is a provider setting', async () => {
    first.reply({ body: answer('from the first server') });
    second.reply({ body: answer('from the second server') });
    const one = cachedClient({ providers: { openai: { apiKey, apiBase: first.url } } });
    const other = createClient({ providers: { openai: { apiKey, apiBase: second.url } } });
    other.cache = one.client.cache;

    await one.client.completion({ model: 'gpt-4o-mini', messages });
    await one.client.flush();
    const fromSecond = await other.completion({ model: 'gpt-4o-mini', messages });

    expect(fromSecond.choices[0]?.message.content).toBe('from the second server');
    expect(second.requests).toHaveLength(1);
  });

  it('is a 64-digit sha256 that names no part of the request, and the same for the same request', async () => {
    first.reply({ body: answer('hi') });
    const { client, seen } = cachedClient();

    await client.completion({ model: 'gpt-4o-mini', messages, apiKey, apiBase: first.url });
    await client.flush();
    await client.completion({ model: 'gpt-4o-mini', messages, apiKey, apiBase: first.url });

    expect(seen[0]?.key).toMatch(/^[0-9a-f]{64}$/);
    expect(seen[1]?.key).toBe(seen[0]?.key);
  });

  it('shares one entry between a request streamed and not, and between users', async () => {
    first.reply({ body: answer('once') });
    const { client, seen } = cachedClient();
    const base = { model: 'gpt-4o-mini', messages, apiKey, apiBase: first.url };

    await client.completion({ ...base, user: 'ada', metadata: { run: 1 } });
    await client.flush();
    await collect(
      await client.completion({
        ...base,
        user: 'grace',
        stream: true,
        stream_options: { include_usage: true },
        safety_identifier: 'someone',
        store: false,
      }),
    );

    expect(first.requests).toHaveLength(1);
    expect(seen.map((call) => call.cache)).toEqual(['miss', 'hit']);
  });

  it('tells apart requests that differ in a parameter, in the model, or in the provider', async () => {
    first.reply({ body: answer('each') });
    const { client, seen } = cachedClient({
      providers: { openai: { apiKey, apiBase: first.url }, local: { apiBase: first.url } },
    });
    client.registerModel({
      'local/gpt-4o-mini': { inputCostPerToken: 1e-7, outputCostPerToken: 1e-7 },
    });

    await client.completion({ model: 'gpt-4o-mini', messages });
    await client.completion({ model: 'gpt-4o-mini', messages, temperature: 0 });
    await client.completion({ model: 'gpt-4o', messages });
    await client.completion({ model: 'local/gpt-4o-mini', messages });
    await client.flush();
    await client.completion({ model: 'openai/gpt-4o-mini', messages });

    expect(seen.map((call) => call.cache)).toEqual(['miss', 'miss', 'miss', 'miss', 'hit']);
    expect(first.requests).toHaveLength(4);
  });

  it('does not depend on the order of the keys a request was written with, at any depth', async () => {
    first.reply({ body: answer('ordered') });
    const { client, seen } = cachedClient();
    const base = { model: 'gpt-4o-mini', apiKey, apiBase: first.url };

    await client.completion({
      ...base,
      messages: [{ role: 'user', content: 'Order?' }],
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'a', strict: true, schema: { type: 'object' } },
      },
      temperature: 0,
    });
    await client.flush();
    await client.completion({
      temperature: 0,
      response_format: {
        json_schema: { schema: { type: 'object' }, strict: true, name: 'a' },
        type: 'json_schema',
      },
      messages: [{ content: 'Order?', role: 'user' }],
      ...base,
    });

    expect(seen.map((call) => call.cache)).toEqual(['miss', 'hit']);
  });

  it('tells apart messages that differ only in their order or in a nested value', async () => {
    first.reply({ body: answer('distinct') });
    const { client, seen } = cachedClient();
    const base = { model: 'gpt-4o-mini', apiKey, apiBase: first.url };
    const ask = { role: 'user' as const, content: 'A' };
    const tell = { role: 'assistant' as const, content: 'B' };

    await client.completion({ ...base, messages: [ask, tell, ask] });
    await client.completion({ ...base, messages: [tell, ask, ask] });
    await client.completion({ ...base, messages: [ask, { ...tell, content: 'C' }, ask] });
    await client.flush();
    await client.completion({ ...base, messages: [ask, tell, ask] });

    expect(seen.map((call) => call.cache)).toEqual(['miss', 'miss', 'miss', 'hit']);
  });

  it('serves a stream from an entry a stream wrote', async () => {
    first.reply({ body: streamed('streamed') });
    const { client, seen } = cachedClient();
    const call = () =>
      client.completion({
        model: 'gpt-4o-mini',
        messages,
        apiKey,
        apiBase: first.url,
        stream: true,
      });

    await collect(await call());
    await client.flush();
    const again = await collect(await call());

    expect(again.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('')).toBe('streamed');
    expect(seen.map((call) => call.cache)).toEqual(['miss', 'hit']);
  });
});

describe('canonicalJson(), the text the key hashes', () => {
  it('sorts the keys of every object, at every level, and writes no spaces', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { f: 1, e: 2 }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,{"e":2,"f":1}]},"b":1}',
    );
  });

  it('writes an object of one key, and an empty object or array', () => {
    expect(canonicalJson({ only: true })).toBe('{"only":true}');
    expect(canonicalJson({})).toBe('{}');
    expect(canonicalJson([])).toBe('[]');
  });

  it('keeps the order of arrays, and writes a missing item as null', () => {
    expect(canonicalJson([3, 1, 2])).toBe('[3,1,2]');
    expect(canonicalJson([1, undefined, 'a'])).toBe('[1,null,"a"]');
  });

  it('leaves out fields that are undefined or functions, wherever they are in the object', () => {
    expect(canonicalJson({ a: undefined, b: 1, c: () => 1, d: 2 })).toBe('{"b":1,"d":2}');
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
    expect(canonicalJson({ a: undefined })).toBe('{}');
  });

  it('writes null, numbers, strings and booleans as JSON does, and undefined alone as null', () => {
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson(1.5)).toBe('1.5');
    expect(canonicalJson('a"b')).toBe('"a\\"b"');
    expect(canonicalJson(false)).toBe('false');
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson({ nested: null })).toBe('{"nested":null}');
  });
});

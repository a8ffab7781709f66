import {
  type CallCost,
  type ChatCompletionChunk,
  type Context,
  createClient,
  RateLimitError,
  type RedisStore,
} from 'shallot';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fixture, useFakeProvider } from '../../support/fake-provider.js';
import {
  itWithRedis,
  REDIS_TEST_PREFIX,
  type TestCacheKind,
  useTestCaches,
} from '../../support/redis.js';
import { collect } from '../../support/streams.js';

const messages = [{ role: 'user' as const, content: 'Tell me about caching' }];
const API_KEY = 'sk-cache-test-0123456789abcdef';

const fake = useFakeProvider();
afterEach(() => {
  vi.useRealTimers();
});

const freshCache = useTestCaches();

type Kind = TestCacheKind;

/** A client on the fake provider with a fresh cache of this kind, in its own namespace. */
function cachedClient(kind: Kind) {
  const cache = freshCache(kind);
  const client = createClient({ providers: { openai: { apiKey: API_KEY, apiBase: fake.url } } });
  client.cache = cache;
  const seen: Array<{
    status: string;
    cache: string;
    cost: CallCost | undefined;
    key: string | undefined;
  }> = [];
  client.use(async (ctx: Context, next) => {
    ctx.onEnd(() =>
      seen.push({
        status: ctx.status,
        cache: ctx.cacheStatus,
        cost: ctx.cost,
        key: ctx.cacheKey,
      }),
    );
    await next();
  });
  return { client, cache, seen };
}

/** How many requests the fake provider receives while `work` runs. */
async function requestsDuring(work: () => Promise<unknown>): Promise<number> {
  const before = fake.requests.length;
  await work();
  return fake.requests.length - before;
}

describe.each<Kind>(['local', 'redis'])('the cache, %s store', (kind) => {
  // The Redis cases need Redis: skipped without it, failed without it under CI.
  const test: typeof itWithRedis = kind === 'redis' ? itWithRedis : it;

  test('answers a repeated request from the cache: one provider request, a hit, cost 0 and what it saved', async () => {
    fake.reply({ body: fixture('openai-chat.json') });
    const { client, seen } = cachedClient(kind);
    const call = () => client.completion({ model: 'gpt-4.1-nano', messages });
    const first = await call();
    const sent = await requestsDuring(async () => {
      const second = await call();
      expect(second).toEqual(first);
      expect(second).not.toBe(first);
    });
    expect(sent).toBe(0);
    expect(seen.map((entry) => entry.cache)).toEqual(['miss', 'hit']);
    expect(seen[1]?.cost?.total).toBe(0);
    expect(seen[1]?.cost?.saved).toBeCloseTo(16 * 1e-7 + 363 * 4e-7, 15);
    expect(seen[1]?.key).toMatch(/^[0-9a-f]{64}$/);
  });

  test('replays a cached stream chunk for chunk, and serves the same entry streamed or not', async () => {
    fake.reply({ body: fixture('openai-chat-stream-tool-calls.sse'), sliceBytes: 97 });
    const { client, seen } = cachedClient(kind);
    const original = await collect(
      await client.completion({ model: 'gpt-4o', messages, stream: true }),
    );
    let replayed: ChatCompletionChunk[] = [];
    const sent = await requestsDuring(async () => {
      replayed = await collect(
        await client.completion({ model: 'gpt-4o', messages, stream: true }),
      );
      const plain = await client.completion({ model: 'gpt-4o', messages });
      expect(plain.choices[0]?.message.tool_calls?.map((call) => call.function.name)).toEqual([
        'GetWeatherArgs',
        'get_stock_price',
      ]);
      expect(plain.usage?.total_tokens).toBe(209);
    });
    expect(sent).toBe(0);
    expect(replayed).toEqual(original);
    expect(seen.map((entry) => entry.cache)).toEqual(['miss', 'hit', 'hit']);
  });

  test('streams an answer that was cached unstreamed', async () => {
    fake.reply({ body: fixture('openai-chat.json') });
    const { client } = cachedClient(kind);
    const plain = await client.completion({ model: 'gpt-4.1-nano', messages });
    const stream = await client.completion({ model: 'gpt-4.1-nano', messages, stream: true });
    const chunks = await collect(stream);
    expect(chunks.at(-1)?.usage).toEqual(plain.usage);
    expect((await stream.finalResponse()).choices[0]?.message.content).toBe(
      plain.choices[0]?.message.content,
    );
  });

  test('never stores a stream that did not complete, nor an error', async () => {
    const body = fixture('openai-chat-stream-usage.sse');
    fake.reply({ body, cutAfterBytes: Math.floor(body.length / 2) });
    const { client, seen } = cachedClient(kind);
    await collect(await client.completion({ model: 'gpt-4o', messages, stream: true })).catch(
      () => {},
    );
    fake.reply({ status: 429, body: fixture('openai-error-429-insufficient-quota.json') });
    await expect(client.completion({ model: 'gpt-4o', messages })).rejects.toBeInstanceOf(
      RateLimitError,
    );
    fake.reply({ body: fixture('openai-chat.json') });
    expect(await requestsDuring(() => client.completion({ model: 'gpt-4o', messages }))).toBe(1);
    expect(seen.map((entry) => `${entry.status}/${entry.cache}`)).toEqual([
      'failure/miss',
      'failure/miss',
      'success/miss',
    ]);
  });

  test('noCache skips the read but stores; noStore reads but does not store', async () => {
    fake.reply({ body: fixture('openai-chat.json') });
    const { client, seen } = cachedClient(kind);
    const call = (controls: Record<string, boolean>) =>
      client.completion({ model: 'gpt-4.1-nano', messages, cache: controls });
    expect(await requestsDuring(() => call({ noStore: true }))).toBe(1);
    expect(await requestsDuring(() => call({}))).toBe(1);
    expect(await requestsDuring(() => call({ noCache: true }))).toBe(1);
    expect(await requestsDuring(() => call({ 'no-store': true }))).toBe(0);
    await client.flush();
    expect(seen.map((entry) => entry.cache)).toEqual(['miss', 'miss', 'bypass', 'hit']);
  });

  test('keeps namespaces apart', async () => {
    fake.reply({ body: fixture('openai-chat.json') });
    const { client } = cachedClient(kind);
    await client.completion({ model: 'gpt-4.1-nano', messages, cache: { namespace: 'team-a' } });
    await client.flush();
    expect(
      await requestsDuring(() =>
        client.completion({ model: 'gpt-4.1-nano', messages, cache: { namespace: 'team-b' } }),
      ),
    ).toBe(1);
    expect(
      await requestsDuring(() =>
        client.completion({ model: 'gpt-4.1-nano', messages, cache: { namespace: 'team-a' } }),
      ),
    ).toBe(0);
  });

  test('accepts an entry only as old as sMaxAge allows', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-28T10:00:00Z'));
    fake.reply({ body: fixture('openai-chat.json') });
    const { client } = cachedClient(kind);
    await client.completion({ model: 'gpt-4.1-nano', messages });
    await client.flush();
    vi.setSystemTime(new Date('2026-11-28T10:01:40Z')); // 100 s later
    expect(
      await requestsDuring(() =>
        client.completion({ model: 'gpt-4.1-nano', messages, cache: { sMaxAge: 200 } }),
      ),
    ).toBe(0);
    expect(
      await requestsDuring(() =>
        client.completion({ model: 'gpt-4.1-nano', messages, cache: { 's-maxage': 50 } }),
      ),
    ).toBe(1);
  });

  test('reaches the provider once for 50 identical calls in flight, and gives each its own answer', async () => {
    let open: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    fake.reply({ body: fixture('openai-chat.json'), gate });
    const { client, seen } = cachedClient(kind);
    const before = fake.requests.length;
    const calls = Array.from({ length: 50 }, () =>
      client.completion({ model: 'gpt-4.1-nano', messages }),
    );
    await vi.waitFor(() => expect(fake.requests.length - before).toBe(1));
    open();
    const answers = await Promise.all(calls);
    expect(fake.requests.length - before).toBe(1);
    expect(new Set(answers).size).toBe(50);
    expect(answers.every((answer) => answer.id === answers[0]?.id)).toBe(true);
    expect(seen.filter((entry) => entry.cache === 'hit')).toHaveLength(49);
  });

  test('shares one in-flight stream among identical stream calls', async () => {
    let open: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    fake.reply({ body: fixture('openai-chat-stream-usage.sse'), gate });
    const { client } = cachedClient(kind);
    const before = fake.requests.length;
    const streams = Array.from({ length: 10 }, () =>
      client.completion({ model: 'gpt-4o', messages, stream: true }).then(collect),
    );
    await vi.waitFor(() => expect(fake.requests.length - before).toBe(1));
    open();
    const results = await Promise.all(streams);
    expect(fake.requests.length - before).toBe(1);
    for (const chunks of results) expect(chunks).toEqual(results[0]);
  });
});

describe('the cache key', () => {
  it('is the same whatever the key, user, metadata or stream flag, and differs for any output-affecting parameter', async () => {
    fake.reply({ body: fixture('openai-chat.json') });
    const { client, seen } = cachedClient('local');
    await client.completion({ model: 'openai/gpt-4.1-nano', messages, temperature: 0 });
    await client.completion({
      model: 'gpt-4.1-nano',
      messages,
      temperature: 0,
      user: 'u-1',
      metadata: { team: 'x' },
      apiKey: 'sk-another-key-987654321',
    });
    await client.completion({ model: 'gpt-4.1-nano', messages, temperature: 0.5 });
    await client.completion({
      model: 'gpt-4.1-nano',
      messages,
      temperature: 0,
      tools: [{ type: 'function', function: { name: 'f' } }],
    });
    expect(seen.map((entry) => entry.cache)).toEqual(['miss', 'hit', 'miss', 'miss']);
    expect(seen[0]?.key).toBe(seen[1]?.key);
  });

  itWithRedis('keeps every secret out of the stored entry and its key', async () => {
    fake.reply({ body: fixture('openai-chat.json') });
    const { client, cache } = cachedClient('redis');
    await client.completion({ model: 'gpt-4.1-nano', messages, metadata: { api_key: API_KEY } });
    await client.flush();
    const redis = await (cache.store as RedisStore).client();
    const keys = await redis.keys(`${REDIS_TEST_PREFIX}${cache.namespace}:*`);
    expect(keys).toHaveLength(1);
    // keys() gives them with the store's prefix, get() adds it again: strip it.
    const stored = await redis.get((keys[0] as string).slice(REDIS_TEST_PREFIX.length));
    expect(stored).toContain('Galaxy Day');
    expect(`${keys[0]} ${stored}`).not.toContain(API_KEY);
    expect(stored).not.toContain('sk-cache');
  });
});

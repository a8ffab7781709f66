import { randomUUID } from 'node:crypto';
import {
  Cache,
  type CompletionCacheEntry as CacheEntry,
  type CacheStore,
  type CallbackKwargs,
  CustomLogger,
  createClient,
  MemoryStore,
  RedisStore,
  ValidationError,
} from 'shallot';
import { cache } from 'shallot/middleware/cache';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { fixture, useFakeProvider } from '../../support/fake-provider.js';
import {
  cleanUpRedisAfterAll,
  describeWithRedis,
  REDIS_TEST_TIMEOUT_MS,
  REDIS_TEST_TTL_SECONDS,
  redisCacheOptions,
  redisProxy,
  redisStoreOptions,
} from '../../support/redis.js';

const messages = [{ role: 'user' as const, content: 'Stores' }];
cleanUpRedisAfterAll();

const fake = useFakeProvider({ reply: { body: fixture('openai-chat.json') } });
afterEach(() => {
  vi.useRealTimers();
});

/** A completion's entry read back from `store`. */
const completionIn = async (store: CacheStore, key: string) =>
  (await store.get(key)) as CacheEntry | undefined;

const entry = (text: string): CacheEntry => ({
  v: 1,
  createdAt: Date.now(),
  response: {
    id: 'x',
    object: 'chat.completion',
    created: 0,
    model: 'm',
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
  },
});

/** A streamed entry: chunks sharing their top-level fields, with Azure's and usage's quirks. */
const streamedEntry = (): CacheEntry => {
  const chunk = (fields: Record<string, unknown>) => ({
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1_767_225_600,
    model: 'gpt-4o-mini',
    system_fingerprint: 'fp_1',
    ...fields,
  });
  const delta = (content: string) => [
    { index: 0, delta: { content }, logprobs: null, finish_reason: null },
  ];
  return {
    ...entry('Hello there'),
    chunks: [
      chunk({ choices: [{ index: 0, delta: { role: 'assistant', content: '' } }], usage: null }),
      chunk({ choices: delta('Hello'), usage: null }),
      chunk({ choices: delta(' there'), usage: null }),
      chunk({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage: null }),
      chunk({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } }),
    ],
  } as CacheEntry;
};

describe('the in-memory store', () => {
  it('expires an entry after its ttl', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const store = new MemoryStore();
    await store.set('k', entry('hello'), 60);
    vi.advanceTimersByTime(59_000);
    expect((await completionIn(store, 'k'))?.response.choices[0]?.message.content).toBe('hello');
    vi.advanceTimersByTime(2_000);
    expect(await store.get('k')).toBeUndefined();
  });

  it('evicts the least recently used entry past maxEntries, and stays within maxBytes', async () => {
    const byCount = new MemoryStore({ maxEntries: 2 });
    await byCount.set('a', entry('a'));
    await byCount.set('b', entry('b'));
    await byCount.get('a');
    await byCount.set('c', entry('c'));
    expect(await byCount.get('b')).toBeUndefined();
    expect(await byCount.get('a')).toBeDefined();
    const bySize = new MemoryStore({ maxBytes: 2_000 });
    for (let index = 0; index < 10; index++) await bySize.set(`k${index}`, entry('x'.repeat(200)));
    expect(bySize.size).toBeLessThan(10);
    expect(bySize.size).toBeGreaterThan(0);
  });

  it('hands out a fresh object on every hit', async () => {
    const store = new MemoryStore();
    await store.set('k', entry('original'));
    const first = await completionIn(store, 'k');
    (first?.response.choices[0]?.message as { content: string }).content = 'changed by a caller';
    expect((await completionIn(store, 'k'))?.response.choices[0]?.message.content).toBe('original');
  });

  it('gives a stream’s chunks back equal, chunk for chunk, whether or not they share their fields', async () => {
    const store = new MemoryStore();
    const shared = streamedEntry();
    await store.set('shared', shared);
    expect(await store.get('shared')).toEqual(shared);
    // Azure's first chunk has an empty id and model; another lacks the fingerprint.
    const mixed = streamedEntry();
    const [first, , third] = mixed.chunks as Array<Record<string, unknown>>;
    Object.assign(first ?? {}, { id: '', model: '' });
    delete third?.system_fingerprint;
    await store.set('mixed', mixed);
    expect(await store.get('mixed')).toEqual(mixed);
  });

  it('is what the client uses after `client.cache = new Cache()`, and a call with ttl expires', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const client = createClient({
      providers: { openai: { apiKey: 'sk-test', apiBase: fake.url } },
    });
    client.cache = new Cache({ ttl: 600 });
    const before = fake.requests.length;
    await client.completion({ model: 'gpt-4.1-nano', messages, cache: { ttl: 30 } });
    await client.flush();
    await client.completion({ model: 'gpt-4.1-nano', messages });
    vi.advanceTimersByTime(31_000);
    await client.completion({ model: 'gpt-4.1-nano', messages });
    expect(fake.requests.length - before).toBe(2);
  });

  it('checks its options once, at construction', () => {
    expect(() => new Cache({ type: 'memcached' as never })).toThrow(ValidationError);
    expect(() => new Cache({ ttl: -5 })).toThrow(
      /Cache options\.ttl: expected a positive number, received -5/,
    );
  });
});

describeWithRedis('the Redis store', () => {
  const namespace = `test-${randomUUID()}`;
  const stores: RedisStore[] = [];
  const redisStore = () => {
    const store = new RedisStore(redisStoreOptions());
    stores.push(store);
    return store;
  };
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
  });

  it('stores an entry under its key prefix with the ttl in milliseconds, and deletes it', async () => {
    const store = redisStore();
    await store.set(`${namespace}:k`, entry('from redis'), 60);
    const redis = await store.client();
    const ttl = await redis.pttl(`${namespace}:k`);
    expect(ttl).toBeGreaterThan(59_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    expect(
      (await completionIn(store, `${namespace}:k`))?.response.choices[0]?.message.content,
    ).toBe('from redis');
    await store.delete(`${namespace}:k`);
    expect(await store.get(`${namespace}:k`)).toBeUndefined();
  });

  it('keeps a stream’s repeated chunk fields once, and still reads entries stored as plain JSON', async () => {
    const store = redisStore();
    const streamed = streamedEntry();
    await store.set(`${namespace}:stream`, streamed, REDIS_TEST_TTL_SECONDS);
    const redis = await store.client();
    const raw = (await redis.get(`${namespace}:stream`)) ?? '';
    expect(raw.match(/chatcmpl-1/g)).toHaveLength(1);
    expect(raw.length).toBeLessThan(JSON.stringify(streamed).length);
    expect(await store.get(`${namespace}:stream`)).toEqual(streamed);
    await redis.call(
      'SET',
      `${namespace}:plain`,
      JSON.stringify(streamed),
      'EX',
      REDIS_TEST_TTL_SECONDS,
    );
    expect(await store.get(`${namespace}:plain`)).toEqual(streamed);
  });

  it('is shared by two clients, as two processes would share it', async () => {
    const clients = [0, 1].map(() => {
      const client = createClient({
        providers: { openai: { apiKey: 'sk-test', apiBase: fake.url } },
      });
      client.cache = new Cache({ store: redisStore(), namespace, ttl: REDIS_TEST_TTL_SECONDS });
      return client;
    });
    const before = fake.requests.length;
    await clients[0]?.completion({
      model: 'gpt-4.1-nano',
      messages: [{ role: 'user', content: namespace }],
    });
    await clients[0]?.flush();
    await clients[1]?.completion({
      model: 'gpt-4.1-nano',
      messages: [{ role: 'user', content: namespace }],
    });
    expect(fake.requests.length - before).toBe(1);
  });

  it('runs the seed’s cache-hit example: two identical calls give pre, post, success, success', async () => {
    class MyCustomHandler extends CustomLogger {
      readonly states: string[] = [];
      readonly hits: Array<boolean | null> = [];
      override async asyncLogPreApiCall() {
        this.states.push('pre');
      }
      override logPostApiCall() {
        this.states.push('post');
      }
      override async asyncLogSuccessEvent(kwargs: CallbackKwargs) {
        this.states.push('success');
        this.hits.push(kwargs.cache_hit);
      }
    }
    const client = createClient({
      providers: { openai: { apiKey: 'sk-test', apiBase: fake.url } },
    });
    client.cache = new Cache(redisCacheOptions({ namespace }));
    const handler = new MyCustomHandler();
    client.callbacks = [handler];
    const request = {
      model: 'gpt-4.1-nano',
      messages: [{ role: 'user' as const, content: `Hi 👋 - ${randomUUID()}` }],
    };
    await client.completion(request);
    await client.flush();
    await client.completion(request);
    await client.flush();
    expect(handler.states).toEqual(['pre', 'post', 'success', 'success']);
    expect(handler.hits).toEqual([false, true]);
    await client.shutdown();
  });

  it('keeps calls succeeding as misses when Redis goes down mid-run, and reports it once', async () => {
    const proxy = await redisProxy();
    const reports: string[] = [];
    const client = createClient({
      providers: { openai: { apiKey: 'sk-test', apiBase: fake.url } },
      onCallbackError: (error, info) =>
        reports.push(`${info.callback}@${info.event}: ${(error as Error).message}`),
    });
    const store = new RedisStore(redisStoreOptions({ url: `redis://127.0.0.1:${proxy.port}` }));
    stores.push(store);
    client.cache = new Cache({
      store,
      namespace,
      ttl: REDIS_TEST_TTL_SECONDS,
      timeoutMs: REDIS_TEST_TIMEOUT_MS,
    });
    const request = {
      model: 'gpt-4.1-nano',
      messages: [{ role: 'user' as const, content: `down ${randomUUID()}` }],
    };
    const before = fake.requests.length;
    await client.completion(request);
    await client.flush();
    await client.completion(request);
    expect(fake.requests.length - before).toBe(1);

    await proxy.stop();
    for (let call = 0; call < 5; call++) {
      const answer = await client.completion(request);
      expect(answer.choices[0]?.message.content).toContain('Galaxy Day');
      // Until its write is over, an answer is shared in-process; wait, so each call is a miss.
      await client.flush();
    }
    expect(fake.requests.length - before).toBe(6);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatch(/^cache \(custom\)@(get|set): /);
  });
});

describe('a store that fails or hangs', () => {
  it('answers as a miss within the cache’s timeout, and the call succeeds', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const hanging: CacheStore = {
      get: () => new Promise(() => {}),
      set: async () => {},
      delete: async () => {},
    };
    const reports: string[] = [];
    const client = createClient({
      providers: { openai: { apiKey: 'sk-test', apiBase: fake.url } },
      middleware: [cache({ cache: new Cache({ store: hanging, timeoutMs: 250 }) })],
      onCallbackError: (error) => reports.push((error as Error).message),
    });
    const call = client.completion({ model: 'gpt-4.1-nano', messages });
    await vi.advanceTimersByTimeAsync(250);
    expect((await call).choices[0]?.message.content).toContain('Galaxy Day');
    expect(reports).toEqual(['the cache store took longer than 250 ms to read']);
  });

  it('reports a failing store once until it works again', async () => {
    let broken = true;
    const flaky: CacheStore = {
      get: async () => {
        if (broken) throw new Error('store down');
        return undefined;
      },
      set: async () => {
        if (broken) throw new Error('store down');
      },
      delete: async () => {},
    };
    const reports: string[] = [];
    const client = createClient({
      providers: { openai: { apiKey: 'sk-test', apiBase: fake.url } },
      onCallbackError: (error) => reports.push((error as Error).message),
    });
    client.cache = new Cache({ store: flaky });
    // Each call ends with its write done, so that the next one reads the store, not the flight.
    const call = async () => {
      await client.completion({ model: 'gpt-4.1-nano', messages });
      await client.flush();
    };
    for (let count = 0; count < 3; count++) await call();
    broken = false;
    await call();
    broken = true;
    await call();
    expect(reports).toEqual(['store down', 'store down']);
  });
});

import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  type CallbackErrorInfo,
  type Client,
  createClient,
  RedisStore,
  TimeoutError,
} from 'shallot';
import { type DeploymentOptions, type RouterOptions, router } from 'shallot/middleware/router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fixture, useFakeProvider } from '../../support/fake-provider.js';
import { unusedPort } from '../../support/local-server.js';
import {
  cleanUpRedisAfterAll,
  describeWithRedis,
  itWithRedis,
  REDIS_TEST_PREFIX,
  REDIS_TEST_TIMEOUT_MS,
  REDIS_URL,
  redisProxy,
  redisStoreOptions,
} from '../../support/redis.js';

const messages = [{ role: 'user' as const, content: 'Hello' }];
const MINUTE_MS = 60_000;
/** The fixture's `usage.total_tokens`: what each call adds to its deployment's tokens. */
const TOKENS_PER_CALL = (
  JSON.parse(fixture('openai-chat.json')) as { usage: { total_tokens: number } }
).usage.total_tokens;

cleanUpRedisAfterAll();
const limited = useFakeProvider({ reply: { body: fixture('openai-chat.json') } });
const spare = useFakeProvider({ reply: { body: fixture('openai-chat.json') } });

const clients: Client[] = [];
const stores: RedisStore[] = [];
const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  vi.useRealTimers();
  // Tokens are counted after a call: they reach Redis before its store closes.
  for (const client of clients.splice(0)) await client.flush();
  for (const store of stores.splice(0)) await store.close();
  for (const stop of stops.splice(0)) await stop();
});

const failing = (status: number, headers: Record<string, string> = {}) => ({
  status,
  headers,
  body: JSON.stringify({ error: { message: `failed with ${status}`, type: 'server_error' } }),
});

/** A store under `keyPrefix`, on the test Redis or on a port of 127.0.0.1; closed after the test. */
function storeAt(keyPrefix: string, overrides: { port?: number } = {}): RedisStore {
  const url = new URL(REDIS_URL);
  if (overrides.port !== undefined) {
    url.hostname = '127.0.0.1';
    url.port = String(overrides.port);
  }
  const store = new RedisStore(redisStoreOptions({ keyPrefix, url: url.href }));
  stores.push(store);
  return store;
}

/** A deployment `limited` (preferred: order 0) and a `spare`, with ids of their own per test. */
function deployments(limits: Partial<DeploymentOptions> = {}) {
  const run = randomUUID();
  const ids = { limited: `limited-${run}`, spare: `spare-${run}` };
  const modelList: DeploymentOptions[] = [
    {
      modelName: 'gpt-4o',
      model: 'openai/gpt-4o',
      apiBase: limited.url,
      apiKey: 'sk-limited',
      id: ids.limited,
      order: 0,
      ...limits,
    },
    {
      modelName: 'gpt-4o',
      model: 'openai/gpt-4o',
      apiBase: spare.url,
      apiKey: 'sk-spare',
      id: ids.spare,
      order: 1,
    },
  ];
  return { modelList, ids, run, prefix: `${REDIS_TEST_PREFIX}router-${run}:` };
}

/** A process's client: one router with the store, no retries, its store reports kept. */
function routedClient(options: RouterOptions) {
  const layer = router({ storeTimeoutMs: REDIS_TEST_TIMEOUT_MS, ...options });
  const reports: Array<{ error: unknown; info: CallbackErrorInfo }> = [];
  const client = createClient({
    middleware: [layer],
    numRetries: 0,
    onCallbackError: (error, info) => reports.push({ error, info }),
  });
  clients.push(client);
  const call = () => client.completion({ model: 'gpt-4o', messages });
  return { client, layer, reports, call };
}

/** Two processes' clients: two routers, each with a store of its own on one Redis namespace. */
function twoRouters(limits: Partial<DeploymentOptions> = {}, options: Partial<RouterOptions> = {}) {
  const { modelList, ids, prefix } = deployments(limits);
  const [first, second] = [0, 1].map(() =>
    routedClient({ modelList, store: storeAt(prefix), ...options }),
  ) as [ReturnType<typeof routedClient>, ReturnType<typeof routedClient>];
  return { first, second, ids, prefix };
}

async function healthOf(layer: ReturnType<typeof router>, id: string) {
  return (await layer.health()).find((item) => item.id === id);
}

/** A connection to the test's Redis without a key prefix, to see the keys as they are. */
async function rawRedis() {
  const { Redis } = await import('ioredis');
  const redis = new Redis(REDIS_URL, { commandTimeout: REDIS_TEST_TIMEOUT_MS });
  stops.push(async () => redis.disconnect());
  return redis;
}

describeWithRedis('router() with a Redis store shared by two routers', () => {
  it('admits exactly a deployment’s rpm between both in a minute, and both health() show the shared count', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-06T10:00:00Z'));
    const { first, second, ids } = twoRouters({ rpm: 10 });
    await Promise.all(
      Array.from({ length: 30 }, (_, index) => (index % 2 === 0 ? first : second).call()),
    );
    expect(limited.requests).toHaveLength(10);
    expect(spare.requests).toHaveLength(20);
    for (const { layer } of [first, second]) {
      expect(await healthOf(layer, ids.limited)).toMatchObject({
        requests: 10,
        rpm: 10,
        shared: true,
      });
      expect(await healthOf(layer, ids.spare)).toMatchObject({ requests: 20, shared: true });
    }

    vi.setSystemTime(new Date('2026-12-06T10:01:00Z'));
    await second.call();
    expect(limited.requests).toHaveLength(11);
    expect(await healthOf(first.layer, ids.limited)).toMatchObject({ requests: 1 });
    expect([...first.reports, ...second.reports]).toEqual([]);
  });

  it('honours a cooldown one router set on the other router’s very next call, until it ends', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-06T10:00:00Z'));
    const { first, second, ids } = twoRouters({}, { cooldownMs: 10_000 });
    // The second router has used the deployment: its own state knows it as healthy.
    await second.call();
    expect(limited.requests).toHaveLength(1);

    limited.reply(failing(401));
    const failure = await first.call().catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'authentication' });
    limited.reply({ body: fixture('openai-chat.json') });
    await second.call();
    expect(limited.requests).toHaveLength(2);
    expect(spare.requests).toHaveLength(1);
    const cooling = await healthOf(second.layer, ids.limited);
    expect(cooling).toMatchObject({ state: 'cooling', shared: true });
    expect(cooling?.coolingUntil?.getTime()).toBe(Date.now() + 10_000);

    vi.advanceTimersByTime(10_001);
    await second.call();
    expect(limited.requests).toHaveLength(3);
    expect([...first.reports, ...second.reports]).toEqual([]);
  });

  it('counts tokens across both: a deployment whose tpm two calls’ tokens reach takes two calls, then none until the next minute', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-06T10:00:00Z'));
    const { first, second, ids } = twoRouters({ tpm: 2 * TOKENS_PER_CALL - 1 });
    for (const { call, client } of [first, second, first]) {
      await call();
      // The tokens are counted after the call, off its path: flush() waits for them.
      await client.flush();
    }
    expect(limited.requests).toHaveLength(2);
    expect(spare.requests).toHaveLength(1);
    expect(await healthOf(second.layer, ids.limited)).toMatchObject({
      tokens: 2 * TOKENS_PER_CALL,
      shared: true,
    });

    vi.setSystemTime(new Date('2026-12-06T10:01:00Z'));
    await second.call();
    expect(limited.requests).toHaveLength(3);
    expect([...first.reports, ...second.reports]).toEqual([]);
  });

  it('shares a 429’s retry-after however the provider writes it: a fraction of a millisecond, or a date decades away', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-06T10:00:00Z'));
    const redis = await rawRedis();
    const retryAfters: Array<Record<string, string>> = [
      { 'retry-after-ms': '1500.5' },
      { 'retry-after': '3153600000' },
    ];
    for (const headers of retryAfters) {
      limited.forget();
      spare.forget();
      const { first, second, ids, prefix } = twoRouters({}, { cooldownMs: 1000 });
      limited.reply(failing(429, headers));
      await first.call().catch(() => {});
      limited.reply({ body: fixture('openai-chat.json') });
      await second.call();
      expect(limited.requests, JSON.stringify(headers)).toHaveLength(1);
      expect(spare.requests).toHaveLength(1);
      const ttl = await redis.pttl(`${prefix}router:cooldown:${ids.limited}`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(24 * 60 * MINUTE_MS);
      expect([...first.reports, ...second.reports]).toEqual([]);
    }
  });

  it('keeps every key under the store’s keyPrefix, each with a TTL, and routers on other prefixes share nothing', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-06T10:00:00Z'));
    const minute = Math.floor(Date.now() / MINUTE_MS);
    const { modelList, ids, run, prefix } = deployments();
    const first = routedClient({ modelList, store: storeAt(prefix), cooldownMs: 5000 });
    await first.call();
    await first.client.flush();
    limited.reply(failing(403));
    await first.call().catch(() => {});
    // The 403 cooled `limited`, so `spare` takes the next call: every kind of key exists.
    await first.call();
    await first.client.flush();

    const redis = await rawRedis();
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `*${run}*`);
      cursor = next;
      keys.push(...found);
    } while (cursor !== '0');
    expect(keys.sort()).toEqual(
      [
        `${prefix}router:cooldown:${ids.limited}`,
        `${prefix}router:requests:${ids.limited}:${minute}`,
        `${prefix}router:requests:${ids.spare}:${minute}`,
        `${prefix}router:tokens:${ids.limited}:${minute}`,
        `${prefix}router:tokens:${ids.spare}:${minute}`,
      ].sort(),
    );
    for (const key of keys) {
      const ttl = await redis.pttl(key);
      expect(ttl, key).toBeGreaterThan(0);
      expect(ttl, key).toBeLessThanOrEqual(2 * MINUTE_MS);
    }

    limited.reply({ body: fixture('openai-chat.json') });
    limited.forget();
    const elsewhere = routedClient({ modelList, store: storeAt(`${prefix}elsewhere:`) });
    await elsewhere.call();
    expect(limited.requests).toHaveLength(1);
    expect(await healthOf(elsewhere.layer, ids.limited)).toMatchObject({
      state: 'healthy',
      requests: 1,
      shared: true,
    });
  });
});

describe('router() when its Redis store fails', () => {
  itWithRedis(
    'when Redis goes down, goes on with this process’s counts, every call succeeding, and tells onCallbackError once',
    async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(new Date('2026-12-06T10:00:00Z'));
      const proxy = await redisProxy();
      stops.push(proxy.stop);
      const { modelList, ids, prefix } = deployments({ rpm: 3 });
      const { client, layer, reports, call } = routedClient({
        modelList,
        store: storeAt(prefix, { port: proxy.port }),
      });
      await call();
      await call();
      await client.flush();
      expect(await healthOf(layer, ids.limited)).toMatchObject({ requests: 2, shared: true });

      await proxy.stop();
      for (let count = 0; count < 5; count++) await call();
      await client.flush();
      // This process counted its two calls: one more fits in the rpm of 3.
      expect(limited.requests).toHaveLength(3);
      expect(spare.requests).toHaveLength(4);
      expect(reports).toHaveLength(1);
      expect(reports[0]?.info).toEqual({ callback: 'router (store)', event: 'claim' });
      // A refused connection, at once: not the store's timeout.
      expect(reports[0]?.error).not.toBeInstanceOf(TimeoutError);
      expect(await healthOf(layer, ids.limited)).toMatchObject({ requests: 3, shared: false });
    },
  );

  it('when Redis is unreachable from the start, routes on this process’s state and tells onCallbackError once', async () => {
    const { modelList, prefix } = deployments();
    const { client, reports, call } = routedClient({
      modelList,
      store: storeAt(prefix, { port: await unusedPort() }),
    });
    for (let count = 0; count < 3; count++) await call();
    await client.flush();
    expect(limited.requests).toHaveLength(3);
    expect(reports.map(({ info }) => info)).toEqual([
      { callback: 'router (store)', event: 'claim' },
    ]);
  });

  itWithRedis(
    'when Redis answers slower than storeTimeoutMs, answers each call without waiting for it, and tells onCallbackError once',
    async () => {
      const proxy = await redisProxy();
      stops.push(proxy.stop);
      const { modelList, prefix } = deployments();
      const storeTimeoutMs = 100;
      const { client, reports, call } = routedClient({
        modelList,
        store: storeAt(prefix, { port: proxy.port }),
        storeTimeoutMs,
      });
      await call();
      await client.flush();
      expect(reports).toEqual([]);

      // Far beyond the timeout: a call that waited for Redis would take this long.
      proxy.delayMs = 5000;
      for (let count = 0; count < 3; count++) {
        const started = performance.now();
        await call();
        expect(performance.now() - started).toBeLessThan(storeTimeoutMs + 1000);
      }
      await client.flush();
      expect(limited.requests).toHaveLength(4);
      expect(reports).toHaveLength(1);
      expect(reports[0]?.info).toEqual({ callback: 'router (store)', event: 'claim' });
      const error = reports[0]?.error;
      expect(error).toBeInstanceOf(TimeoutError);
      expect((error as TimeoutError).message).toContain(`${storeTimeoutMs} ms`);
    },
  );
});

import { randomUUID } from 'node:crypto';
import {
  BudgetExceededError,
  type CallbackErrorInfo,
  createClient,
  PriceBook,
  RateLimitError,
  RedisStore,
  type RedisStoreOptions,
  ServiceUnavailableError,
  UnexpectedError,
} from 'shallot';
import {
  type Counter,
  type LimitRule,
  type LimitStore,
  type LimitsOptions,
  limits,
  MemoryLimitStore,
  RedisLimitStore,
} from 'shallot/middleware/limits';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { fixture, useFakeProvider } from '../../support/fake-provider.js';
import {
  cleanUpRedisAfterAll,
  describeWithRedis,
  REDIS_TEST_PREFIX,
  REDIS_TEST_TIMEOUT_MS,
  REDIS_URL,
  redisProxy,
  redisStoreOptions,
} from '../../support/redis.js';

const messages = [{ role: 'user' as const, content: 'Hello there' }];
/** Output tokens are $0.15 for 512, input is free: a call reserving 512 reserves $0.15. */
const PRICES = { 'gpt-4.1-nano': { input_cost_per_token: 0, output_cost_per_token: 0.15 / 512 } };
/** What a call answered with the fixture costs (its 363 output tokens), as a budget counts it: whole nano-dollars. */
const FIXTURE_COST = Math.round(((363 * 0.15) / 512) * 1e9) / 1e9;
/** The fixture with 1024 output tokens: $0.30, twice what a call reserves. */
const COSTLY = (() => {
  const body = JSON.parse(fixture('openai-chat.json'));
  body.usage = { prompt_tokens: 16, completion_tokens: 1024, total_tokens: 1040 };
  return JSON.stringify(body);
})();

cleanUpRedisAfterAll();
const fake = useFakeProvider({ reply: { body: fixture('openai-chat.json') } });

const stores: RedisStore[] = [];
afterAll(async () => {
  for (const store of stores) await store.close();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A store in a namespace of its own, under this run's prefix; closed after the file's tests. */
function newStore(overrides: RedisStoreOptions = {}): { store: RedisStore; keyPrefix: string } {
  const keyPrefix = `${REDIS_TEST_PREFIX}limits-redis:${randomUUID()}:`;
  const store = new RedisStore(redisStoreOptions({ keyPrefix, ...overrides }));
  stores.push(store);
  return { store, keyPrefix };
}

/** A client on the fake provider limited by `rules`, its counters in Redis (a new namespace). */
function limitedClient(
  rules: LimitRule[],
  extra: Partial<LimitsOptions> = {},
  storeOptions: RedisStoreOptions = {},
) {
  const { store, keyPrefix } = newStore(storeOptions);
  const prices = new PriceBook();
  prices.register(PRICES);
  const layer = limits({
    rules,
    store,
    prices,
    storeTimeoutMs: REDIS_TEST_TIMEOUT_MS,
    ...extra,
  });
  const client = createClient({
    middleware: [layer],
    providers: { openai: { apiKey: 'sk-test', apiBase: fake.url } },
  });
  client.registerModel(PRICES);
  const reports: Array<{ error: unknown; info: CallbackErrorInfo }> = [];
  client.onCallbackError = (error, info) => reports.push({ error, info });
  return { client, layer, store, keyPrefix, reports };
}

function call(
  client: ReturnType<typeof createClient>,
  metadata: Record<string, string> = { user: 'alice' },
) {
  return client.completion({ model: 'gpt-4.1-nano', messages, metadata });
}

/** The calls' outcomes: how many succeeded, and the failures. */
async function outcomes(calls: ReadonlyArray<Promise<unknown>>) {
  const settled = await Promise.allSettled(calls);
  const failures = settled.flatMap((result) =>
    result.status === 'rejected' ? [result.reason] : [],
  );
  return { ok: settled.length - failures.length, failures };
}

/** A connection to the test's Redis without a key prefix, to see the keys as they are. */
async function rawRedis() {
  const { Redis } = await import('ioredis');
  return new Redis(REDIS_URL, { commandTimeout: REDIS_TEST_TIMEOUT_MS });
}

describeWithRedis('limits() with a Redis store', () => {
  it('admits exactly rpm of 200 concurrent calls, refuses the rest before any request, and admits again once the window has moved on', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-06T10:00:00Z'));
    const { client, layer } = limitedClient([{ name: 'per-user', scope: 'user', rpm: 50 }]);
    const burst = await outcomes(Array.from({ length: 200 }, () => call(client)));
    expect(burst.ok).toBe(50);
    expect(burst.failures).toHaveLength(150);
    for (const failure of burst.failures) {
      expect(failure).toBeInstanceOf(RateLimitError);
      expect(failure).toMatchObject({ final: true, retryAfterMs: 60_000 });
    }
    expect(fake.requests).toHaveLength(50);
    expect((await layer.usage('alice'))[0]?.rpm).toEqual({ limit: 50, used: 50, remaining: 0 });

    vi.advanceTimersByTime(55_000);
    await expect(call(client)).rejects.toMatchObject({ code: 'rate_limit', retryAfterMs: 5_000 });
    vi.advanceTimersByTime(5_000);
    const again = await outcomes(Array.from({ length: 200 }, () => call(client)));
    expect(again.ok).toBe(50);
    expect(fake.requests).toHaveLength(100);
  });

  it('admits three of five concurrent calls reserving $0.15 each on a $0.45 budget, and settles the spend to their real cost', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-06T10:00:00Z'));
    const { client, layer } = limitedClient(
      [{ name: 'team', scope: 'team', budget: { usd: 0.45, period: 'day' } }],
      { defaultOutputTokens: 512 },
    );
    const results = await outcomes(
      Array.from({ length: 5 }, () => call(client, { team: 'search' })),
    );
    expect(results.ok).toBe(3);
    for (const failure of results.failures) {
      expect(failure).toBeInstanceOf(BudgetExceededError);
      expect(failure).toMatchObject({ scope: 'team:search', limitUsd: 0.45, spentUsd: 0.45 });
    }
    await client.flush();
    const [usage] = await layer.usage('search');
    expect(usage?.budget).toMatchObject({
      limitUsd: 0.45,
      resetsAt: new Date('2026-12-07T00:00:00Z'),
    });
    expect(usage?.budget?.spentUsd).toBeCloseTo(3 * FIXTURE_COST, 12);
    expect(usage?.budget?.remainingUsd).toBeCloseTo(0.45 - 3 * FIXTURE_COST, 12);
  });

  it('overshoots a budget by no more than its admitted calls cost beyond their reservations, as documented, then refuses', async () => {
    fake.reply({ body: COSTLY });
    const { client, layer } = limitedClient(
      [{ name: 'team', scope: 'team', budget: { usd: 0.45, period: 'day' } }],
      { defaultOutputTokens: 512 },
    );
    const results = await outcomes(
      Array.from({ length: 5 }, () => call(client, { team: 'search' })),
    );
    expect(results.ok).toBe(3);
    await client.flush();
    // Each cost $0.30 where it had reserved $0.15: the bound is 0.45 + 3 × 0.15.
    const [usage] = await layer.usage('search');
    expect(usage?.budget?.spentUsd).toBeCloseTo(0.9, 9);
    await expect(call(client, { team: 'search' })).rejects.toBeInstanceOf(BudgetExceededError);
  });

  it('never lets a fifth call in flight with maxParallel 4, and gives a slot back when a call ends', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    fake.reply({ body: fixture('openai-chat.json'), gate });
    const { client, layer } = limitedClient([{ name: 'pool', scope: 'pool', maxParallel: 4 }]);
    const pool = { pool: 'everyone' };
    const held = Array.from({ length: 6 }, () => call(client, pool));
    const refused = await outcomes(held.slice(4));
    expect(refused.failures.map((failure) => failure.code)).toEqual(['rate_limit', 'rate_limit']);
    await vi.waitFor(() => expect(fake.requests).toHaveLength(4));
    expect((await layer.usage('everyone'))[0]?.maxParallel).toEqual({ limit: 4, inFlight: 4 });
    release();
    await Promise.all(held.slice(0, 4));
    await client.flush();
    expect((await layer.usage('everyone'))[0]?.maxParallel).toEqual({ limit: 4, inFlight: 0 });
    fake.reply({ body: fixture('openai-chat.json') });
    await call(client, pool);
    expect(fake.requests).toHaveLength(5);
  });

  it('settles tokens to the usage, and gives back what a failed call reserved (its request stays counted)', async () => {
    const { client, layer } = limitedClient(
      [
        {
          name: 'per-user',
          scope: 'user',
          rpm: 100,
          tpm: 10_000,
          maxParallel: 2,
          budget: { usd: 1, period: 'month' },
        },
      ],
      { defaultOutputTokens: 1000 },
    );
    await call(client);
    await client.flush();
    const [after] = await layer.usage('alice');
    expect(after).toMatchObject({
      rpm: { used: 1 },
      tpm: { used: 379, remaining: 10_000 - 379 },
      maxParallel: { inFlight: 0 },
      budget: { spentUsd: FIXTURE_COST },
    });

    fake.reply({ status: 500, body: '{"error":{"message":"down"}}' });
    await expect(call(client)).rejects.toMatchObject({ code: 'internal_server' });
    await client.flush();
    const [afterFailure] = await layer.usage('alice');
    expect(afterFailure).toMatchObject({
      rpm: { used: 2 },
      tpm: { used: 379 },
      maxParallel: { inFlight: 0 },
      budget: { spentUsd: FIXTURE_COST },
    });
  });

  it('refuses a call whose estimated tokens do not fit what is left of tpm, and fits one once a settlement gave back the unused estimate', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-06T10:00:00Z'));
    // Each call reserves its prompt (a few tokens) and 600 output tokens, and uses 379 in all.
    const { client, layer } = limitedClient([{ name: 'per-user', scope: 'user', tpm: 1000 }], {
      defaultOutputTokens: 600,
    });
    const both = await outcomes([call(client), call(client)]);
    expect(both.ok).toBe(1);
    expect(both.failures[0]).toBeInstanceOf(RateLimitError);
    expect(both.failures[0]).toMatchObject({ retryAfterMs: 60_000 });
    expect(both.failures[0].message).toMatch(
      /1000 tokens per minute \(6\d\d used; this call reserves 6\d\d\)/,
    );
    await client.flush();
    expect((await layer.usage('alice'))[0]?.tpm).toEqual({
      limit: 1000,
      used: 379,
      remaining: 621,
    });
    await call(client);
    expect(fake.requests).toHaveLength(2);
  });

  it('takes one round trip to reserve and one to settle: exactly one EVAL each per call, and nothing else', async () => {
    const proxy = await redisProxy();
    try {
      const { client, layer, keyPrefix } = limitedClient(
        [
          { name: 'per-user', scope: 'user', rpm: 100, tpm: 100_000, maxParallel: 10 },
          { name: 'per-team', scope: 'team', rpm: 1, budget: { usd: 10, period: 'day' } },
        ],
        {},
        { url: `redis://127.0.0.1:${proxy.port}` },
      );
      await layer.usage('warm-up'); // the connection's own commands (its ready check) go first
      proxy.commands.length = 0;
      for (let index = 0; index < 3; index++) await call(client);
      await Promise.all(Array.from({ length: 5 }, () => call(client, { user: 'bob' })));
      await client.flush();
      expect(proxy.commands.map(([name]) => name)).toEqual(Array(16).fill('EVAL'));
      // Two scripts, eight times each: the first command is a reservation.
      const scripts = proxy.commands.map((command) => command[1]);
      const [reserve, settle, ...others] = new Set(scripts);
      expect(others).toEqual([]);
      expect(scripts.filter((script) => script === reserve)).toHaveLength(8);
      expect(scripts.filter((script) => script === settle)).toHaveLength(8);
      expect(reserve).toContain('INCRBY');
      expect(settle).toContain('ZREM');
      // Every key is under the store's prefix.
      for (const [, , count, ...rest] of proxy.commands) {
        const keys = rest.slice(0, Number(count));
        expect(keys.length).toBeGreaterThan(0);
        for (const key of keys) expect(key.startsWith(keyPrefix)).toBe(true);
      }

      // A refused call: its reservation only.
      proxy.commands.length = 0;
      await call(client, { user: 'carol', team: 'search' });
      await expect(call(client, { user: 'carol', team: 'search' })).rejects.toBeInstanceOf(
        RateLimitError,
      );
      await client.flush();
      expect(proxy.commands.map(([name]) => name)).toEqual(['EVAL', 'EVAL', 'EVAL']);
    } finally {
      await proxy.stop();
    }
  });

  it('keeps every counter under the store’s key prefix, each key with a TTL no longer than it needs', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-06T23:00:00Z'));
    let release: () => void = () => {};
    fake.reply({
      body: fixture('openai-chat.json'),
      gate: new Promise<void>((resolve) => {
        release = resolve;
      }),
    });
    const { client, keyPrefix } = limitedClient(
      [
        {
          name: 'per-user',
          scope: 'user',
          rpm: 10,
          tpm: 100_000,
          maxParallel: 2,
          budget: { usd: 1, period: 'day' },
        },
      ],
      { parallelLeaseMs: 30_000 },
    );
    const inFlight = call(client);
    await vi.waitFor(() => expect(fake.requests).toHaveLength(1));
    const redis = await rawRedis();
    try {
      const keys = (await redis.keys(`${keyPrefix}*`)).map((key) => key.slice(keyPrefix.length));
      expect(keys.sort()).toEqual([
        'limits:per-user:alice:budget:2026-12-06',
        'limits:per-user:alice:parallel',
        'limits:per-user:alice:rpm',
        'limits:per-user:alice:tpm',
      ]);
      const ttl = async (key: string) => redis.pttl(`${keyPrefix}limits:per-user:alice:${key}`);
      // A minute and a bucket; the longest lease; an hour to midnight and a minute more.
      expect(await ttl('rpm')).toBeGreaterThan(60_000);
      expect(await ttl('rpm')).toBeLessThanOrEqual(65_000);
      expect(await ttl('tpm')).toBeLessThanOrEqual(65_000);
      expect(await ttl('parallel')).toBeGreaterThan(0);
      expect(await ttl('parallel')).toBeLessThanOrEqual(30_000);
      expect(await ttl('budget:2026-12-06')).toBeGreaterThan(3_600_000);
      expect(await ttl('budget:2026-12-06')).toBeLessThanOrEqual(3_660_000);
    } finally {
      release();
      await inFlight;
      redis.disconnect();
    }
  });

  describe('when Redis fails', () => {
    it('fails open by default when Redis goes down: the call goes, counted in this process, reported once', async () => {
      const proxy = await redisProxy();
      try {
        const { client, reports } = limitedClient(
          [{ name: 'per-user', scope: 'user', rpm: 3 }],
          { storeTimeoutMs: 1000 },
          { url: `redis://127.0.0.1:${proxy.port}` },
        );
        await call(client); // counted in Redis
        await proxy.stop();
        const results = await outcomes(Array.from({ length: 5 }, () => call(client)));
        // This process's own counters start empty: three more.
        expect(results.ok).toBe(3);
        expect(results.failures.map((failure) => failure.code)).toEqual([
          'rate_limit',
          'rate_limit',
        ]);
        expect(fake.requests).toHaveLength(4);
        expect(reports.map(({ info }) => info)).toEqual([
          { callback: 'limits (store)', event: 'reserve' },
        ]);
      } finally {
        await proxy.stop();
      }
    });

    it('fails closed when asked: with Redis down, no call goes, each fails with a final ServiceUnavailableError', async () => {
      const proxy = await redisProxy();
      try {
        const { client, reports } = limitedClient(
          [{ name: 'per-user', scope: 'user', rpm: 3 }],
          { storeTimeoutMs: 1000, failOpen: false },
          { url: `redis://127.0.0.1:${proxy.port}` },
        );
        await call(client);
        await proxy.stop();
        const results = await outcomes(Array.from({ length: 3 }, () => call(client)));
        expect(results.ok).toBe(0);
        for (const failure of results.failures) {
          expect(failure).toBeInstanceOf(ServiceUnavailableError);
          expect(failure.final).toBe(true);
        }
        expect(fake.requests).toHaveLength(1);
        expect(reports).toHaveLength(1);
      } finally {
        await proxy.stop();
      }
    });

    it('gives back a reservation that lands after its timeout: a slow spell leaves nothing counted in Redis', async () => {
      const proxy = await redisProxy();
      try {
        const connection = { url: `redis://127.0.0.1:${proxy.port}` };
        const rules = [{ name: 'per-user', scope: 'user', rpm: 100, maxParallel: 1 }];
        const { client, layer } = limitedClient(rules, { storeTimeoutMs: 50 }, connection);
        await layer.usage('alice');
        // Every reply 300 ms late, and kept so (a change would reorder the proxy's replies).
        proxy.delayMs = 300;
        await call(client); // admitted in this process; the shared reservation lands late
        await expect
          .poll(async () => (await layer.usage('alice'))[0]?.maxParallel?.inFlight, {
            timeout: 5000,
            interval: 100,
          })
          .toBe(0);
        expect((await layer.usage('alice'))[0]?.rpm?.used).toBe(0);
      } finally {
        await proxy.stop();
      }
    });

    it('treats Redis slower than storeTimeoutMs as down, open or closed, without waiting for it', async () => {
      const proxy = await redisProxy();
      try {
        const connection = { url: `redis://127.0.0.1:${proxy.port}` };
        const rules = [{ name: 'per-user', scope: 'user', rpm: 3 }];
        const open = limitedClient(rules, { storeTimeoutMs: 50 }, connection);
        const closed = limitedClient(rules, { storeTimeoutMs: 50, failOpen: false }, connection);
        await Promise.all([open.layer.usage('warm-up'), closed.layer.usage('warm-up')]);
        proxy.delayMs = 2_000;
        const started = performance.now();
        const opened = await outcomes(Array.from({ length: 4 }, () => call(open.client)));
        const refused = await outcomes(Array.from({ length: 2 }, () => call(closed.client)));
        expect(performance.now() - started).toBeLessThan(1_500);
        expect(opened.ok).toBe(3);
        expect(opened.failures.map((failure) => failure.code)).toEqual(['rate_limit']);
        expect(refused.failures.map((failure) => failure.code)).toEqual([
          'service_unavailable',
          'service_unavailable',
        ]);
        expect(fake.requests).toHaveLength(3);
        for (const { reports } of [open, closed]) {
          expect(reports.map(({ info }) => info)).toEqual([
            { callback: 'limits (store)', event: 'reserve' },
          ]);
          expect(String(reports[0]?.error)).toContain('longer than 50 ms');
        }
      } finally {
        await proxy.stop();
      }
    });
  });
});

describeWithRedis('RedisLimitStore', () => {
  it('counts as MemoryLimitStore does, step by step: windows, leases, periods, refusals, settlements, and what has ended', async () => {
    const t0 = Date.parse('2026-12-06T10:00:00Z');
    const bucket0 = t0 / 5000;
    const window: Counter = { kind: 'window', key: 'w', limit: 10, amount: 4 };
    const parallel: Counter = { kind: 'parallel', key: 'p', limit: 2, amount: 1, leaseMs: 30_000 };
    const period: Counter = {
      kind: 'period',
      key: 'b',
      limit: 1000,
      amount: 300,
      endsAt: t0 + 3_600_000,
    };
    const all = [window, parallel, period];
    const script = (store: LimitStore) => [
      () => store.reserve(all, 'c1', t0),
      () => store.reserve(all, 'c2', t0 + 1_000),
      // the window is full first: refused on it, nothing counted
      () => store.reserve(all, 'c3', t0 + 2_000),
      () => store.reserve([parallel], 'c3', t0 + 2_000),
      () =>
        store.settle(
          [
            { counter: window, delta: -3 },
            { counter: parallel, delta: 0 },
            { counter: period, delta: -200 },
          ],
          'c1',
          bucket0,
          t0 + 3_000,
        ),
      () => store.read(all, t0 + 3_000),
      () => store.reserve(all, 'c4', t0 + 6_000),
      () => store.reserve([period], 'c5', t0 + 7_000),
      () => store.reserve([period], 'c6', t0 + 7_000),
      // never below zero
      () => store.settle([{ counter: window, delta: -50 }], 'c2', bucket0, t0 + 8_000),
      () => store.read(all, t0 + 8_000),
      // more than the limit on its own: refused with no time
      () => store.reserve([{ ...window, amount: 11 }], 'c7', t0 + 8_000),
      // the leases of c2 (t0 + 31 s) and c4 (t0 + 36 s) have ended
      () => store.read(all, t0 + 40_000),
      () => store.reserve(all, 'c8', t0 + 40_000),
      // bucket0 has left the window: a settlement there changes nothing
      () => store.settle([{ counter: window, delta: 5 }], 'c8', bucket0, t0 + 61_000),
      () => store.read(all, t0 + 61_000),
      () => store.read(all, t0 + 101_000),
      // the period has ended too; a thousand reservations elsewhere, past the memory's sweep
      () => store.read(all, t0 + 3_700_000),
      () => reserveElsewhere(store, 1_000, t0 + 3_700_000),
      () => store.read(all, t0 + 3_700_000),
      () => store.reserve(all, 'c9', t0 + 3_700_000),
      () => store.read([window, parallel], t0 + 3_700_000),
    ];
    const reserveElsewhere = async (store: LimitStore, count: number, now: number) => {
      let admitted = 0;
      for (let index = 0; index < count; index++) {
        const counter: Counter = { kind: 'window', key: `other:${index}`, limit: 1, amount: 1 };
        if ((await store.reserve([counter], `other-${index}`, now)).ok) admitted++;
      }
      return admitted;
    };
    const run = async (store: LimitStore) => {
      const results: unknown[] = [];
      for (const step of script(store)) results.push(await step());
      return results;
    };
    const memory = await run(new MemoryLimitStore());
    const { store } = newStore();
    const redis = await run(new RedisLimitStore(store));
    expect(redis).toEqual(memory);
    expect(memory.slice(0, -5)).toMatchInlineSnapshot(`
      [
        {
          "bucket": 359310240,
          "ok": true,
          "used": [
            0,
            0,
            0,
          ],
        },
        {
          "bucket": 359310240,
          "ok": true,
          "used": [
            4,
            1,
            300,
          ],
        },
        {
          "fitsAt": 1796551260000,
          "index": 0,
          "ok": false,
          "used": 8,
        },
        {
          "fitsAt": 1796551230000,
          "index": 0,
          "ok": false,
          "used": 2,
        },
        undefined,
        [
          5,
          1,
          400,
        ],
        {
          "bucket": 359310241,
          "ok": true,
          "used": [
            5,
            1,
            400,
          ],
        },
        {
          "bucket": 359310241,
          "ok": true,
          "used": [
            700,
          ],
        },
        {
          "fitsAt": 1796554800000,
          "index": 0,
          "ok": false,
          "used": 1000,
        },
        undefined,
        [
          4,
          2,
          1000,
        ],
        {
          "fitsAt": undefined,
          "index": 0,
          "ok": false,
          "used": 4,
        },
        [
          4,
          0,
          1000,
        ],
        {
          "fitsAt": 1796554800000,
          "index": 2,
          "ok": false,
          "used": 1000,
        },
        undefined,
        [
          4,
          0,
          1000,
        ],
        [
          0,
          0,
          1000,
        ],
      ]
    `);
    expect(memory.slice(-5)).toEqual([
      [0, 0, 0],
      1_000,
      [0, 0, 0],
      { ok: true, bucket: (t0 + 3_700_000) / 5000, used: [0, 0, 0] },
      [4, 1],
    ]);
  });
});

describe('RedisLimitStore, answered by something else than its scripts', () => {
  /** A RedisStore whose every command answers `reply`. */
  const answering = (reply: unknown) =>
    ({ run: async () => reply }) as unknown as ConstructorParameters<typeof RedisLimitStore>[0];
  const counter: Counter = { kind: 'window', key: 'w', limit: 10, amount: 1 };

  it('turns a reply of the wrong shape into an UnexpectedError that says what came', async () => {
    for (const reply of ['OK', [1], [1, -1], [0, 2, 0, -1], [0, 1, 'x', -1], null]) {
      const failure = await new RedisLimitStore(answering(reply))
        .reserve([counter], 'c', 0)
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(UnexpectedError);
      expect((failure as Error).message).toContain('reservation script answered');
    }
    await expect(new RedisLimitStore(answering([1, 2])).read([counter], 0)).rejects.toThrow(
      /read script answered \[1,2\]/,
    );
    await expect(new RedisLimitStore(answering([3])).read([counter], 0)).resolves.toEqual([3]);
  });

  it('fails open on such a reply, as on any failure of the store', async () => {
    const layer = limits({
      rules: [{ scope: 'user', rpm: 1 }],
      store: new RedisLimitStore(answering('OK')),
    });
    const client = createClient({
      middleware: [layer],
      providers: { openai: { apiKey: 'sk-test', apiBase: fake.url } },
    });
    const reports: unknown[] = [];
    client.onCallbackError = (error) => reports.push(error);
    await call(client);
    expect(fake.requests).toHaveLength(1);
    expect(reports[0]).toBeInstanceOf(UnexpectedError);
  });
});

import { randomUUID } from 'node:crypto';
import { Cache } from 'shallot';
import { expect } from 'vitest';
import type { FakeProvider } from '../support/fake-provider.js';
import {
  REDIS_TEST_PREFIX,
  REDIS_TEST_TTL_SECONDS,
  REDIS_URL,
  redisCacheOptions,
} from '../support/redis.js';
import {
  countingClient,
  expectPrototypesClean,
  maxLoopDelayDuring,
  paramsFor,
  readToEnd,
} from './support.js';
import { validBodies } from './wire.js';

/**
 * Plays another process that poisons a shared Redis cache: for a plain and a streamed call, a
 * first call fills the entry, `entry` (any JSON value) is written over it, and the same call
 * again must be a miss: it reaches `fake`, succeeds, with no prototype change, no blocked
 * loop, and one terminal event each. Its keys live in the run's namespace, each with a TTL:
 * the test file calls `cleanUpRedisAfterAll()`.
 */
export async function expectRedisPoisonIsAMiss(fake: FakeProvider, entry: unknown): Promise<void> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(REDIS_URL);
  const namespace = `hostile-${randomUUID()}`;
  try {
    for (const stream of [false, true]) {
      fake.reply({ body: stream ? validBodies('openai').stream : validBodies('openai').plain });
      const counting = countingClient('openai', fake.url);
      counting.client.cache = new Cache(redisCacheOptions({ namespace }));
      const params = {
        ...paramsFor('openai'),
        messages: [{ role: 'user' as const, content: `poison ${stream}` }],
      };
      const call = async () => {
        if (stream) return readToEnd(await counting.client.completion({ ...params, stream: true }));
        await counting.client.completion(params);
        return undefined;
      };
      await call();
      await counting.client.flush();
      const keys = await redis.keys(`${REDIS_TEST_PREFIX}${namespace}:*`);
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) {
        await redis.set(key, JSON.stringify(entry), 'EX', REDIS_TEST_TTL_SECONDS);
      }
      const sent = fake.requests.length;
      const { result, maxDelayMs } = await maxLoopDelayDuring(call);
      expect(result).toBeUndefined();
      expect(maxDelayMs).toBeLessThan(100);
      expect(fake.requests.length).toBe(sent + 1);
      expect(await counting.terminalEvents()).toBe(2);
      expect(counting.successes.map((kwargs) => kwargs.cache_hit)).toEqual([false, false]);
      await counting.client.shutdown();
      expectPrototypesClean();
      await redis.del(...keys);
    }
  } finally {
    redis.disconnect();
  }
}

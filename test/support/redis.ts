/**
 * The one way a test reaches Redis: where it is, whether it answers, what a test does when it
 * does not (skips, with a message, on a laptop; fails under CI), and this run's namespace (a
 * key prefix of its own, a TTL on every key, deleted after the file's tests).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { Cache, type CacheOptions, type RedisStoreOptions } from 'shallot';
import { afterAll, expect } from 'vitest';
import { serviceGate } from './services.js';

const env = process.env;

/**
 * Where the Redis tests connect: `SHALLOT_TEST_REDIS_URL`, else `REDIS_URL`, else
 * `REDIS_HOST` and `REDIS_PORT`, else the machine's server on 127.0.0.1:6379.
 */
export const REDIS_URL =
  env.SHALLOT_TEST_REDIS_URL ??
  env.REDIS_URL ??
  `redis://${env.REDIS_HOST ?? '127.0.0.1'}:${env.REDIS_PORT ?? 6379}`;
const address = new URL(REDIS_URL);
export const REDIS_HOST = address.hostname.replace(/^\[(.*)\]$/, '$1');
export const REDIS_PORT = Number(address.port || 6379);
/** REDIS_URL without its password, for messages. */
const REDIS_WHERE = REDIS_URL.replace(/\/\/[^@/]*@/, '//');

/** This run's key prefix: every key a test writes starts with it, no two runs share one. */
export const REDIS_TEST_PREFIX = `shallot-test:${process.pid}-${randomBytes(4).toString('hex')}:`;
/** Seconds a test key lives at most: a run killed before its cleanup leaves nothing for long. */
export const REDIS_TEST_TTL_SECONDS = 600;
/** Milliseconds a real Redis gets to answer: generous, so that a loaded machine is no miss. */
export const REDIS_TEST_TIMEOUT_MS = 5000;

/** A store's options in this run's namespace, with generous timeouts; `overrides` win. */
export function redisStoreOptions(overrides: RedisStoreOptions = {}): RedisStoreOptions {
  return {
    url: REDIS_URL,
    keyPrefix: REDIS_TEST_PREFIX,
    commandTimeout: REDIS_TEST_TIMEOUT_MS,
    ...overrides,
  };
}

/** `new Cache(...)` options for Redis in this run's namespace, every entry with a TTL. */
export function redisCacheOptions(overrides: CacheOptions = {}): CacheOptions {
  return {
    type: 'redis',
    ...redisStoreOptions(),
    ttl: REDIS_TEST_TTL_SECONDS,
    timeoutMs: REDIS_TEST_TIMEOUT_MS,
    ...overrides,
  };
}

/** True when a Redis server answers PING at REDIS_URL within a few seconds. */
export async function redisIsUp(): Promise<boolean> {
  const password = decodeURIComponent(address.password) || env.REDIS_PASSWORD;
  const username = decodeURIComponent(address.username);
  const commands = password
    ? [`AUTH ${username ? `${username} ` : ''}${password}`, 'PING']
    : ['PING'];
  return new Promise((resolve) => {
    const socket = connect({ host: REDIS_HOST, port: REDIS_PORT });
    let replies = '';
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.setTimeout(REDIS_TEST_TIMEOUT_MS, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write(commands.map((line) => `${line}\r\n`).join('')));
    socket.on('data', (data) => {
      replies += data.toString();
      const lines = replies.split('\r\n').slice(0, -1);
      if (lines.length >= commands.length) done(lines.at(-1) === '+PONG');
    });
  });
}

/** Whether Redis answered when this test file started. */
const redisUp = await redisIsUp();
const gate = serviceGate(
  'Redis',
  redisUp,
  `Redis is not reachable at ${REDIS_WHERE}`,
  'Start redis-server (.ci/run does), or set SHALLOT_TEST_REDIS_URL.',
);

/**
 * A `describe` whose tests need Redis: they run when it answers, are skipped with a warning
 * when it does not, and fail when it does not and `CI` is set.
 */
export const describeWithRedis = gate.describeWith;

/** An `it` that needs Redis: runs when it answers, else skips with a note, or fails under CI. */
export const itWithRedis = gate.itWith;

/**
 * After the file's tests, deletes every key of this run's namespace (SCAN and UNLINK), and
 * fails if one of them had no TTL: a key without one would outlive a run that died.
 */
export function cleanUpRedisAfterAll(): void {
  afterAll(async () => {
    if (!redisUp) return;
    const { Redis } = await import('ioredis');
    const redis = new Redis(REDIS_URL, {
      commandTimeout: REDIS_TEST_TIMEOUT_MS,
      connectTimeout: REDIS_TEST_TIMEOUT_MS,
    });
    const withoutTtl: string[] = [];
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(
          cursor,
          'MATCH',
          `${REDIS_TEST_PREFIX}*`,
          'COUNT',
          500,
        );
        cursor = next;
        if (keys.length === 0) continue;
        const ttls = await Promise.all(keys.map((key) => redis.pttl(key)));
        withoutTtl.push(...keys.filter((_key, index) => ttls[index] === -1));
        await redis.unlink(...keys);
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
    expect(withoutTtl, 'Redis keys this run wrote without a TTL').toEqual([]);
  });
}

/** A TCP proxy in front of Redis that a test can stop: "Redis went down". */
export interface StoppableProxy {
  port: number;
  stop(): Promise<void>;
}

export async function redisProxy(): Promise<StoppableProxy> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect({ host: REDIS_HOST, port: REDIS_PORT });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    stop: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Where a test's cache keeps its entries. */
export type TestCacheKind = 'local' | 'redis';

/**
 * For the cache tests of a file: a function that makes a fresh `Cache` of either kind, each in
 * a namespace of its own (Redis ones in this run's namespace), all closed after the file's
 * tests, and this run's Redis keys deleted.
 */
export function useTestCaches(): (kind: TestCacheKind) => Cache {
  cleanUpRedisAfterAll();
  const caches: Cache[] = [];
  afterAll(async () => {
    for (const cache of caches) await cache.close();
  });
  return (kind) => {
    const namespace = `test-${randomUUID()}`;
    const cache = new Cache(
      kind === 'redis' ? redisCacheOptions({ namespace }) : { type: kind, namespace },
    );
    caches.push(cache);
    return cache;
  };
}

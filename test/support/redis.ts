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
    if (redisUp) await deleteRedisKeys([`${REDIS_TEST_PREFIX}*`]);
  });
}

/**
 * Deletes every key that matches one of `patterns` (SCAN and UNLINK), and fails if one of them
 * had no TTL; `writer` names who wrote them, in that failure. {@link cleanUpRedisAfterAll} runs
 * it on this run's namespace; a test of code that writes under a prefix of its own (a gateway's
 * `shallot:`) runs it on the keys it knows to be its own.
 *
 * @example
 * await deleteRedisKeys([`*${deploymentId}*`], 'the gateways');
 */
export async function deleteRedisKeys(
  patterns: readonly string[],
  writer = 'this run',
): Promise<void> {
  if (patterns.length === 0) return;
  const { Redis } = await import('ioredis');
  const redis = new Redis(REDIS_URL, {
    commandTimeout: REDIS_TEST_TIMEOUT_MS,
    connectTimeout: REDIS_TEST_TIMEOUT_MS,
  });
  const withoutTtl: string[] = [];
  try {
    for (const pattern of patterns) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
        cursor = next;
        if (keys.length === 0) continue;
        const ttls = await Promise.all(keys.map((key) => redis.pttl(key)));
        withoutTtl.push(...keys.filter((_key, index) => ttls[index] === -1));
        await redis.unlink(...keys);
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
  expect(withoutTtl, `Redis keys ${writer} wrote without a TTL`).toEqual([]);
}

/**
 * A TCP proxy in front of Redis that a test can stop ("Redis went down"), slow down ("Redis
 * became slow") and listen to (every command its clients sent).
 */
export interface StoppableProxy {
  port: number;
  /** Milliseconds every reply is held back from the moment it is set; 0: none. */
  delayMs: number;
  /** Every command the proxy's clients sent, in order, each as its words (`['EVAL', script, ...]`). */
  readonly commands: string[][];
  stop(): Promise<void>;
}

export async function redisProxy(): Promise<StoppableProxy> {
  const sockets = new Set<Socket>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const commands: string[][] = [];
  const server: Server = createServer((client) => {
    const upstream = connect({ host: REDIS_HOST, port: REDIS_PORT });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    const read = commandReader((command) => commands.push(command));
    client.on('data', (data: Buffer) => {
      read(data);
      upstream.write(data);
    });
    upstream.on('data', (reply: Buffer) => {
      if (proxy.delayMs === 0) {
        client.write(reply);
        return;
      }
      // Equal delays fire in the order set: the replies keep their order.
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!client.destroyed) client.write(reply);
      }, proxy.delayMs);
      timers.add(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxy: StoppableProxy = {
    port: (server.address() as { port: number }).port,
    delayMs: 0,
    commands,
    stop: () =>
      new Promise((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  return proxy;
}

/**
 * Reads the commands of a client's byte stream (RESP arrays of bulk strings, as every Redis
 * client sends them), as its bytes arrive in pieces of any size.
 */
function commandReader(onCommand: (command: string[]) => void): (data: Buffer) => void {
  let pending: Buffer = Buffer.alloc(0);
  return (data) => {
    pending = pending.length === 0 ? data : Buffer.concat([pending, data]);
    for (;;) {
      const parsed = readCommand(pending);
      if (parsed === undefined) return;
      onCommand(parsed.command);
      pending = pending.subarray(parsed.length);
    }
  };
}

/** The first whole command in `bytes` and its length in bytes, or undefined if it is not all there. */
function readCommand(bytes: Buffer): { command: string[]; length: number } | undefined {
  const line = (from: number) => {
    const end = bytes.indexOf('\r\n', from);
    return end < 0 ? undefined : { text: bytes.toString('latin1', from, end), next: end + 2 };
  };
  const head = line(0);
  if (head === undefined) return undefined;
  if (!head.text.startsWith('*')) {
    // An inline command (`PING`), as people type them.
    return { command: head.text.split(' '), length: head.next };
  }
  const command: string[] = [];
  let offset = head.next;
  for (let count = Number(head.text.slice(1)); count > 0; count--) {
    const size = line(offset);
    if (size === undefined) return undefined;
    const end = size.next + Number(size.text.slice(1));
    if (bytes.length < end + 2) return undefined;
    command.push(bytes.toString('utf8', size.next, end));
    offset = end + 2;
  }
  return { command, length: offset };
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

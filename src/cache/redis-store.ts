import type { Redis, RedisOptions } from 'ioredis';
import {
  assertInstalled,
  importOptional,
  type OptionalPackage,
} from '../optional/optional-package.js';
import { decodeCacheEntry, encodeCacheEntry } from './entry-codec.js';
import type { CacheEntry, CacheStore } from './types.js';

/** How to reach Redis. */
export interface RedisStoreOptions {
  /** `redis://[:password@]host:port[/db]`, or `rediss://` for TLS. Overrides host and port. */
  url?: string;
  /** @default REDIS_HOST, then 127.0.0.1 */
  host?: string;
  /** @default REDIS_PORT, then 6379 */
  port?: number;
  /** @default REDIS_PASSWORD */
  password?: string;
  username?: string;
  db?: number;
  /** TLS options, or true for TLS with the defaults. */
  tls?: boolean | Record<string, unknown>;
  /** Prefix of every key this store writes. @default 'shallot:' */
  keyPrefix?: string;
  /** Milliseconds before a command is abandoned. @default 1000 */
  commandTimeout?: number;
  /** Called when the connection reports an error (Redis down, say). */
  onError?: (error: unknown) => void;
}

/**
 * The store's ioredis connection, as {@link RedisStore.client} gives it: typed by a few
 * commands, so that shallot's types need no ioredis to compile. It is an ioredis `Redis`:
 * `call()` sends any command, or cast it (`import type { Redis } from 'ioredis'`).
 */
export interface RedisConnection {
  /** `'connecting'`, `'ready'`, `'end'` after `close()`, ... */
  readonly status: string;
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<unknown>;
  del(...keys: string[]): Promise<number>;
  keys(pattern: string): Promise<string[]>;
  pttl(key: string): Promise<number>;
  /** Any command: `call('HGET', 'key', 'field')`. */
  call(command: string, ...args: Array<string | number | Buffer>): Promise<unknown>;
  disconnect(): void;
}

/** The Redis client, an optional peer dependency: `npm install ioredis`. */
const IOREDIS: OptionalPackage = { name: 'ioredis', neededBy: 'RedisStore' };

/**
 * A Redis store (ioredis) that many processes and machines share. Commands fail fast when
 * Redis is unreachable rather than queueing, so a Redis outage becomes cache misses, not
 * hanging calls. ioredis is loaded, and the connection opened, when the store is created.
 *
 * ioredis is not installed with shallot (`npm install ioredis`); without it, creating the
 * store (or `new Cache({ type: 'redis' })`) throws a `ValidationError` that says so.
 */
export class RedisStore implements CacheStore {
  readonly #options: RedisStoreOptions;
  #client: Promise<Redis> | undefined;

  constructor(options: RedisStoreOptions = {}) {
    assertInstalled(IOREDIS);
    this.#options = options;
    // Connect now, so the first call does not wait for the connection.
    this.#redis().catch(() => {});
  }

  async get(key: string): Promise<CacheEntry | undefined> {
    const json = await (await this.#redis()).get(key);
    return json === null ? undefined : decodeCacheEntry(json);
  }

  async set(key: string, entry: CacheEntry, ttlSeconds?: number): Promise<void> {
    const redis = await this.#redis();
    const json = encodeCacheEntry(entry);
    if (ttlSeconds === undefined) await redis.set(key, json);
    else await redis.set(key, json, 'PX', Math.max(1, Math.round(ttlSeconds * 1000)));
  }

  async delete(key: string): Promise<void> {
    await (await this.#redis()).del(key);
  }

  /** The ioredis client, for commands of your own. */
  client(): Promise<RedisConnection> {
    return this.#redis();
  }

  async close(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    if (client) (await client).disconnect();
  }

  #redis(): Promise<Redis> {
    this.#client ??= connect(this.#options);
    return this.#client;
  }
}

async function connect(options: RedisStoreOptions): Promise<Redis> {
  const { Redis } = await importOptional(IOREDIS, () => import('ioredis'));
  const env = process.env;
  const settings: RedisOptions = {
    keyPrefix: options.keyPrefix ?? 'shallot:',
    commandTimeout: options.commandTimeout ?? 1000,
    connectTimeout: options.commandTimeout ?? 1000,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  };
  if (options.username !== undefined) settings.username = options.username;
  const password = options.password ?? env.REDIS_PASSWORD;
  if (password) settings.password = password;
  if (options.db !== undefined) settings.db = options.db;
  if (options.tls) settings.tls = options.tls === true ? {} : options.tls;
  const url = options.url ?? env.REDIS_URL;
  const redis = url
    ? new Redis(url, settings)
    : new Redis({
        ...settings,
        host: options.host ?? env.REDIS_HOST ?? '127.0.0.1',
        port: options.port ?? (env.REDIS_PORT ? Number(env.REDIS_PORT) : 6379),
      });
  redis.on('error', (error: unknown) => options.onError?.(error));
  await waitUntilReady(redis);
  return redis;
}

/** Waits for the first connection, so the first command does not fail for want of one. */
function waitUntilReady(redis: Redis): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      redis.off('ready', done);
      redis.off('error', done);
      resolve();
    };
    redis.once('ready', done);
    redis.once('error', done);
  });
}

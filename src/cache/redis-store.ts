import type { Socket } from 'node:net';
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
 * An idle store does not keep the process alive: its socket is held (`ref()`) only while one
 * of its commands is under way, so a script that ends, ends, with no `shutdown()`; and it
 * stops reconnecting while idle, connecting anew at its next command. Calling `client()`
 * hands the connection over: from then on it holds the process as any ioredis connection
 * does, until `close()`.
 *
 * ioredis is not installed with shallot (`npm install ioredis`); without it, creating the
 * store (or `new Cache({ type: 'redis' })`) throws a `ValidationError` that says so.
 */
export class RedisStore implements CacheStore {
  readonly #options: RedisStoreOptions;
  #client: Promise<Redis> | undefined;
  /** The connection once made: its status tells whether it gave up reconnecting. */
  #connection: Redis | undefined;
  /** Commands under way: the socket holds the process only while there are some. */
  #busy = 0;
  /** Set by `client()`: the caller's commands are not counted, so the socket stays held. */
  #handedOver = false;

  constructor(options: RedisStoreOptions = {}) {
    assertInstalled(IOREDIS);
    this.#options = options;
    // Connect now, so the first call does not wait for the connection.
    this.#redis().catch(() => {});
  }

  get(key: string): Promise<CacheEntry | undefined> {
    return this.#run(async (redis) => {
      const json = await redis.get(key);
      return json === null ? undefined : decodeCacheEntry(json);
    });
  }

  set(key: string, entry: CacheEntry, ttlSeconds?: number): Promise<void> {
    return this.#run(async (redis) => {
      const json = encodeCacheEntry(entry);
      if (ttlSeconds === undefined) await redis.set(key, json);
      else await redis.set(key, json, 'PX', Math.max(1, Math.round(ttlSeconds * 1000)));
    });
  }

  delete(key: string): Promise<void> {
    return this.#run(async (redis) => {
      await redis.del(key);
    });
  }

  /**
   * Runs commands of your own on the store's connection, holding the process only while they
   * run (an idle store lets a script end): what a layer that keeps shared state in Redis uses
   * (the router's cooldowns and usage). The store's `keyPrefix` applies to the keys of every
   * command ioredis knows the keys of (`EVAL` and `EVALSHA` included).
   *
   * @example
   * const count = await store.run((redis) => redis.call('INCR', 'my-counter'));
   */
  run<T>(commands: (redis: RedisConnection) => Promise<T>): Promise<T> {
    return this.#run(commands);
  }

  /** The ioredis client, for commands of your own; it then holds the process until `close()`. */
  client(): Promise<RedisConnection> {
    this.#handedOver = true;
    this.#hold();
    return this.#redis();
  }

  async close(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    this.#connection = undefined;
    if (client) (await client).disconnect();
  }

  /** Runs one command with the socket held, and lets it go when no command is left. */
  async #run<T>(command: (redis: Redis) => Promise<T>): Promise<T> {
    this.#busy++;
    this.#hold();
    try {
      return await command(await this.#redis());
    } finally {
      this.#busy--;
      this.#hold();
    }
  }

  /** Refs the socket while it has work (or was handed over), unrefs it otherwise. */
  #hold(): void {
    const socket = (this.#connection as { stream?: Socket } | undefined)?.stream;
    // A socket still connecting holds the process anyway; one connecting or closed would
    // queue a listener per ref() or unref(). The 'connect' hook calls this again once connected.
    if (socket === undefined || socket.connecting || socket.destroyed) return;
    if (this.#busy > 0 || this.#handedOver) socket.ref();
    else socket.unref();
  }

  #redis(): Promise<Redis> {
    // A connection that gave up reconnecting while idle is replaced by a new one.
    if (this.#connection?.status === 'end' && !this.#handedOver) this.#client = undefined;
    this.#client ??= connect(this.#options, {
      idle: () => this.#busy === 0 && !this.#handedOver,
      connected: (redis) => {
        this.#connection = redis;
        this.#hold();
      },
    });
    return this.#client;
  }
}

/** What the store tells a connection, and hears from it. */
interface ConnectionHooks {
  /** No command is waiting: a lost connection is not worth reconnecting yet. */
  idle(): boolean;
  /** A socket was (re)connected. */
  connected(redis: Redis): void;
}

async function connect(options: RedisStoreOptions, hooks: ConnectionHooks): Promise<Redis> {
  const { Redis } = await importOptional(IOREDIS, () => import('ioredis'));
  const env = process.env;
  const settings: RedisOptions = {
    keyPrefix: options.keyPrefix ?? 'shallot:',
    commandTimeout: options.commandTimeout ?? 1000,
    connectTimeout: options.commandTimeout ?? 1000,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    // While idle, a reconnect timer would keep the process alive: give up, reconnect on use.
    retryStrategy: (attempt) => (hooks.idle() ? null : Math.min(attempt * 200, 2000)),
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
  redis.on('connect', () => hooks.connected(redis));
  hooks.connected(redis);
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

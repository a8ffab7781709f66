import { ValidationError } from '../errors/validation-error.js';
import { closestName, suggestionLimit } from '../validation/suggest.js';
import { MemoryStore, type MemoryStoreOptions } from './memory-store.js';
import { RedisStore, type RedisStoreOptions } from './redis-store.js';
import type { CacheEntry, CacheStore } from './types.js';

/** Options of {@link Cache}, as LiteLLM's `Cache(type=..., host=..., ttl=...)` takes them. */
export interface CacheOptions extends MemoryStoreOptions, RedisStoreOptions {
  /** Where answers live: this process (`local`), or Redis shared by many. @default 'local' */
  type?: 'local' | 'redis';
  /** A store of your own, instead of `type`. */
  store?: CacheStore;
  /** Seconds an answer is kept. @default until evicted */
  ttl?: number;
  /** Prefix of every key, to keep apps or tenants apart. */
  namespace?: string;
  /** Milliseconds a read may take before it counts as a miss. @default 500, 1000 for Redis */
  timeoutMs?: number;
}

/**
 * A response cache, LiteLLM style: assign it to a client and every call reads and writes it.
 *
 * @example
 * shallot.cache = new Cache({ type: 'redis', host: '127.0.0.1', port: 6379, ttl: 600 });
 * shallot.cache = new Cache(); // in memory, bounded LRU
 */
export class Cache {
  readonly type: 'local' | 'redis' | 'custom';
  readonly store: CacheStore;
  readonly ttl: number | undefined;
  readonly namespace: string | undefined;
  readonly timeoutMs: number;

  constructor(options: CacheOptions = {}) {
    checkOptions(options);
    this.ttl = options.ttl;
    this.namespace = options.namespace;
    this.timeoutMs = options.timeoutMs ?? (options.type === 'redis' && !options.store ? 1000 : 500);
    if (options.store) {
      this.type = 'custom';
      this.store = options.store;
    } else if (options.type === 'redis') {
      this.type = 'redis';
      this.store = new RedisStore(options);
    } else {
      this.type = 'local';
      this.store = new MemoryStore(options);
    }
  }

  /** True when the store answers in this process without I/O; see {@link CacheStore.local}. */
  get local(): boolean {
    return this.store.local === true;
  }

  /** The store's key for a request hash, under a namespace. */
  keyFor(hash: string, namespace = this.namespace): string {
    return namespace ? `${namespace}:${hash}` : hash;
  }

  get(key: string): Promise<CacheEntry | undefined> {
    return this.store.get(key);
  }

  set(key: string, entry: CacheEntry, ttlSeconds = this.ttl): Promise<void> {
    return this.store.set(key, entry, ttlSeconds);
  }

  delete(key: string): Promise<void> {
    return this.store.delete(key);
  }

  /** Closes the store's connections (Redis); a script that used Redis calls it, or `client.shutdown()`, before it ends. */
  async close(): Promise<void> {
    await this.store.close?.();
  }
}

/** Every option of {@link CacheOptions}: one missing here, or one that it lacks, fails to compile. */
const CACHE_OPTIONS: { readonly [Option in keyof CacheOptions]-?: true } = {
  type: true,
  store: true,
  ttl: true,
  namespace: true,
  timeoutMs: true,
  maxEntries: true,
  maxBytes: true,
  url: true,
  host: true,
  port: true,
  password: true,
  username: true,
  db: true,
  tls: true,
  keyPrefix: true,
  commandTimeout: true,
  onError: true,
};
const CACHE_OPTION_NAMES = Object.keys(CACHE_OPTIONS);

function checkOptions(options: CacheOptions): void {
  for (const key of Object.keys(options ?? {})) {
    if (Object.hasOwn(CACHE_OPTIONS, key)) continue;
    const near = closestName(key, CACHE_OPTION_NAMES, suggestionLimit(key));
    throw ValidationError.forField(
      `Cache options.${key}`,
      `is not a known option: ${near ? `did you mean ${near.name}?` : `the known ones are ${CACHE_OPTION_NAMES.join(', ')}.`}`,
    );
  }
  if (options.type !== undefined && options.type !== 'local' && options.type !== 'redis') {
    throw ValidationError.forField(
      'Cache options.type',
      `expected 'local' or 'redis', received ${JSON.stringify(options.type)}. Pass a store of your own as options.store.`,
    );
  }
  for (const field of ['ttl', 'timeoutMs', 'maxEntries', 'maxBytes'] as const) {
    const value = options[field];
    if (value !== undefined && !(typeof value === 'number' && value > 0)) {
      throw ValidationError.forField(
        `Cache options.${field}`,
        `expected a positive number, received ${JSON.stringify(value)}.`,
      );
    }
  }
}

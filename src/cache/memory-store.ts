import { decodeCacheEntry, encodeCacheEntry } from './entry-codec.js';
import { LruMap } from './lru-map.js';
import type { CacheEntry, CacheStore } from './types.js';

/** Options of the in-memory store. */
export interface MemoryStoreOptions {
  /** At most this many entries. @default 1000 */
  maxEntries?: number;
  /** At most this many bytes of JSON, all entries together. @default 64 MiB */
  maxBytes?: number;
}

interface Stored {
  json: string;
  expiresAt: number;
}

/**
 * The embedded default: an LRU bounded by entries and by bytes. Entries are kept as JSON, so
 * every hit hands out a fresh object that no caller can change for the next one. Expiry is
 * checked against `Date.now()` on every read.
 */
export class MemoryStore implements CacheStore {
  readonly local = true;
  readonly #entries: LruMap<string, Stored>;

  constructor(options: MemoryStoreOptions = {}) {
    this.#entries = new LruMap<string, Stored>({
      maxEntries: options.maxEntries ?? 1000,
      maxSize: options.maxBytes ?? 64 * 1024 * 1024,
      sizeOf: (stored) => stored.json.length * 2 + 64,
    });
  }

  async get(key: string): Promise<CacheEntry | undefined> {
    const stored = this.#entries.get(key);
    if (stored === undefined) return undefined;
    if (stored.expiresAt <= Date.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return decodeCacheEntry(stored.json);
  }

  async set(key: string, entry: CacheEntry, ttlSeconds?: number): Promise<void> {
    const expiresAt =
      ttlSeconds === undefined ? Number.POSITIVE_INFINITY : Date.now() + ttlSeconds * 1000;
    this.#entries.set(key, { json: encodeCacheEntry(entry), expiresAt });
  }

  async delete(key: string): Promise<void> {
    this.#entries.delete(key);
  }

  /** How many entries the store holds. */
  get size(): number {
    return this.#entries.size;
  }
}

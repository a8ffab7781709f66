import type { Context } from '../../index.js';
import type { Cache } from '../../src/cache/cache.js';
import type { CacheEntry } from '../../src/cache/types.js';
import { TimeoutError } from '../../src/errors/timeout-error.js';

/**
 * Reads and writes a cache so that a failing or slow store never fails a call: a read that
 * errs or takes longer than the cache's `timeoutMs` is a miss, and a failure is reported to
 * the client's error hook once, until the store works again.
 */
export class StoreHealth {
  #failing = false;

  async read(ctx: Context, cache: Cache, key: string): Promise<CacheEntry | undefined> {
    try {
      const read = cache.get(key);
      const entry = await (cache.local ? read : withTimeout(read, cache.timeoutMs, 'read'));
      this.#failing = false;
      return isEntry(entry) ? entry : undefined;
    } catch (error) {
      this.#fail(ctx, cache, error, 'get');
      return undefined;
    }
  }

  async write(
    ctx: Context,
    cache: Cache,
    key: string,
    entry: CacheEntry,
    ttl: number | undefined,
  ): Promise<void> {
    try {
      const written = cache.set(key, entry, ttl);
      await (cache.local ? written : withTimeout(written, cache.timeoutMs * 4, 'write'));
      this.#failing = false;
    } catch (error) {
      this.#fail(ctx, cache, error, 'set');
    }
  }

  #fail(ctx: Context, cache: Cache, error: unknown, event: string): void {
    if (this.#failing) return;
    this.#failing = true;
    ctx.report(error, { callback: `cache (${cache.type})`, event });
  }
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new TimeoutError({ message: `the cache store took longer than ${ms} ms to ${what}` }),
        ),
      ms,
    );
    timer.unref?.();
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

function isEntry(value: unknown): value is CacheEntry {
  const entry = value as CacheEntry | undefined;
  return entry?.v === 1 && Array.isArray(entry.response?.choices);
}

import {
  type Cache,
  type CacheEntry,
  type CompletionCacheEntry,
  type Context,
  checkCacheEntry,
  InvalidResponseError,
  TimeoutError,
} from '../../src/kit/index.js';

/**
 * Reads and writes a cache so that a failing or slow store never fails a call: a read that
 * errs or takes longer than the cache's `timeoutMs` is a miss, and a failure is reported to
 * the client's error hook once, until the store works again.
 */
export class StoreHealth {
  #failing = false;

  /** Reads `key`; an entry that `problemOf` finds fault with is a miss (and reported). */
  async read<Entry extends CacheEntry = CompletionCacheEntry>(
    ctx: Context,
    cache: Cache,
    key: string,
    problemOf: (entry: unknown) => string | undefined = checkCacheEntry,
  ): Promise<Entry | undefined> {
    try {
      const read = cache.get(key);
      const entry = await (cache.local
        ? read
        : ctx.within(withTimeout(read, cache.timeoutMs, 'read')));
      this.#failing = false;
      if (entry === undefined || entry === null) return undefined;
      // Another process, or whoever can write to the store, may have left anything there.
      const problem = problemOf(entry);
      if (problem === undefined) return entry as Entry;
      this.#fail(ctx, cache, malformedEntry(key, problem), 'get');
      return undefined;
    } catch (error) {
      // The call itself ended (its signal, its totalTimeout): that is no store failure.
      if (ctx.signal.aborted) throw error;
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

function malformedEntry(key: string, problem: string): InvalidResponseError {
  return new InvalidResponseError({
    message: `the cache entry ${key} is malformed (${problem}); it counts as a miss, and the fresh answer replaces it.`,
  });
}

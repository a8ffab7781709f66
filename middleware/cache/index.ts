import type { ChatCompletionChunk, Context, Middleware } from '../../index.js';
import { Cache } from '../../src/cache/cache.js';
import { cacheKey } from '../../src/cache/key.js';
import type { CacheEntry, CacheStore } from '../../src/cache/types.js';
import { ValidationError } from '../../src/errors/validation-error.js';
import { replayStream } from '../../src/stream/replay.js';
import { completionToChunks } from '../../src/stream/to-chunks.js';
import { SingleFlight } from './single-flight.js';
import { StoreHealth } from './store-health.js';

/** Options of {@link cache}. */
export interface CacheLayerOptions {
  /** The cache: a `Cache`, or a function that picks one per call (null for none). @default an in-memory Cache */
  cache?: Cache | (() => Cache | null | undefined);
  /** A store of your own, instead of `cache`. */
  store?: CacheStore;
  /** Seconds an answer is kept. @default the cache's ttl, else until evicted */
  ttl?: number;
  /** Prefix of every key. */
  namespace?: string;
  /** Your own key for a request; the default hashes the canonical request. */
  key?: (ctx: Context) => string;
  /**
   * How long calls waiting on an identical stream in flight wait for its next chunk before
   * they send their own request: a stream nobody reads must not hold them. @default 1000
   */
  streamIdleMs?: number;
}

/**
 * Answers repeated requests from a cache, streamed or not: a hit replays a stream chunk for
 * chunk, and the layers outside it (cost, callbacks, logging) still run, with
 * `ctx.cacheStatus === 'hit'`. Identical requests in flight at once reach the provider once.
 * A store that fails or is slow is a miss, and the call succeeds.
 *
 * @example
 * const client = createClient({ middleware: [cache({ store: new MemoryStore(), ttl: 600 })] });
 */
export function cache(options: CacheLayerOptions = {}): Middleware & { close(): Promise<void> } {
  const pick = chooseCache(options);
  const flights = new SingleFlight(checkIdleMs(options.streamIdleMs));
  const health = new StoreHealth();
  const layer: Middleware = async function cache(ctx, next) {
    const target = pick();
    const hash = target ? hashOf(ctx, options) : undefined;
    if (target === null || target === undefined || hash === undefined) return next();
    const controls = ctx.options.cache ?? {};
    const key = target.keyFor(hash, controls.namespace ?? options.namespace);
    ctx.cacheKey = hash;
    if (!controls.noCache) {
      // An identical call in flight answers first: its answer may not be in the store yet.
      let leader = flights.leaderOf(key);
      if (leader === undefined) {
        const stored = await health.read(ctx, target, key);
        if (isFresh(stored, controls.sMaxAge)) return answer(ctx, stored);
        leader = flights.leaderOf(key);
      }
      // Wait for it, never past this call's own bounds; if it fails, the next waiting call leads.
      for (; leader; leader = flights.leaderOf(key)) {
        const shared = await ctx.within(leader);
        if (shared) return answer(ctx, structuredClone(shared));
      }
    }
    ctx.cacheStatus = controls.noCache ? 'bypass' : 'miss';
    const flight = controls.noCache || controls.noStore ? undefined : flights.lead(key);
    let chunks: ChatCompletionChunk[] | undefined;
    try {
      await next();
    } finally {
      if (ctx.stream) {
        const seen: ChatCompletionChunk[] = [];
        chunks = seen;
        if (flight === undefined) ctx.onChunk((chunk) => seen.push(chunk));
        else {
          flight.streaming();
          ctx.onChunk((chunk) => {
            seen.push(chunk);
            flight.advance();
          });
        }
      }
      ctx.onEnd(() => {
        // Only a complete answer is kept: a failed or cut-short stream never is.
        const entry: CacheEntry | undefined =
          ctx.status === 'success' && ctx.response
            ? { v: 1, createdAt: Date.now(), response: ctx.response, ...(chunks ? { chunks } : {}) }
            : undefined;
        flight?.settle(entry);
        if (entry && !controls.noStore) {
          const ttl = controls.ttl ?? options.ttl ?? target.ttl;
          const write = () =>
            health.write(ctx, target, key, entry, ttl).finally(() => flight?.land());
          ctx.defer(write, { callback: 'cache', event: 'set' });
        }
      });
    }
  };
  const own = typeof options.cache === 'function' ? undefined : pick();
  return Object.assign(layer, { close: async () => own?.close() });
}

/** Answers from a cached entry: the response, or a replayed stream. */
function answer(ctx: Context, entry: CacheEntry): void {
  ctx.cacheStatus = 'hit';
  if (ctx.isStream) {
    replayStream(ctx, entry.chunks ?? completionToChunks(entry.response));
    return;
  }
  ctx.response = entry.response;
  ctx.usage = entry.response.usage;
  ctx.timings.firstToken = Date.now();
}

function isFresh(entry: CacheEntry | undefined, sMaxAge: number | undefined): entry is CacheEntry {
  if (entry === undefined) return false;
  return sMaxAge === undefined || Date.now() - entry.createdAt <= sMaxAge * 1000;
}

function hashOf(ctx: Context, options: CacheLayerOptions): string | undefined {
  if (options.key) return options.key(ctx);
  try {
    return cacheKey(ctx.request, ctx.provider);
  } catch {
    // an unknown provider: the attempt will fail with the right error, uncached
    return undefined;
  }
}

function checkIdleMs(value: unknown): number {
  if (value === undefined) return 1000;
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
  throw ValidationError.forField(
    'cache options.streamIdleMs',
    `expected a positive number of milliseconds, received ${JSON.stringify(value) ?? String(value)}.`,
  );
}

function chooseCache(options: CacheLayerOptions): () => Cache | null | undefined {
  const { cache: given, store, ttl, namespace } = options;
  if (typeof given === 'function') return given;
  if (given !== undefined && !(given instanceof Cache)) {
    throw ValidationError.forField(
      'cache options.cache',
      'expected a Cache or a function returning one.',
    );
  }
  const fixed =
    given ??
    new Cache({
      ...(store ? { store } : {}),
      ...(ttl ? { ttl } : {}),
      ...(namespace ? { namespace } : {}),
    });
  return () => fixed;
}

import {
  answer,
  answerWithChunks,
  Cache,
  type CacheStore,
  type ChatCompletionChunk,
  type CompletionCacheEntry,
  type CompletionContext,
  cacheKey,
  completionToChunks,
  type Middleware,
  type Next,
  optionError,
} from '../../src/kit/index.js';
import { cachedEmbeddings } from './embeddings.js';
import { type Flight, SingleFlight } from './single-flight.js';
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
  /**
   * Your own key for a completion request; the default hashes the canonical request. With a
   * key of your own, embedding calls are not cached (their entries are per input).
   */
  key?: (ctx: CompletionContext) => string;
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
  // A plain function, not an async one: a call with no cache passes through without a promise
  // of its own.
  const layer: Middleware = function cache(ctx, next) {
    const target = pick();
    if (target === null || target === undefined) return next();
    if (ctx.kind === 'embedding') {
      return options.key ? next() : cachedEmbeddings(ctx, next, target, options, health);
    }
    const hash = hashOf(ctx, options);
    if (hash === undefined) return next();
    return cached(ctx, next, target, hash);
  };
  const cached = async (
    ctx: CompletionContext,
    next: Next,
    target: Cache,
    hash: string,
  ): Promise<void> => {
    const controls = ctx.options.cache ?? {};
    const key = target.keyFor(hash, controls.namespace ?? options.namespace);
    ctx.cacheKey = hash;
    if (!controls.noCache) {
      // An identical call in flight answers first: its answer may not be in the store yet.
      let leader = flights.leaderOf(key);
      if (leader === undefined) {
        const stored = await health.read(ctx, target, key);
        if (isFresh(stored, controls.sMaxAge)) return answerFrom(ctx, stored);
        leader = flights.leaderOf(key);
      }
      // Wait for it, never past this call's own bounds; if it fails, the next waiting call leads.
      for (; leader; leader = flights.leaderOf(key)) {
        const shared = await ctx.within(leader);
        if (shared) return answerFrom(ctx, structuredClone(shared));
      }
    }
    ctx.cacheStatus = controls.noCache ? 'bypass' : 'miss';
    const flight = controls.noCache || controls.noStore ? undefined : flights.lead(key);
    const chunks = ctx.isStream ? collectChunks(ctx, flight) : undefined;
    ctx.onEnd(() => {
      // Only a complete answer is kept: a failed or cut-short stream never is.
      const entry: CompletionCacheEntry | undefined =
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
    await next();
    // The head arrived: followers now watch the stream deliver (see SingleFlight).
    if (ctx.stream !== undefined) flight?.streaming();
  };
  const own = typeof options.cache === 'function' ? undefined : pick();
  return Object.assign(layer, { close: async () => own?.close() });
}

/** Keeps every chunk of the stream as the caller reads it, for the cache entry. */
function collectChunks(ctx: CompletionContext, flight: Flight | undefined): ChatCompletionChunk[] {
  const chunks: ChatCompletionChunk[] = [];
  if (flight === undefined) ctx.onChunk((chunk) => chunks.push(chunk));
  else {
    ctx.onChunk((chunk) => {
      chunks.push(chunk);
      flight.advance();
    });
  }
  return chunks;
}

/** Answers from a cached entry: the response, or its stream replayed chunk for chunk. */
function answerFrom(ctx: CompletionContext, entry: CompletionCacheEntry): void {
  ctx.cacheStatus = 'hit';
  if (ctx.isStream) answerWithChunks(ctx, entry.chunks ?? completionToChunks(entry.response));
  else answer(ctx, entry.response);
}

function isFresh(
  entry: CompletionCacheEntry | undefined,
  sMaxAge: number | undefined,
): entry is CompletionCacheEntry {
  if (entry === undefined) return false;
  return sMaxAge === undefined || Date.now() - entry.createdAt <= sMaxAge * 1000;
}

function hashOf(ctx: CompletionContext, options: CacheLayerOptions): string | undefined {
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
  throw optionError('cache', 'streamIdleMs', 'a positive number of milliseconds', value);
}

function chooseCache(options: CacheLayerOptions): () => Cache | null | undefined {
  const { cache: given, store, ttl, namespace } = options;
  if (typeof given === 'function') return given;
  if (given !== undefined && !(given instanceof Cache)) {
    throw optionError('cache', 'cache', 'a Cache or a function returning one', given);
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

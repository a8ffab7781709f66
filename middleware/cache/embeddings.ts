import { createHash } from 'node:crypto';
import {
  answerEmbeddings,
  type Cache,
  checkEmbeddingCacheEntry,
  type EmbeddingCacheEntry,
  type EmbeddingContext,
  type EmbeddingItem,
  type EmbeddingResponse,
  type EmbeddingVector,
  embeddingCacheKey,
  embeddingItems,
  encodeVector,
  fromBase64,
  type Next,
  type ResolvedProvider,
  toBase64,
} from '../../src/kit/index.js';
import type { StoreHealth } from './store-health.js';

/** What the embedding path needs of the cache layer's options. */
interface EmbeddingCacheOptions {
  ttl?: number;
  namespace?: string;
}

/**
 * An embedding call through the cache, one entry per input: the inputs found are answered from
 * the cache, and only the others go to the provider (`ctx.request.input` holds just them while
 * the inner layers run); the answer has every vector in input order. All found: a hit, at no
 * cost. The vectors a fallback model made are not stored: they belong to another model.
 */
export async function cachedEmbeddings(
  ctx: EmbeddingContext,
  next: Next,
  target: Cache,
  options: EmbeddingCacheOptions,
  health: StoreHealth,
): Promise<void> {
  let provider: ResolvedProvider;
  try {
    provider = ctx.provider;
  } catch {
    // an unknown provider: the attempt will fail with the right error, uncached
    return next();
  }
  const controls = ctx.options.cache ?? {};
  const request = ctx.request;
  const items = embeddingItems(request.input);
  const hashes = items.map((item) => embeddingCacheKey(request, provider, item));
  const namespace = controls.namespace ?? options.namespace;
  const keys = hashes.map((hash) => target.keyFor(hash, namespace));
  ctx.cacheKey = hashes.length === 1 ? hashes[0] : combined(hashes);
  let found = controls.noCache ? [] : await readAll(ctx, target, keys, health, controls.sMaxAge);
  let hits = found.filter((entry) => entry !== undefined).length;
  // A mock answers for the call's whole input (one vector per input): it cannot answer a part.
  if (hits < items.length && ctx.options.mockResponse !== undefined) {
    found = [];
    hits = 0;
  }
  ctx.cachedInputs = hits;
  if (hits === items.length) {
    ctx.cacheStatus = 'hit';
    return answerEmbeddings(ctx, fromCache(ctx, found as EmbeddingCacheEntry[], provider.model));
  }
  ctx.cacheStatus = controls.noCache ? 'bypass' : 'miss';
  const missing = items.flatMap((item, index) => (found[index] === undefined ? [item] : []));
  if (hits > 0)
    ctx.request = { ...request, input: missing as EmbeddingContext['request']['input'] };
  // A fallback changes the model in place, on whichever request object the inner layers hold.
  const requested = request.model;
  let answeredBy: string;
  try {
    await next();
  } finally {
    answeredBy = ctx.request.model;
    ctx.request = request;
  }
  const response = ctx.response;
  if (response === undefined) return;
  if (hits > 0) ctx.response = merged(ctx, response, found);
  if (controls.noStore || answeredBy !== requested) return;
  const entries = toEntries(missing, response);
  if (entries === undefined) return;
  const ttl = controls.ttl ?? options.ttl ?? target.ttl;
  const missingKeys = keys.filter((_key, index) => found[index] === undefined);
  ctx.defer(
    () =>
      Promise.all(
        entries.map((entry, index) =>
          health.write(ctx, target, missingKeys[index] as string, entry, ttl),
        ),
      ),
    { callback: 'cache', event: 'set' },
  );
}

async function readAll(
  ctx: EmbeddingContext,
  target: Cache,
  keys: readonly string[],
  health: StoreHealth,
  sMaxAge: number | undefined,
): Promise<Array<EmbeddingCacheEntry | undefined>> {
  const entries = await Promise.all(
    keys.map((key) => health.read<EmbeddingCacheEntry>(ctx, target, key, checkEmbeddingCacheEntry)),
  );
  if (sMaxAge === undefined) return entries;
  const oldest = Date.now() - sMaxAge * 1000;
  return entries.map((entry) =>
    entry !== undefined && entry.createdAt >= oldest ? entry : undefined,
  );
}

/** The answer of a call whose every input was cached, with the tokens the entries recorded. */
function fromCache(
  ctx: EmbeddingContext,
  entries: readonly EmbeddingCacheEntry[],
  model: string,
): EmbeddingResponse<EmbeddingVector> {
  let tokens = 0;
  const data = entries.map((entry, index) => {
    tokens += entry.tokens;
    return { object: 'embedding' as const, index, embedding: vectorOf(entry, ctx) };
  });
  return { object: 'list', data, model, usage: { prompt_tokens: tokens, total_tokens: tokens } };
}

/** The provider's answer for the missing inputs, with the cached vectors put back in their places. */
function merged(
  ctx: EmbeddingContext,
  response: EmbeddingResponse<EmbeddingVector>,
  found: ReadonlyArray<EmbeddingCacheEntry | undefined>,
): EmbeddingResponse<EmbeddingVector> {
  let fresh = 0;
  const data = found.map((entry, index) => ({
    object: 'embedding' as const,
    index,
    embedding:
      entry === undefined
        ? (response.data[fresh++]?.embedding as EmbeddingVector)
        : vectorOf(entry, ctx),
  }));
  return { ...response, data };
}

function vectorOf(entry: EmbeddingCacheEntry, ctx: EmbeddingContext): EmbeddingVector {
  if (ctx.encoding === 'base64') return entry.embedding;
  // Checked when read: the entry holds whole float32 values.
  return encodeVector(fromBase64(entry.embedding) as Float32Array, ctx.encoding);
}

/**
 * One entry per input sent, its tokens the provider's count shared among the inputs by their
 * length; none when the answer does not hold one vector per input sent.
 */
function toEntries(
  sent: readonly EmbeddingItem[],
  response: EmbeddingResponse<EmbeddingVector>,
): EmbeddingCacheEntry[] | undefined {
  if (response.data.length !== sent.length) return undefined;
  const lengths = sent.map((item) => Math.max(1, item.length));
  const total = lengths.reduce((sum, length) => sum + length, 0);
  const tokens = response.usage.prompt_tokens;
  const createdAt = Date.now();
  return response.data.map((item, index) => ({
    v: 1,
    createdAt,
    embedding: typeof item.embedding === 'string' ? item.embedding : toBase64(item.embedding),
    tokens: Math.round((tokens * (lengths[index] as number)) / total),
  }));
}

/** One hash for a call of many inputs, for `ctx.cacheKey` and the record. */
function combined(hashes: readonly string[]): string {
  return createHash('sha256').update(hashes.join(',')).digest('hex');
}

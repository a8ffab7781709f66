import type { ChatCompletionChunk } from '../types/openai.js';
import type { CacheEntry, CompletionCacheEntry } from './types.js';

interface CompactEntry extends Omit<CompletionCacheEntry, 'chunks'> {
  /** The top-level fields every chunk shares, in the first chunk's order. */
  chunkBase: Record<string, unknown>;
  /** Each chunk without the shared fields. */
  chunks: Array<Record<string, unknown>>;
}

/**
 * A cache entry as shallot's stores keep it, as JSON; use it in a store of your own that keeps
 * text. The chunks of a stream repeat their `id`,
 * `object`, `created`, `model` and fingerprint: when every chunk has the first chunk's
 * values for them, they are written once, and each chunk without them. A 20-chunk stream's
 * entry is then about half as long: less to write and to keep.
 *
 * @example
 * const store: CacheStore = {
 *   get: async (key) => { const text = await kv.get(key); return text === null ? undefined : decodeCacheEntry(text); },
 *   set: async (key, entry, ttl) => kv.set(key, encodeCacheEntry(entry), ttl),
 *   delete: async (key) => kv.delete(key),
 * };
 */
export function encodeCacheEntry(entry: CacheEntry): string {
  const chunks = 'chunks' in entry ? entry.chunks : undefined;
  if (chunks === undefined || chunks.length < 2) return JSON.stringify(entry);
  const base = sharedFields(chunks);
  if (base === undefined) return JSON.stringify(entry);
  const compact = new Array<Record<string, unknown>>(chunks.length);
  for (let index = 0; index < chunks.length; index++) {
    const own: Record<string, unknown> = {};
    const chunk = chunks[index] as unknown as Record<string, unknown>;
    // `in`, for speed: a chunk key that names something of Object.prototype (`__proto__`,
    // `constructor`: a hostile server's, never OpenAI's) is dropped, never assigned.
    for (const key in chunk) if (!(key in base)) own[key] = chunk[key];
    compact[index] = own;
  }
  const stored: CompactEntry = {
    ...(entry as CompletionCacheEntry),
    chunkBase: base,
    chunks: compact,
  };
  return JSON.stringify(stored);
}

/**
 * The entry back from {@link encodeCacheEntry}'s JSON, or from any `JSON.stringify(entry)`. Whatever
 * the text holds, this never throws but for text that is not JSON: a value that is no entry
 * comes back as it is, for the cache layer to refuse (a miss).
 */
export function decodeCacheEntry(json: string): CacheEntry {
  const stored = JSON.parse(json) as unknown;
  if (stored === null || typeof stored !== 'object' || Array.isArray(stored)) {
    return stored as CacheEntry;
  }
  const { chunkBase: base, chunks, ...entry } = stored as Partial<CompactEntry>;
  if (base === undefined || !Array.isArray(chunks)) return stored as CacheEntry;
  return {
    ...(entry as Omit<CompletionCacheEntry, 'chunks'>),
    chunks: chunks.map((own) => ({ ...base, ...own }) as unknown as ChatCompletionChunk),
  };
}

/** The leading scalar fields all chunks share with the first, or undefined when there are none. */
function sharedFields(chunks: readonly ChatCompletionChunk[]): Record<string, unknown> | undefined {
  const first = chunks[0] as unknown as Record<string, unknown>;
  const base: Record<string, unknown> = {};
  let shared = 0;
  for (const key in first) {
    const value = first[key];
    // Only the leading scalars: a rebuilt chunk then has its fields in their first order.
    if ((value !== null && typeof value === 'object') || key === '__proto__') break;
    base[key] = value;
    shared++;
  }
  if (shared === 0) return undefined;
  for (let index = 1; index < chunks.length; index++) {
    const chunk = chunks[index] as unknown as Record<string, unknown>;
    for (const key in base) if (chunk[key] !== base[key]) return undefined;
  }
  return base;
}

import type { ChatCompletion, ChatCompletionChunk } from '../types/openai.js';

/**
 * What a cache keeps under one key: a completion's answer, or one embedding input's vector.
 * A store keeps either as it is given; the cache layer checks what it reads back.
 */
export type CacheEntry = CompletionCacheEntry | EmbeddingCacheEntry;

/** What a cache keeps for one completion request: the answer, and the chunks when it was streamed. */
export interface CompletionCacheEntry {
  /** The entry format's version. */
  v: 1;
  /** When the answer was stored, epoch milliseconds (for `sMaxAge`). */
  createdAt: number;
  /** The complete answer. */
  response: ChatCompletion;
  /** The stream's chunks, as they arrived, when the answer was streamed. */
  chunks?: ChatCompletionChunk[];
}

/**
 * What a cache keeps for one input of an embedding call: its vector, whatever encoding the
 * call asked for (each call gets the encoding it asks for), and its share of the input tokens
 * (for the cost a later hit saves).
 */
export interface EmbeddingCacheEntry {
  v: 1;
  /** When the vector was stored, epoch milliseconds (for `sMaxAge`). */
  createdAt: number;
  /** The vector's little-endian float32 values in base64. */
  embedding: string;
  /** The input's tokens: the provider's count, shared among a request's inputs by their length. */
  tokens: number;
}

/**
 * Where cached answers live. Implement it to put the cache anywhere; shallot ships an
 * in-memory LRU store and a Redis store. A store may throw or time out: the cache layer then
 * answers as a miss.
 */
export interface CacheStore {
  /**
   * True for a store that answers in this process without I/O (the memory store): its reads
   * and writes are not raced against a timeout, which would cost more than the work itself.
   */
  readonly local?: boolean;
  get(key: string): Promise<CacheEntry | undefined>;
  /** Stores an entry; `ttlSeconds` undefined keeps it until evicted. */
  set(key: string, entry: CacheEntry, ttlSeconds?: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Releases connections. */
  close?(): Promise<void>;
}

/**
 * Per-call cache controls, `completion({ cache: {...} })`, with LiteLLM's meanings. LiteLLM's
 * dashed names (`'no-cache'`, `'no-store'`, `'s-maxage'`) are accepted too.
 */
export interface CacheControls {
  /** Do not answer from the cache (the answer is still stored). */
  noCache?: boolean;
  /** Do not store this answer. */
  noStore?: boolean;
  /** Keep this answer for this many seconds. */
  ttl?: number;
  /** Only accept a cached answer at most this many seconds old. */
  sMaxAge?: number;
  /** Read and write under this namespace instead of the cache's. */
  namespace?: string;
}

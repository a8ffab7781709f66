import { hash } from 'node:crypto';
import type { ResolvedProvider } from '../providers/provider.js';
import type { EmbeddingItem, EmbeddingRequest } from '../types/embedding.js';
import type { ChatRequest } from '../types/openai.js';

/**
 * Request fields that never change the answer, left out of the key: whether it streams
 * (the same request streamed or not shares one entry), and who asked.
 */
const NOT_IN_KEY = new Set([
  'stream',
  'stream_options',
  'user',
  'safety_identifier',
  'metadata',
  'store',
]);

/** The version of the key's recipe; bumped when it changes, so old entries are not misread. */
const KEY_VERSION = 1;

/**
 * The cache key of a request: the sha256 of its canonical JSON (keys sorted) holding the
 * provider, its base URL, the model it receives, the messages, the tools and every other
 * parameter that can change the answer. Never a key, a header, metadata, a user id or a
 * signal: shallot's own options are not part of the request at all.
 */
export function cacheKey(
  request: ChatRequest,
  provider: Pick<ResolvedProvider, 'name' | 'apiBase' | 'model'>,
): string {
  const material: Record<string, unknown> = {
    v: KEY_VERSION,
    provider: provider.name,
    api_base: provider.apiBase,
    model: provider.model,
  };
  for (const field of Object.keys(request)) {
    if (field !== 'model' && !NOT_IN_KEY.has(field)) material[field] = request[field];
  }
  return hash('sha256', canonicalJson(material), 'hex');
}

/** Fields of an embedding request the per-input key leaves out: the input (each input has its own key), the end user, and the encoding (entries hold float32 values, which any encoding is made from). */
const NOT_IN_EMBEDDING_KEY = new Set(['input', 'user', 'encoding_format']);

/**
 * The cache key of one input of an embedding request: the sha256 of the canonical JSON of the
 * provider, its base URL, the model, `dimensions`, every other parameter that can change the
 * vector (`input_type`, `taskType`, `truncate`) and the input itself. Equal inputs of any two
 * calls share an entry, whichever inputs they came with.
 */
export function embeddingCacheKey(
  request: EmbeddingRequest,
  provider: Pick<ResolvedProvider, 'name' | 'apiBase' | 'model'>,
  item: EmbeddingItem,
): string {
  const material: Record<string, unknown> = {
    v: KEY_VERSION,
    kind: 'embedding',
    provider: provider.name,
    api_base: provider.apiBase,
    model: provider.model,
    item,
  };
  for (const field of Object.keys(request)) {
    if (field !== 'model' && !NOT_IN_EMBEDDING_KEY.has(field)) material[field] = request[field];
  }
  return hash('sha256', canonicalJson(material), 'hex');
}

/** JSON with every object's keys sorted, so that equal requests give equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let text = '[';
    for (let index = 0; index < value.length; index++) {
      if (index > 0) text += ',';
      text += canonicalJson(value[index] ?? null);
    }
    return `${text}]`;
  }
  const keys = Object.keys(value);
  if (keys.length > 1) keys.sort();
  let text = '{';
  let first = true;
  for (const key of keys) {
    const item = (value as Record<string, unknown>)[key];
    if (item === undefined || typeof item === 'function') continue;
    if (!first) text += ',';
    first = false;
    text += `${JSON.stringify(key)}:${canonicalJson(item)}`;
  }
  return `${text}}`;
}

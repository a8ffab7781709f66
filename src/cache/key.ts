import { hash } from 'node:crypto';
import type { ResolvedProvider } from '../providers/provider.js';
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

import { maskSecret } from '../secrets/mask.js';

/** Keys whose values are credentials wherever they appear. */
const SECRET_KEY =
  /^(api[-_]?key|authorization|password|secret|token|access[-_]?token|x-api-key)$/i;

/**
 * A JSON-safe copy of caller-supplied data (metadata, params): functions and symbols
 * dropped, dates as ISO strings, cycles cut, and values under credential-like keys masked.
 */
export function toJsonSafe(value: unknown, seen: WeakSet<object> = new WeakSet()): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object') return undefined;
  if (value instanceof Date) return value.toISOString();
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => toJsonSafe(item, seen) ?? null);
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const safe =
      SECRET_KEY.test(key) && typeof item === 'string' ? maskSecret(item) : toJsonSafe(item, seen);
    if (safe !== undefined) copy[key] = safe;
  }
  return copy;
}

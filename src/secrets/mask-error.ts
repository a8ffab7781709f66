import { ShallotError } from '../errors/shallot-error.js';
import { scrubJson, scrubText } from './mask.js';

/** Properties whose values are never secrets nor hold them. */
const PLAIN = new Set(['code', 'status', 'retryable', 'retryAfterMs']);

/**
 * Masks `secrets` in every string a shallot error carries, in place: its message and stack,
 * its body, request id and partial answer, the errors it lists (`AllFallbacksFailedError`),
 * its validation issues, and its cause (replaced by a masked copy when the cause holds one).
 * A server that echoes the key back, in a body, an event, a header, or a message, then shows
 * it masked wherever the error goes: `message`, `stack`, `JSON.stringify`, `util.inspect`.
 */
export function maskErrorSecrets(error: ShallotError, secrets: readonly string[]): void {
  if (secrets.length === 0) return;
  mask(error, secrets, new Set());
}

function mask(error: ShallotError, secrets: readonly string[], seen: Set<object>): void {
  if (seen.has(error)) return;
  seen.add(error);
  const fields = error as unknown as Record<string, unknown>;
  for (const key of Object.getOwnPropertyNames(error)) {
    if (PLAIN.has(key)) continue;
    const value = fields[key];
    let masked: unknown = value;
    if (typeof value === 'string') masked = scrubText(value, secrets);
    else if (key === 'cause') masked = maskedCause(value, secrets, seen);
    else if (Array.isArray(value) && value.some((item) => item instanceof ShallotError)) {
      for (const item of value) if (item instanceof ShallotError) mask(item, secrets, seen);
    } else if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
      masked = scrubJson(value, secrets);
    }
    if (masked !== value) setOwn(error, key, masked);
  }
}

/** The cause, or a masked copy of it when a string of it holds a secret. */
function maskedCause(cause: unknown, secrets: readonly string[], seen: Set<object>): unknown {
  if (cause instanceof ShallotError) {
    mask(cause, secrets, seen);
    return cause;
  }
  if (typeof cause === 'string') return scrubText(cause, secrets);
  if (!(cause instanceof Error))
    return cause === null || typeof cause !== 'object' ? cause : scrubJson(cause, secrets);
  const holds = [cause.message, cause.stack].some(
    (text) => typeof text === 'string' && scrubText(text, secrets) !== text,
  );
  if (!holds) return cause;
  // A copy: the error someone else threw stays theirs.
  const copy = Object.create(Object.getPrototypeOf(cause)) as Error;
  for (const key of Object.getOwnPropertyNames(cause)) {
    const value = (cause as unknown as Record<string, unknown>)[key];
    setOwn(copy, key, typeof value === 'string' ? scrubText(value, secrets) : value);
  }
  return copy;
}

/** Writes an own property as it was (enumerable or not), whatever its name. */
function setOwn(target: object, key: string, value: unknown): void {
  const descriptor = Object.getOwnPropertyDescriptor(target, key);
  Object.defineProperty(target, key, {
    value,
    enumerable: descriptor?.enumerable ?? true,
    writable: true,
    configurable: true,
  });
}

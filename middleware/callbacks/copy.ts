import { scrubText } from '../../src/secrets/mask.js';

interface CopyState {
  seen: Map<object, unknown>;
  /** Raw secrets to mask wherever a string holds them (a key pasted into metadata, say). */
  secrets: readonly string[];
}

/**
 * A deep copy of callback arguments, so that one callback's edits never reach another or the
 * call: plain objects, arrays and dates are copied; errors keep their class and message;
 * other class instances are shared. Cycles stay cycles. Strings holding one of `secrets` are
 * masked.
 */
export function deepCopy<T>(value: T, secrets: readonly string[] = []): T {
  return copy(value, { seen: new Map(), secrets });
}

function copy<T>(value: T, state: CopyState): T {
  if (typeof value === 'string')
    return (state.secrets.length > 0 ? scrubText(value, state.secrets) : value) as T;
  if (value === null || typeof value !== 'object') return value;
  const known = state.seen.get(value);
  if (known !== undefined) return known as T;
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    state.seen.set(value, items);
    for (const item of value) items.push(copy(item, state));
    return items as T;
  }
  if (value instanceof Date) return new Date(value.getTime()) as T;
  const prototype = Object.getPrototypeOf(value);
  if (value instanceof Error) return copyError(value, prototype, state) as T;
  if (prototype !== Object.prototype && prototype !== null) return value;
  const fields: Record<string, unknown> = {};
  state.seen.set(value, fields);
  for (const key of Object.keys(value)) {
    fields[key] = copy((value as Record<string, unknown>)[key], state);
  }
  return fields as T;
}

function copyError(error: Error, prototype: object, state: CopyState): Error {
  const fields = Object.create(prototype) as Error;
  state.seen.set(error, fields);
  for (const key of Reflect.ownKeys(error)) {
    const descriptor = Object.getOwnPropertyDescriptor(error, key) as PropertyDescriptor;
    if ('value' in descriptor) descriptor.value = copy(descriptor.value, state);
    Object.defineProperty(fields, key, descriptor);
  }
  return fields;
}

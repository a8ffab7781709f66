import { scrubText } from '../../src/secrets/mask.js';

const NONE: readonly string[] = [];

/**
 * A deep copy of callback arguments, so that one callback's edits never reach another or the
 * call: plain objects, arrays and dates are copied; errors keep their class and message;
 * other class instances are shared. A cycle stays a cycle (it points at the copy of its
 * ancestor); an object reached twice by different paths is copied twice. Strings holding one
 * of `secrets` are masked.
 */
export function deepCopy<T>(value: T, secrets: readonly string[] = NONE): T {
  return copy(value, secrets, [], []);
}

function copy<T>(value: T, secrets: readonly string[], path: object[], copies: unknown[]): T {
  if (typeof value === 'string') {
    return (secrets.length > 0 ? scrubText(value, secrets) : value) as T;
  }
  if (value === null || typeof value !== 'object') return value;
  const ancestor = path.indexOf(value);
  if (ancestor >= 0) return copies[ancestor] as T;
  if (Array.isArray(value)) {
    const items = new Array<unknown>(value.length);
    path.push(value);
    copies.push(items);
    for (let index = 0; index < value.length; index++) {
      items[index] = copy(value[index], secrets, path, copies);
    }
    path.pop();
    copies.pop();
    return items as T;
  }
  if (value instanceof Date) return new Date(value.getTime()) as T;
  const prototype = Object.getPrototypeOf(value);
  if (value instanceof Error) return copyError(value, prototype, secrets, path, copies) as T;
  if (prototype !== Object.prototype && prototype !== null) return value;
  const fields: Record<string, unknown> = {};
  const source = value as Record<string, unknown>;
  path.push(source);
  copies.push(fields);
  for (const key in source) {
    if (Object.hasOwn(source, key)) fields[key] = copy(source[key], secrets, path, copies);
  }
  path.pop();
  copies.pop();
  return fields as T;
}

function copyError(
  error: Error,
  prototype: object,
  secrets: readonly string[],
  path: object[],
  copies: unknown[],
): Error {
  const fields = Object.create(prototype) as Error;
  path.push(error);
  copies.push(fields);
  for (const key of Reflect.ownKeys(error)) {
    const descriptor = Object.getOwnPropertyDescriptor(error, key) as PropertyDescriptor;
    if ('value' in descriptor) descriptor.value = copy(descriptor.value, secrets, path, copies);
    Object.defineProperty(fields, key, descriptor);
  }
  path.pop();
  copies.pop();
  return fields;
}

import { maskSecrets } from '../../src/kit/index.js';

const NONE: readonly string[] = [];

/**
 * A deep copy of callback arguments, so that one callback's edits never reach another or the
 * call: plain objects, arrays and dates are copied; errors keep their class and message;
 * other class instances are shared. A cycle stays a cycle (it points at the copy of its
 * ancestor); an array reached twice stays one array in the copy, while another object reached
 * twice by different paths is copied twice. Strings holding one of `secrets` are masked.
 */
export function deepCopy<T>(value: T, secrets: readonly string[] = NONE): T {
  return copy(value, { secrets, arrays: [], arrayCopies: [] }, [], []);
}

interface CopyState {
  secrets: readonly string[];
  /**
   * Arrays copied so far, and their copies: kwargs holds the messages three times, and they
   * are copied once. A few per copy, so two lists, not a Map.
   */
  arrays: unknown[][];
  arrayCopies: unknown[][];
}

function copy<T>(value: T, state: CopyState, path: object[], copies: unknown[]): T {
  if (typeof value === 'string') {
    return (state.secrets.length > 0 ? maskSecrets(value, state.secrets) : value) as T;
  }
  if (value === null || typeof value !== 'object') return value;
  const ancestor = path.indexOf(value);
  if (ancestor >= 0) return copies[ancestor] as T;
  if (Array.isArray(value)) {
    const known = state.arrays.indexOf(value);
    if (known >= 0) return state.arrayCopies[known] as T;
    // A vector of an embedding: thousands of numbers, copied in one step.
    if (typeof value[0] === 'number' && value.every(isNumber)) return value.slice() as T;
    const items = new Array<unknown>(value.length);
    state.arrays.push(value);
    state.arrayCopies.push(items);
    path.push(value);
    copies.push(items);
    for (let index = 0; index < value.length; index++) {
      items[index] = copy(value[index], state, path, copies);
    }
    path.pop();
    copies.pop();
    return items as T;
  }
  if (value instanceof Date) return new Date(value.getTime()) as T;
  const prototype = Object.getPrototypeOf(value);
  if (value instanceof Error) return copyError(value, prototype, state, path, copies) as T;
  if (prototype !== Object.prototype && prototype !== null) return value;
  // A spread copies the object's shape in one step; only the fields that need copying or
  // masking are written again, in place, so no field adds a hidden-class transition.
  const fields: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  const masking = state.secrets.length > 0;
  path.push(value);
  copies.push(fields);
  for (const key in fields) {
    const item = fields[key];
    if (typeof item === 'object' ? item !== null : typeof item === 'string' && masking) {
      fields[key] = copy(item, state, path, copies);
    }
  }
  path.pop();
  copies.pop();
  return fields as T;
}

function isNumber(item: unknown): boolean {
  return typeof item === 'number';
}

function copyError(
  error: Error,
  prototype: object,
  state: CopyState,
  path: object[],
  copies: unknown[],
): Error {
  const fields = Object.create(prototype) as Error;
  path.push(error);
  copies.push(fields);
  for (const key of Reflect.ownKeys(error)) {
    const descriptor = Object.getOwnPropertyDescriptor(error, key) as PropertyDescriptor;
    if ('value' in descriptor) descriptor.value = copy(descriptor.value, state, path, copies);
    Object.defineProperty(fields, key, descriptor);
  }
  path.pop();
  copies.pop();
  return fields;
}

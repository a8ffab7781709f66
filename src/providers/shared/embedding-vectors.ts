import { InvalidResponseError } from '../../errors/invalid-response-error.js';
import type { ResolvedProvider } from '../provider.js';

/** Whether this machine stores a float32 with its least significant byte first. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Standard base64 (`+` and `/`, padded): Node's decoder skips anything else without a word. */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The little-endian float32 values in a base64 string, as OpenAI's `encoding_format: 'base64'`
 * sends them; undefined for text that is not standard padded base64, or that decodes to a
 * length that is not a whole number of float32 values.
 *
 * The values are always copied into a fresh `Float32Array`: the decoded `Buffer` may sit at
 * any offset of Node's shared pool, which a `Float32Array` cannot view unless the offset is a
 * multiple of 4, and which holds other buffers' bytes that the caller must never reach.
 *
 * @example
 * decodeFloat32Base64('AACAPwAAAEA='); // Float32Array [1, 2]
 */
export function decodeFloat32Base64(text: string): Float32Array | undefined {
  const bytes = Buffer.from(text, 'base64');
  // A text that is its own bytes' encoding is standard padded base64: checked so, a vector costs
  // 3.6 µs instead of the regular expression's 40 (which then judges only the other texts).
  if (bytes.toString('base64') !== text && (text.length % 4 !== 0 || !BASE64.test(text))) {
    return undefined;
  }
  if (bytes.length % 4 !== 0) return undefined;
  const values = new Float32Array(bytes.length / 4);
  if (LITTLE_ENDIAN) {
    new Uint8Array(values.buffer).set(bytes);
    return values;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  for (let position = 0; position < values.length; position++) {
    values[position] = view.getFloat32(position * 4, true);
  }
  return values;
}

/**
 * A token count from the wire: a non-negative safe integer, else undefined. A count that is
 * not one is treated as absent rather than failing a call whose vectors are sound.
 */
export function readTokenCount(value: unknown): number | undefined {
  return Number.isSafeInteger(value) && (value as number) >= 0 ? (value as number) : undefined;
}

/**
 * Reads one parsed embeddings answer as hostile: every accessor checks the shape it expects and
 * throws an `InvalidResponseError` naming the provider, the model and the field's path
 * (`data[2].index`) otherwise, never a `TypeError` from deep inside.
 */
export class EmbeddingAnswerReader {
  readonly #provider: Pick<ResolvedProvider, 'name' | 'model'>;
  readonly #body: unknown;

  constructor(provider: Pick<ResolvedProvider, 'name' | 'model'>, body: unknown) {
    this.#provider = provider;
    this.#body = body;
  }

  /** The error for a malformed answer: `<provider>/<model>: the answer is malformed: <problem>.` */
  malformed(problem: string): InvalidResponseError {
    const { name, model } = this.#provider;
    return new InvalidResponseError({
      provider: name,
      model,
      // Not the body itself: a hostile one may be megabytes, which masking and every copy of
      // the error would walk again. The message names the field at fault.
      body: describe(this.#body),
      message: `${name}/${model}: the answer is malformed: ${problem}.`,
    });
  }

  /** A JSON object (not an array, not null). */
  object(value: unknown, field: string): Record<string, unknown> {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
    throw this.malformed(`${field}: expected an object, received ${describe(value)}`);
  }

  /** An array of exactly `count` elements. */
  list(value: unknown, count: number, field: string): unknown[] {
    if (!Array.isArray(value)) {
      throw this.malformed(`${field}: expected an array, received ${describe(value)}`);
    }
    if (value.length !== count) {
      throw this.malformed(
        `${field}: expected ${count} embedding${count === 1 ? '' : 's'} (one per input sent), received ${value.length}`,
      );
    }
    return value;
  }

  /** An integer index in `[0, count)`. */
  index(value: unknown, count: number, field: string): number {
    if (Number.isInteger(value) && (value as number) >= 0 && (value as number) < count) {
      return value as number;
    }
    throw this.malformed(
      `${field}: expected an integer from 0 to ${count - 1}, received ${describe(value)}`,
    );
  }

  /** A non-empty array of numbers, returned as it is. */
  floats(value: unknown, field: string): number[] {
    if (!Array.isArray(value)) {
      throw this.malformed(`${field}: expected an array of numbers, received ${describe(value)}`);
    }
    if (value.length === 0) throw this.malformed(`${field}: the vector is empty`);
    for (let position = 0; position < value.length; position++) {
      const item = value[position];
      // JSON's 1e999 parses to Infinity, which no float32 vector holds.
      if (typeof item !== 'number' || !Number.isFinite(item)) {
        const expected = typeof item === 'number' ? 'a finite number' : 'a number';
        throw this.malformed(
          `${field}[${position}]: expected ${expected}, received ${describe(item)}`,
        );
      }
    }
    return value as number[];
  }

  /** A non-empty base64 string of little-endian float32 values. */
  base64(value: unknown, field: string): Float32Array {
    if (typeof value !== 'string') {
      throw this.malformed(`${field}: expected a base64 string, received ${describe(value)}`);
    }
    const values = decodeFloat32Base64(value);
    if (values === undefined) {
      throw this.malformed(
        `${field}: expected base64 of float32 values (standard alphabet, padded, a multiple of 4 bytes), received ${describe(value)}`,
      );
    }
    if (values.length === 0) throw this.malformed(`${field}: the vector is empty`);
    return values;
  }

  /**
   * A vector in whichever encoding the server chose: a string is base64, an array is floats.
   * A server asked for base64 may answer floats anyway (Ollama's OpenAI endpoint, some vLLM
   * builds), so each item is read by its own type.
   */
  vector(value: unknown, field: string): Float32Array | number[] {
    return typeof value === 'string' ? this.base64(value, field) : this.floats(value, field);
  }

  /** The value of an own field: a key inherited from `Object.prototype` reads as absent. */
  field(object: Record<string, unknown>, key: string): unknown {
    return Object.hasOwn(object, key) ? object[key] : undefined;
  }
}

/**
 * One slot per input, filled by the index the server gave each vector: a duplicate index is
 * refused as it arrives, and a slot left empty at the end is refused by {@link IndexedSlots.all}.
 */
export class IndexedSlots<T> {
  readonly #slots: Array<T | undefined>;
  readonly #reader: EmbeddingAnswerReader;

  constructor(count: number, reader: EmbeddingAnswerReader) {
    this.#slots = Array.from({ length: count }, () => undefined);
    this.#reader = reader;
  }

  /** Puts `value` at `index` (already checked to be in range); `field` names the index. */
  put(index: number, value: T, field: string): void {
    if (this.#slots[index] !== undefined) {
      throw this.#reader.malformed(`${field}: index ${index} is listed twice`);
    }
    this.#slots[index] = value;
  }

  /** Every value in index order; `field` names the list, for a missing index. */
  all(field: string): T[] {
    const missing = this.#slots.indexOf(undefined);
    if (missing !== -1) throw this.#reader.malformed(`${field}: no embedding has index ${missing}`);
    return this.#slots as T[];
  }
}

/**
 * A short, printable form of a value for an error message: a string quoted and cut at 60
 * characters, a container by its kind and size. A container is never serialised: a hostile one
 * may be nested past the stack, or megabytes long.
 */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') {
    const quoted = JSON.stringify(value.length > 60 ? value.slice(0, 60) : value);
    return value.length > 60 ? `${quoted}...` : quoted;
  }
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value !== null && typeof value === 'object') return 'an object';
  return String(value);
}

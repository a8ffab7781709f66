/** Bounds of an {@link LruMap}. */
export interface LruMapOptions<V> {
  /** At most this many entries. */
  maxEntries: number;
  /** At most this much size, all entries together. */
  maxSize: number;
  /** The size of one value, counted once, when it is set. */
  sizeOf: (value: V) => number;
}

interface Slot<V> {
  value: V;
  size: number;
}

/**
 * A map that keeps its most recently used entries within a count and a total size: setting
 * past either bound drops the least recently used first, and a value larger than the whole
 * size is not kept. Recency is the order of a `Map`: a read moves its entry to the end.
 */
export class LruMap<K, V> {
  readonly #slots = new Map<K, Slot<V>>();
  readonly #options: LruMapOptions<V>;
  #size = 0;

  constructor(options: LruMapOptions<V>) {
    this.#options = options;
  }

  /** The value, now the most recently used; `undefined` when absent. */
  get(key: K): V | undefined {
    const slot = this.#slots.get(key);
    if (slot === undefined) return undefined;
    this.#slots.delete(key);
    this.#slots.set(key, slot);
    return slot.value;
  }

  /** Sets the value as the most recently used, then drops the oldest past the bounds. */
  set(key: K, value: V): void {
    this.delete(key);
    const size = this.#options.sizeOf(value);
    if (size > this.#options.maxSize) return;
    this.#slots.set(key, { value, size });
    this.#size += size;
    while (this.#slots.size > this.#options.maxEntries || this.#size > this.#options.maxSize) {
      const oldest = this.#slots.keys().next();
      if (oldest.done) break;
      this.delete(oldest.value);
    }
  }

  /** Removes the entry; true when there was one. */
  delete(key: K): boolean {
    const slot = this.#slots.get(key);
    if (slot === undefined) return false;
    this.#slots.delete(key);
    this.#size -= slot.size;
    return true;
  }

  /** How many entries it holds. */
  get size(): number {
    return this.#slots.size;
  }
}

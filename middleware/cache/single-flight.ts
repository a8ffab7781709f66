import type { CacheEntry } from '../../src/cache/types.js';

/** A call in flight that others with the same key wait for. */
export interface Flight {
  /** Hands the answer (or nothing, on failure) to every waiting call. */
  settle(entry: CacheEntry | undefined): void;
  /** Ends the flight: its answer is in the store now (or will never be). */
  land(): void;
}

/**
 * Identical requests in flight at the same time reach the provider once: the first leads,
 * the others wait for its answer. A failed leader hands over nothing (an error is never
 * shared), and the next waiting call leads in its place. A settled flight stays until its
 * answer is in the store, so that a call starting in between does not miss it.
 */
export class SingleFlight {
  readonly #leaders = new Map<string, Promise<CacheEntry | undefined>>();

  /** The pending or settled answer of the call leading `key`, if one leads. */
  leaderOf(key: string): Promise<CacheEntry | undefined> | undefined {
    return this.#leaders.get(key);
  }

  /** Makes this call the leader of `key`. Call it in the same turn as a `leaderOf` that found none. */
  lead(key: string): Flight {
    let resolve: (entry: CacheEntry | undefined) => void = () => {};
    const answer = new Promise<CacheEntry | undefined>((settle) => {
      resolve = settle;
    });
    this.#leaders.set(key, answer);
    const land = () => {
      if (this.#leaders.get(key) === answer) this.#leaders.delete(key);
    };
    return {
      settle: (entry) => {
        resolve(entry);
        if (entry === undefined) land();
      },
      land,
    };
  }
}

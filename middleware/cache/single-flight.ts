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
  readonly #leaders = new Map<string, LeaderFlight>();

  /** The pending or settled answer of the call leading `key`, if one leads. */
  leaderOf(key: string): Promise<CacheEntry | undefined> | undefined {
    return this.#leaders.get(key)?.answer();
  }

  /** Makes this call the leader of `key`. Call it in the same turn as a `leaderOf` that found none. */
  lead(key: string): Flight {
    const flight = new LeaderFlight(() => {
      if (this.#leaders.get(key) === flight) this.#leaders.delete(key);
    });
    this.#leaders.set(key, flight);
    return flight;
  }
}

/**
 * One leader's flight. Its promise is made only when another call waits for it: most calls
 * have nobody waiting, and pay for no promise.
 */
class LeaderFlight implements Flight {
  readonly land: () => void;
  #settled = false;
  #entry: CacheEntry | undefined;
  #promise: Promise<CacheEntry | undefined> | undefined;
  #resolve: ((entry: CacheEntry | undefined) => void) | undefined;

  constructor(land: () => void) {
    this.land = land;
  }

  answer(): Promise<CacheEntry | undefined> {
    if (this.#promise === undefined) {
      this.#promise = this.#settled
        ? Promise.resolve(this.#entry)
        : new Promise((resolve) => {
            this.#resolve = resolve;
          });
    }
    return this.#promise;
  }

  settle(entry: CacheEntry | undefined): void {
    this.#settled = true;
    this.#entry = entry;
    this.#resolve?.(entry);
    if (entry === undefined) this.land();
  }
}

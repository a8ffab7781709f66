import type { CompletionCacheEntry as CacheEntry } from '../../src/kit/index.js';

/** A call in flight that others with the same key wait for. */
export interface Flight {
  /** Hands the answer (or nothing, on failure) to every waiting call. */
  settle(entry: CacheEntry | undefined): void;
  /** Ends the flight: its answer is in the store now (or will never be). */
  land(): void;
  /** The leader's answer is a stream: from now on, waiting calls watch it deliver. */
  streaming(): void;
  /** The leader's stream delivered a chunk. */
  advance(): void;
}

/**
 * Identical requests in flight at the same time reach the provider once: the first leads,
 * the others wait for its answer. A failed leader hands over nothing (an error is never
 * shared), and the next waiting call leads in its place. A settled flight stays until its
 * answer is in the store, so that a call starting in between does not miss it.
 *
 * A leader that streams hands its answer over only when its stream ends, so waiting on it is
 * waiting on whoever reads it: a stream that delivers no chunk for `idleMs` (nobody reads it,
 * or the provider stalls) releases the waiting calls, which then send their own request.
 */
export class SingleFlight {
  readonly #leaders = new Map<string, LeaderFlight>();
  readonly #idleMs: number;

  constructor(idleMs: number) {
    this.#idleMs = idleMs;
  }

  /** The pending or settled answer of the call leading `key`, if one leads. */
  leaderOf(key: string): Promise<CacheEntry | undefined> | undefined {
    return this.#leaders.get(key)?.answer();
  }

  /** Makes this call the leader of `key`. Call it in the same turn as a `leaderOf` that found none. */
  lead(key: string): Flight {
    const flight = new LeaderFlight(this.#idleMs, () => {
      if (this.#leaders.get(key) === flight) this.#leaders.delete(key);
    });
    this.#leaders.set(key, flight);
    return flight;
  }
}

/**
 * One leader's flight. Its promise is made only when another call waits for it: most calls
 * have nobody waiting, and pay for no promise, and no watch.
 */
class LeaderFlight implements Flight {
  readonly land: () => void;
  readonly #idleMs: number;
  #settled = false;
  #entry: CacheEntry | undefined;
  #promise: Promise<CacheEntry | undefined> | undefined;
  #resolve: ((entry: CacheEntry | undefined) => void) | undefined;
  #streaming = false;
  #chunks = 0;
  #watch: ReturnType<typeof setInterval> | undefined;

  constructor(idleMs: number, land: () => void) {
    this.#idleMs = idleMs;
    this.land = land;
  }

  answer(): Promise<CacheEntry | undefined> {
    if (this.#promise === undefined) {
      this.#promise = this.#settled
        ? Promise.resolve(this.#entry)
        : new Promise((resolve) => {
            this.#resolve = resolve;
          });
      if (this.#streaming) this.#watchStream();
    }
    return this.#promise;
  }

  settle(entry: CacheEntry | undefined): void {
    this.#stopWatch();
    this.#settled = true;
    this.#entry = entry;
    this.#resolve?.(entry);
    if (entry === undefined) this.land();
  }

  streaming(): void {
    this.#streaming = true;
    if (this.#promise !== undefined && !this.#settled) this.#watchStream();
  }

  advance(): void {
    this.#chunks++;
  }

  /** Releases the waiting calls when the stream delivers nothing for a whole `idleMs`. */
  #watchStream(): void {
    if (this.#watch !== undefined) return;
    let seen = this.#chunks;
    this.#watch = setInterval(() => {
      if (this.#chunks !== seen) {
        seen = this.#chunks;
        return;
      }
      // Nothing shared: the waiting calls go their own way, and the leader's answer, when it
      // comes, is still stored.
      this.#stopWatch();
      this.#resolve?.(undefined);
      this.#resolve = undefined;
      this.land();
    }, this.#idleMs);
    this.#watch.unref();
  }

  #stopWatch(): void {
    if (this.#watch !== undefined) clearInterval(this.#watch);
    this.#watch = undefined;
  }
}

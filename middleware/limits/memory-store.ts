import type { Adjustment, Counter, LimitStore, Reservation } from './store.js';
import { bucketOf, SlidingWindow } from './windows.js';

/** The window of a counter nothing has counted on. */
const NO_WINDOW = new SlidingWindow();

/** Reservations between two sweeps of the counters no call uses any more. */
const SWEEP_EVERY = 1000;

/**
 * The counters in this process: the default store. Its reservations are atomic because they
 * run in one turn of the event loop. Counters of scopes that go quiet are dropped as their
 * windows, leases and periods end.
 */
export class MemoryLimitStore implements LimitStore {
  readonly #windows = new Map<string, SlidingWindow>();
  readonly #leases = new Map<string, Map<string, number>>();
  readonly #periods = new Map<string, { used: number; endsAt: number }>();
  #sinceSweep = 0;
  /** From when the amount of the last `#check` fits, when it does not now (see `#check`). */
  #fitsAt: number | undefined = undefined;

  async reserve(counters: readonly Counter[], callId: string, now: number): Promise<Reservation> {
    return this.reserveNow(counters, callId, now);
  }

  /** {@link reserve}, in this turn. */
  reserveNow(counters: readonly Counter[], callId: string, now: number): Reservation {
    if (++this.#sinceSweep >= SWEEP_EVERY) this.#sweep(now);
    const bucket = bucketOf(now);
    const used: number[] = [];
    for (let index = 0; index < counters.length; index++) {
      const counter = counters[index] as Counter;
      const counted = this.#check(counter, bucket, now);
      if (this.#fitsAt !== undefined || counted + counter.amount > counter.limit) {
        return { ok: false, index, used: counted, fitsAt: this.#fitsAt };
      }
      used.push(counted);
    }
    for (const counter of counters) this.#add(counter, counter.amount, bucket, callId, now);
    return { ok: true, bucket, used };
  }

  async settle(
    adjustments: readonly Adjustment[],
    callId: string,
    bucket: number,
    now: number,
  ): Promise<void> {
    this.settleNow(adjustments, callId, bucket, now);
  }

  /** {@link settle}, in this turn. */
  settleNow(adjustments: readonly Adjustment[], callId: string, bucket: number, now: number): void {
    for (const { counter, delta } of adjustments) {
      if (counter.kind === 'parallel') this.#leases.get(counter.key)?.delete(callId);
      else if (delta !== 0) this.#add(counter, delta, bucket, callId, now);
    }
  }

  async read(counters: readonly Counter[], now: number): Promise<number[]> {
    const bucket = bucketOf(now);
    return counters.map((counter) =>
      this.#check({ ...counter, amount: 0 } as Counter, bucket, now, true),
    );
  }

  /**
   * What a counter has used; sets `#fitsAt` to when a new amount fits if it does not now (a
   * number and a field, not an object: this runs for every counter of every call). Leases of
   * calls that never ended are dropped when they run out, which matters only to a counter that
   * looks full (or to an `exact` reading): the walk over a key's leases is skipped otherwise.
   */
  #check(counter: Counter, bucket: number, now: number, exact = false): number {
    this.#fitsAt = undefined;
    switch (counter.kind) {
      case 'window': {
        const window = this.#windows.get(counter.key) ?? NO_WINDOW;
        const used = window.use(bucket, counter.amount, counter.limit);
        this.#fitsAt = window.fitsAt;
        return used;
      }
      case 'parallel': {
        const leases = this.#leases.get(counter.key);
        if (leases === undefined) return 0;
        if (!exact && leases.size + 1 <= counter.limit) return leases.size;
        let soonest: number | undefined;
        for (const [id, expiresAt] of leases) {
          if (expiresAt <= now) leases.delete(id);
          else soonest = soonest === undefined ? expiresAt : Math.min(soonest, expiresAt);
        }
        // Full: a slot frees when a call ends, which no clock says; the lease is the latest.
        if (leases.size + 1 > counter.limit) this.#fitsAt = soonest;
        return leases.size;
      }
      case 'period': {
        const period = this.#periods.get(counter.key);
        const used = period === undefined || period.endsAt <= now ? 0 : period.used;
        if (used + counter.amount > counter.limit) this.#fitsAt = counter.endsAt;
        return used;
      }
    }
  }

  #add(counter: Counter, amount: number, bucket: number, callId: string, now: number): void {
    switch (counter.kind) {
      case 'window': {
        let window = this.#windows.get(counter.key);
        if (window === undefined) {
          window = new SlidingWindow();
          this.#windows.set(counter.key, window);
        }
        window.add(bucket, amount, bucketOf(now));
        return;
      }
      case 'parallel': {
        let leases = this.#leases.get(counter.key);
        if (leases === undefined) {
          leases = new Map();
          this.#leases.set(counter.key, leases);
        }
        leases.set(callId, now + counter.leaseMs);
        return;
      }
      case 'period': {
        const current = this.#periods.get(counter.key);
        const used = current === undefined || current.endsAt <= now ? 0 : current.used;
        this.#periods.set(counter.key, {
          used: Math.max(0, used + amount),
          endsAt: counter.endsAt,
        });
        return;
      }
    }
  }

  /** Drops what no longer counts: windows gone quiet, ended leases and periods. */
  #sweep(now: number): void {
    this.#sinceSweep = 0;
    const current = bucketOf(now);
    for (const [key, window] of this.#windows) {
      if (window.isQuietAt(current)) this.#windows.delete(key);
    }
    for (const [key, leases] of this.#leases) {
      for (const [id, expiresAt] of leases) if (expiresAt <= now) leases.delete(id);
      if (leases.size === 0) this.#leases.delete(key);
    }
    for (const [key, period] of this.#periods) if (period.endsAt <= now) this.#periods.delete(key);
  }
}

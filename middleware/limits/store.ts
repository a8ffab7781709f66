/**
 * The counters of the limits layer, and where they are kept: in this process
 * ({@link MemoryLimitStore}) or in Redis, shared by every process (`RedisLimitStore`). Every
 * reservation is one atomic step: all of a call's counters are checked, and only when every one
 * has room are they all counted.
 */

/** One counter a call reserves on. */
export type Counter =
  /** A sliding minute (rpm, tpm): `amount` in the current bucket. */
  | { kind: 'window'; key: string; limit: number; amount: number }
  /** Calls in flight: a lease under the call's id until it ends, or `leaseMs` at most. */
  | { kind: 'parallel'; key: string; limit: number; amount: 1; leaseMs: number }
  /** A budget's period (nano-dollars): `amount` on the period's counter, which ends at `endsAt`. */
  | { kind: 'period'; key: string; limit: number; amount: number; endsAt: number };

/** What a reservation gave. */
export type Reservation =
  | {
      ok: true;
      /** The bucket the window counters were counted in (their settlement goes there). */
      bucket: number;
      /** Each counter's use before this call, in the order given. */
      used: number[];
    }
  | {
      ok: false;
      /** The first counter without room, its position in the order given. */
      index: number;
      /** Its use. */
      used: number;
      /** When it would have room for this call (epoch milliseconds), where it will. */
      fitsAt: number | undefined;
    };

/** A settlement: the difference between what a counter was reserved and what the call used. */
export interface Adjustment {
  counter: Counter;
  /** What to add (negative: give back). */
  delta: number;
}

/** Where the counters live. */
export interface LimitStore {
  /** Checks every counter and, when all have room, counts `amount` on each, under `callId` (parallel). */
  reserve(counters: readonly Counter[], callId: string, now: number): Promise<Reservation>;
  /** Corrects counters to what the call used (`bucket`: the reservation's), and ends its parallel leases. */
  settle(
    adjustments: readonly Adjustment[],
    callId: string,
    bucket: number,
    now: number,
  ): Promise<void>;
  /** Each counter's current use, in the order given. */
  read(counters: readonly Counter[], now: number): Promise<number[]>;
}

import { type Context, StoreGuard } from '../../src/kit/index.js';
import { MemoryLimitStore } from './memory-store.js';
import type { Adjustment, Counter, LimitStore, Reservation } from './store.js';

function ignore(): void {}

/** What gives a whole reservation back: each amount taken off, each lease ended. */
function givingBack(counters: readonly Counter[]): Adjustment[] {
  return counters.map((counter) => ({ counter, delta: -counter.amount }));
}

/** A reservation, and the store that made it (the fallback's, when the shared one failed). */
export interface Reserved {
  /** Undefined: refused because the store failed and the layer fails closed. */
  reservation: Reservation | undefined;
  store: LimitStore | undefined;
}

/**
 * Runs the store's operations for the layer: this process's store at once (in this turn, no
 * promise), a shared one through a {@link StoreGuard} (within `timeoutMs` and the call's bounds,
 * paused after a failure). When the shared store fails, is slow or is paused: fail open (reserve
 * in this process's store instead, report once) or closed.
 */
export class StoreRunner {
  readonly #store: LimitStore;
  readonly #local: MemoryLimitStore;
  readonly #failOpen: boolean;
  readonly #guard: StoreGuard;

  constructor(store: LimitStore | undefined, failOpen: boolean, timeoutMs: number) {
    this.#local = store instanceof MemoryLimitStore ? store : new MemoryLimitStore();
    this.#store = store ?? this.#local;
    this.#failOpen = failOpen;
    this.#guard = new StoreGuard(timeoutMs, 'limits (store)');
  }

  /** The store the layer reads from. */
  get store(): LimitStore {
    return this.#store;
  }

  reserve(
    ctx: Context,
    counters: readonly Counter[],
    callId: string,
    now: number,
  ): Reserved | Promise<Reserved> {
    if (this.#store === this.#local) {
      return { reservation: this.#local.reserveNow(counters, callId, now), store: this.#local };
    }
    const shared = this.#store;
    let sent: Promise<Reservation> | undefined;
    const reserving = () => {
      sent = shared.reserve(counters, callId, now);
      return sent;
    };
    return this.#guard.run('reserve', reserving, ctx).then((reservation): Reserved => {
      if (reservation !== undefined) return { reservation, store: shared };
      // Too slow (or paused): a reservation that lands after all is given back, so that a slow
      // spell leaves no request, token, dollar or parallel slot counted in the shared store.
      sent?.then((late) => {
        if (late.ok)
          void shared.settle(givingBack(counters), callId, late.bucket, Date.now()).catch(ignore);
      }, ignore);
      if (!this.#failOpen) return { reservation: undefined, store: undefined };
      return { reservation: this.#local.reserveNow(counters, callId, now), store: this.#local };
    });
  }

  /** Settles on the store that reserved; a shared one's write is tracked by `flush()`. */
  settle(
    ctx: Context,
    store: LimitStore,
    adjustments: readonly Adjustment[],
    callId: string,
    bucket: number,
    now: number,
  ): void {
    if (store === this.#local) {
      this.#local.settleNow(adjustments, callId, bucket, now);
      return;
    }
    // After the call: not bound to it, but reported through it.
    const settle = () => store.settle(adjustments, callId, bucket, now);
    ctx.defer(() => this.#guard.run('settle', settle, undefined, ctx), {
      callback: 'limits',
      event: 'settle',
    });
  }
}

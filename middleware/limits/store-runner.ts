import { type Context, TimeoutError } from '../../src/kit/index.js';
import { MemoryLimitStore } from './memory-store.js';
import type { Adjustment, Counter, LimitStore, Reservation } from './store.js';

/** A reservation, and the store that made it (the fallback's, when the shared one failed). */
export interface Reserved {
  /** Undefined: refused because the store failed and the layer fails closed. */
  reservation: Reservation | undefined;
  store: LimitStore | undefined;
}

/**
 * Runs the store's operations for the layer: this process's store at once (in this turn, no
 * promise), a shared one within `timeoutMs` and the call's bounds. When the shared store fails
 * or is slow: fail open (reserve in this process's store instead, report once) or closed.
 */
export class StoreRunner {
  readonly #store: LimitStore;
  readonly #local: MemoryLimitStore;
  readonly #failOpen: boolean;
  readonly #timeoutMs: number;
  #failing = false;

  constructor(store: LimitStore | undefined, failOpen: boolean, timeoutMs: number) {
    this.#local = store instanceof MemoryLimitStore ? store : new MemoryLimitStore();
    this.#store = store ?? this.#local;
    this.#failOpen = failOpen;
    this.#timeoutMs = timeoutMs;
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
    return this.#bounded(ctx, 'reserve', () => this.#store.reserve(counters, callId, now)).then(
      (reservation): Reserved => {
        if (reservation !== undefined) return { reservation, store: this.#store };
        if (!this.#failOpen) return { reservation: undefined, store: undefined };
        return { reservation: this.#local.reserveNow(counters, callId, now), store: this.#local };
      },
    );
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
    ctx.defer(
      () =>
        this.#bounded(
          undefined,
          'settle',
          () => store.settle(adjustments, callId, bucket, now),
          ctx,
        ),
      {
        callback: 'limits',
        event: 'settle',
      },
    );
  }

  async #bounded<T>(
    ctx: Context | undefined,
    what: string,
    operation: () => Promise<T>,
    reporter: Context | undefined = ctx,
  ): Promise<T | undefined> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new TimeoutError({
              message: `the limits store took longer than ${this.#timeoutMs} ms (${what})`,
            }),
          ),
        this.#timeoutMs,
      );
      timer.unref?.();
    });
    try {
      const raced = Promise.race([operation(), expired]);
      const result = await (ctx === undefined ? raced : ctx.within(raced));
      this.#failing = false;
      return result;
    } catch (error) {
      if (ctx?.signal.aborted) throw error;
      if (!this.#failing) {
        this.#failing = true;
        reporter?.report(error, { callback: 'limits (store)', event: what });
      }
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }
}

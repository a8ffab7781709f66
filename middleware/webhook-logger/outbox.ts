import { type CallRecord, sleep } from '../../src/kit/index.js';
import { WebhookOverflowError } from './errors.js';
import { postOnce, type Target } from './post.js';
import {
  deliveryError,
  givenUpError,
  type RetryPolicy,
  retryDelay,
  type WebhookRetry,
} from './retry.js';

/** The counters of a webhook sink. */
export interface WebhookStats {
  /** Records queued for a later POST (a batch still filling, before `maxWaitMs`, is not counted). */
  waiting: number;
  /** Records in the batch being POSTed or waiting to be retried. */
  sending: number;
  /** Records the webhook accepted. */
  delivered: number;
  /** Records given up on: refused, or every attempt failed. Each batch is reported. */
  failed: number;
  /** The oldest records dropped because the queue was full. */
  dropped: number;
  /** POSTs made, retries included. */
  requests: number;
}

/** The keep-alive handle's period (its tick does nothing): the longest a Node timer takes. */
const KEEP_ALIVE_PERIOD_MS = 2 ** 31 - 1;

/** What an outbox is made of. */
export interface OutboxOptions {
  target: Target;
  batchSize: number;
  maxQueue: number;
  retry: RetryPolicy;
  onRetry: ((retry: WebhookRetry) => void) | undefined;
  /** Hands a failure to the client's error hook. */
  report: (error: unknown, event: string) => void;
}

/**
 * A bounded queue of records and the one loop that POSTs them, a batch at a time and in
 * order, retrying a batch before the next one goes. When the queue is full the oldest records
 * make room; `idle()` resolves once everything queued is delivered or given up on; `stop()`
 * gives up on everything at once, for good.
 */
export class Outbox {
  readonly #options: OutboxOptions;
  #waiting: CallRecord[] = [];
  #sending = 0;
  #running = false;
  #overflowing = false;
  /** Aborted by `stop()`: ends a backoff wait at once. */
  readonly #stopping = new AbortController();
  /**
   * Held while someone awaits `idle()`, so that the process stays up until they are answered:
   * the backoff waits themselves never keep it alive.
   */
  #keepAlive: ReturnType<typeof setInterval> | undefined;
  /** Cuts the POST under way. */
  #posting: AbortController | undefined;
  #stopped = false;
  #idleWaiters: Array<() => void> = [];
  #counts = { delivered: 0, failed: 0, dropped: 0, requests: 0 };

  constructor(options: OutboxOptions) {
    this.#options = options;
  }

  stats(): WebhookStats {
    return { waiting: this.#waiting.length, sending: this.#sending, ...this.#counts };
  }

  /** Queues records for delivery, dropping the oldest beyond `maxQueue`. */
  enqueue(records: readonly CallRecord[]): void {
    if (this.#stopped) {
      this.#giveUp(records.length, 'closed');
      return;
    }
    for (const record of records) this.#waiting.push(record);
    const excess = this.#waiting.length - this.#options.maxQueue;
    if (excess > 0) this.#drop(excess);
    if (!this.#running) void this.#run();
  }

  /**
   * Resolves once nothing is queued or being sent, or when `signal` aborts (delivery goes
   * on); while someone waits, the process stays up, backoff waits included.
   */
  idle(signal?: AbortSignal): Promise<void> {
    if ((!this.#running && this.#waiting.length === 0) || signal?.aborted) return Promise.resolve();
    this.#keepAlive ??= setInterval(() => {}, KEEP_ALIVE_PERIOD_MS);
    return new Promise((resolve) => {
      const done = () => {
        signal?.removeEventListener('abort', leave);
        resolve();
      };
      const leave = () => {
        this.#idleWaiters = this.#idleWaiters.filter((waiter) => waiter !== done);
        if (this.#idleWaiters.length === 0) this.#release();
        resolve();
      };
      this.#idleWaiters.push(done);
      signal?.addEventListener('abort', leave, { once: true });
    });
  }

  /**
   * Stops for good: cuts the POST under way and the backoff, and gives up on every record not
   * yet delivered (counted in `failed`, reported once). Records queued later are given up on
   * too. Nothing of the outbox keeps the process alive afterwards.
   */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    const lost = this.#waiting.length + this.#sending;
    this.#waiting = [];
    this.#sending = 0;
    this.#posting?.abort();
    this.#stopping.abort();
    this.#giveUp(lost, 'deadline');
  }

  #giveUp(records: number, why: 'deadline' | 'closed'): void {
    if (records === 0) return;
    this.#counts.failed += records;
    this.#options.report(givenUpError(records, why, this.#options.target), 'close');
  }

  #drop(count: number): void {
    this.#waiting.splice(0, count);
    this.#counts.dropped += count;
    if (this.#overflowing) return;
    this.#overflowing = true;
    const { maxQueue, target } = this.#options;
    this.#options.report(
      new WebhookOverflowError(
        `webhookLogger: the queue of ${maxQueue} records for ${target.shown} is full, so the oldest records are being dropped until it empties (stats().dropped counts them). The webhook is slower than the calls, or failing: check it, or raise maxQueue or batchSize.`,
        maxQueue,
      ),
      'drop',
    );
  }

  async #run(): Promise<void> {
    this.#running = true;
    try {
      while (this.#waiting.length > 0 && !this.#stopped) {
        const batch = this.#waiting.splice(0, this.#options.batchSize);
        // The backlog is gone: a later overflow is a new episode, and is reported again.
        if (this.#waiting.length === 0) this.#overflowing = false;
        this.#sending = batch.length;
        await this.#deliver(batch);
        this.#sending = 0;
      }
    } catch (error) {
      this.#options.report(error, 'write');
    } finally {
      this.#sending = 0;
      this.#running = false;
      this.#release();
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  /** POSTs one batch until it is accepted, refused, or out of attempts. */
  async #deliver(batch: CallRecord[]): Promise<void> {
    const { target, retry } = this.#options;
    const body = JSON.stringify({ records: batch });
    for (let attempt = 1; ; attempt++) {
      this.#counts.requests++;
      this.#posting = new AbortController();
      const outcome = await postOnce(target, body, this.#posting.signal);
      this.#posting = undefined;
      // stop() has counted and reported the batch.
      if (this.#stopped) return;
      if (outcome.ok) {
        this.#counts.delivered += batch.length;
        return;
      }
      if (!outcome.retryable || attempt > retry.numRetries) {
        this.#counts.failed += batch.length;
        this.#options.report(deliveryError(outcome, attempt, batch.length, target), 'write');
        return;
      }
      const delayMs = retryDelay(attempt - 1, retry, outcome.retryAfterMs);
      this.#announce({
        attempt: attempt + 1,
        delayMs,
        status: outcome.status,
        reason: outcome.problem,
        records: batch.length,
      });
      // Only stop() ends the wait early, and it has counted and reported the batch.
      await sleep(delayMs, this.#stopping.signal, { keepAlive: false }).catch(() => {});
      if (this.#stopped) return;
    }
  }

  #release(): void {
    clearInterval(this.#keepAlive);
    this.#keepAlive = undefined;
  }

  #announce(retry: WebhookRetry): void {
    try {
      this.#options.onRetry?.(retry);
    } catch (error) {
      this.#options.report(error, 'retry');
    }
  }
}

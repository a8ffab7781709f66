import type { Dispatcher } from 'undici';
import {
  type BackoffSettings,
  createSink,
  type DeadlineOptions,
  type Middleware,
  type Secret,
  type Sink,
} from '../../src/kit/index.js';
import { checkOptions } from './options.js';
import { Outbox, type WebhookStats } from './outbox.js';
import type { WebhookRetry } from './retry.js';

export {
  isWebhookDeliveryError,
  isWebhookOverflowError,
  WebhookDeliveryError,
  WebhookOverflowError,
} from './errors.js';
export type { WebhookStats } from './outbox.js';
export type { WebhookRetry } from './retry.js';

/**
 * Options of {@link webhookLogger}. The waits between POSTs of a batch are in the kit's
 * {@link BackoffSettings} words, the same as the `resilience` layer's.
 */
export interface WebhookLoggerOptions extends Partial<BackoffSettings> {
  /** Where the records are POSTed: an `http://` or `https://` URL, without credentials in it. */
  url: string;
  /**
   * Headers sent with every POST, such as `authorization`. Values may be credentials: they
   * are never logged, and masked out of every error message. A `Secret` works too.
   * `content-type: application/json` is added unless you set it.
   * @default {}
   */
  headers?: Record<string, string | Secret>;
  /** Records per POST. @default 100 */
  batchSize?: number;
  /** The longest a record waits for its batch to fill, in milliseconds. @default 1000 */
  maxWaitMs?: number;
  /**
   * The most records that wait for a POST (the batch being sent aside). When it is full, the
   * oldest records are dropped and counted in `stats().dropped`, and the first drop of each
   * episode (until the queue empties) is reported to the client's `onCallbackError`.
   * @default 10000
   */
  maxQueue?: number;
  /**
   * Retries of a batch after its first POST, before it is given up on and reported (it was
   * `maxAttempts`, which counted the first POST: `maxAttempts: 5` is `numRetries: 4`).
   * @default 4
   */
  numRetries?: number;
  /** The wait before the first retry, in milliseconds; it doubles with each retry (it was `backoffMs`). @default 500 */
  baseDelayMs?: number;
  /** The longest computed wait before a retry (it was `maxBackoffMs`). @default 30000, or baseDelayMs if longer */
  maxDelayMs?: number;
  /**
   * The longest wait a webhook's `retry-after` gets: a longer one is cut to this (where the
   * `resilience` layer ignores it), so a webhook that asked for time is not hurried.
   * @default maxDelayMs
   */
  maxRetryAfterMs?: number;
  /** The share of each computed wait taken off at random, so that many senders spread out. @default 0.5 */
  jitter?: number;
  /** The longest wait for the webhook's answer head, then between pieces of its body, per POST. @default 10000 */
  timeoutMs?: number;
  /** The undici dispatcher to send with (a proxy agent, a MockAgent in tests). @default shallot's shared keep-alive agent */
  dispatcher?: Dispatcher;
  /** Called before each retry, with why and how long it waits; a throw is reported. @default none */
  onRetry?: (retry: WebhookRetry) => void;
}

/** A webhook sink: a {@link Sink} with delivery counters. */
export interface WebhookSink extends Sink {
  /** What the sink has done so far: records waiting, being sent, delivered, failed and dropped. */
  stats(): WebhookStats;
}

/**
 * POSTs the record of every finished call (after the last chunk, for streams) to a webhook,
 * in batches, as JSON: `{ "records": [record, ...] }`, oldest first. A batch that meets a
 * 408, a 429, a 5xx or a connection error is retried with exponential backoff and jitter,
 * honouring `retry-after`, up to `numRetries` times; batches go one at a time, in order. Other
 * statuses, and a batch out of attempts, are reported to the client's `onCallbackError`. The
 * queue is bounded: past `maxQueue`, the oldest records are dropped and counted. Calls never
 * wait for the webhook and never fail because of it; `client.flush()` resolves once every
 * record is delivered or given up on, and no timer of the sink keeps the process alive. When
 * `client.shutdown()` reaches its `timeoutMs`, the sink stops: the POST under way is cut, and
 * the records not delivered are counted in `failed` and reported.
 *
 * @example
 * const hook = webhookLogger({ url: 'https://logs.example.com/llm', headers: { authorization: `Bearer ${token}` } });
 * const client = createClient({ middleware: [hook] });
 * // ... calls ...
 * await client.flush();
 * console.log(hook.stats()); // { waiting: 0, sending: 0, delivered: 42, failed: 0, dropped: 0, requests: 1 }
 */
export function webhookLogger(options: WebhookLoggerOptions): WebhookSink {
  const checked = checkOptions(options);
  // Drops and given-up batches happen outside a write: the sink reports them to its clients.
  const outbox = new Outbox({ ...checked, report: (error, event) => base.report(error, event) });
  const base = createSink({
    name: 'webhookLogger',
    batchSize: checked.batchSize,
    maxWaitMs: checked.maxWaitMs,
    write: (records) => outbox.enqueue(records),
  });
  const sink: Middleware = function webhookLogger(ctx, next) {
    return base(ctx, next);
  };
  const flush = async (deadline?: DeadlineOptions) => {
    await base.flush();
    await outbox.idle(deadline?.signal);
  };
  // The dispatcher is shared (or the caller's): closing the sink delivers, and leaves it open.
  // Past the deadline it stops: the POST under way is cut, and what is left is given up on.
  const close = async (deadline?: DeadlineOptions) => {
    const signal = deadline?.signal;
    const stop = () => outbox.stop();
    if (signal?.aborted) stop();
    else signal?.addEventListener('abort', stop, { once: true });
    try {
      await base.close(deadline);
      await outbox.idle(signal);
    } finally {
      signal?.removeEventListener('abort', stop);
    }
  };
  return Object.assign(sink, {
    flush,
    close,
    adopt: base.adopt,
    report: base.report,
    stats: () => outbox.stats(),
  });
}

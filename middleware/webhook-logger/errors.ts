import { SinkError } from '../../src/kit/index.js';

/** Evidence of a failed delivery. */
export interface WebhookDeliveryErrorOptions {
  message: string;
  /** The webhook's last HTTP status; undefined when no answer came (a connection error). */
  status: number | undefined;
  /** How many POSTs were made for the batch. */
  attempts: number;
  /** How many records the batch held; they are lost. */
  records: number;
  /** Whether the last failure was one a retry could fix (the attempts ran out). */
  retryable: boolean;
}

/**
 * A batch of records that the webhook did not accept: a status that is not worth retrying
 * (400, 401, 404, ...), or every attempt failed. Reported to the client's `onCallbackError`;
 * its message names the webhook by origin and path only, and never holds a header value.
 */
export class WebhookDeliveryError extends SinkError {
  readonly attempts: number;
  readonly records: number;

  constructor(options: WebhookDeliveryErrorOptions) {
    super('sink_delivery', {
      sink: 'webhookLogger',
      message: options.message,
      status: options.status,
      retryable: options.retryable,
    });
    this.attempts = options.attempts;
    this.records = options.records;
  }
}

/** True when `error` is a {@link WebhookDeliveryError}. */
export function isWebhookDeliveryError(error: unknown): error is WebhookDeliveryError {
  return error instanceof WebhookDeliveryError;
}

/**
 * The sink's queue was full, so it began dropping its oldest records: reported once per
 * overflow episode (from the first drop until the queue has emptied), while
 * `sink.stats().dropped` counts every record dropped.
 */
export class WebhookOverflowError extends SinkError {
  /** The queue's bound, `maxQueue`. */
  readonly maxQueue: number;

  constructor(message: string, maxQueue: number) {
    super('sink_overflow', { sink: 'webhookLogger', message });
    this.maxQueue = maxQueue;
  }
}

/** True when `error` is a {@link WebhookOverflowError}. */
export function isWebhookOverflowError(error: unknown): error is WebhookOverflowError {
  return error instanceof WebhookOverflowError;
}

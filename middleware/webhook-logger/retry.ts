import { type BackoffSettings, backoffDelay } from '../../src/kit/index.js';
import { WebhookDeliveryError } from './errors.js';
import type { PostOutcome, Target } from './post.js';

/** A retry about to happen, as `onRetry` sees it. */
export interface WebhookRetry {
  /** The attempt about to be made: 2 for the first retry. */
  attempt: number;
  /** How long the sink waits first: the backoff, or the webhook's `retry-after`. */
  delayMs: number;
  /** The failed attempt's HTTP status; undefined for a connection error. */
  status: number | undefined;
  /** What went wrong, without any header value. */
  reason: string;
  /** How many records the batch holds. */
  records: number;
}

/** The retry policy, with its defaults applied. */
export interface RetryPolicy extends BackoffSettings {
  /** Retries of a batch after its first POST. */
  numRetries: number;
}

/**
 * How long to wait before retry number `retry` (0 for the first): the kit's
 * {@link backoffDelay}, except that a webhook's `retry-after` beyond `maxRetryAfterMs` is cut
 * to it rather than ignored. Delivery runs in the background, where a long wait costs nothing,
 * and a webhook that asked for time should not be sent the batch again sooner than needs be.
 */
export function retryDelay(retry: number, policy: RetryPolicy, retryAfterMs?: number): number {
  const asked =
    retryAfterMs === undefined ? undefined : Math.min(retryAfterMs, policy.maxRetryAfterMs);
  return backoffDelay(retry, asked, policy);
}

/** The error that reports a batch given up on: refused, or out of attempts. */
export function deliveryError(
  outcome: Exclude<PostOutcome, { ok: true }>,
  attempts: number,
  records: number,
  target: Target,
): WebhookDeliveryError {
  const what = `${records} record${records === 1 ? '' : 's'}`;
  const message = outcome.retryable
    ? `webhookLogger: gave up on ${what} for ${target.shown} after ${attempts} attempt${attempts === 1 ? '' : 's'}; the last failed with ${outcome.problem}. Check that the webhook is up, or raise numRetries.`
    : `webhookLogger: ${target.shown} refused ${what} with ${outcome.problem}, which a retry would not fix. Check the url and the headers given to webhookLogger.`;
  return new WebhookDeliveryError({
    message,
    status: outcome.status,
    attempts,
    records,
    retryable: outcome.retryable,
  });
}

/**
 * The error that reports records given up on without a last answer: `client.shutdown()`
 * reached its deadline (`deadline`), or they came after the sink was stopped (`closed`).
 */
export function givenUpError(
  records: number,
  why: 'deadline' | 'closed',
  target: Target,
): WebhookDeliveryError {
  const what = `${records} record${records === 1 ? '' : 's'}`;
  const message =
    why === 'deadline'
      ? `webhookLogger: gave up on ${what} for ${target.shown}: client.shutdown() reached its timeoutMs before the webhook took them. Give shutdown() more time, or check that the webhook answers.`
      : `webhookLogger: gave up on ${what} for ${target.shown}: client.shutdown() had already closed the sink when they came.`;
  return new WebhookDeliveryError({
    message,
    status: undefined,
    attempts: 0,
    records,
    retryable: why === 'deadline',
  });
}

/**
 * How long to wait between tries: one vocabulary for every layer that retries (the
 * `resilience` layer between attempts, the webhook sink between POSTs of a batch).
 */
export interface BackoffSettings {
  /** The first computed wait, in milliseconds; each next one doubles. */
  baseDelayMs: number;
  /** The longest computed wait, in milliseconds. */
  maxDelayMs: number;
  /** The longest wait a server may ask for (`retry-after`) that is honoured, in milliseconds. */
  maxRetryAfterMs: number;
  /** The share of each computed wait taken off at random (0 to 1), so clients do not retry in step. */
  jitter: number;
}

/**
 * The wait before retry number `retry` (0 for the first): the server's own hint
 * (`retryAfterMs`, from `retry-after` or the body) when it is within `maxRetryAfterMs`, else
 * `min(baseDelayMs · 2^retry, maxDelayMs)` less up to `jitter` of it at random, as the official
 * OpenAI and Anthropic SDKs wait. A hint beyond `maxRetryAfterMs` is not honoured: a layer
 * that would rather wait that long anyway passes `Math.min(hint, maxRetryAfterMs)`.
 *
 * @param random the source of jitter, from 0 (no wait taken off) to 1 (all of `jitter` off).
 * @example
 * const settings = { baseDelayMs: 500, maxDelayMs: 8000, maxRetryAfterMs: 60_000, jitter: 0 };
 * backoffDelay(0, undefined, settings); // 500
 * backoffDelay(3, undefined, settings); // 4000
 * backoffDelay(3, 1250, settings); // 1250: the server asked for it
 * backoffDelay(0, 3_600_000, settings); // 500: an hour is beyond maxRetryAfterMs
 */
export function backoffDelay(
  retry: number,
  retryAfterMs: number | undefined,
  settings: BackoffSettings,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined && retryAfterMs >= 0 && retryAfterMs <= settings.maxRetryAfterMs) {
    return retryAfterMs;
  }
  const computed = Math.min(settings.baseDelayMs * 2 ** retry, settings.maxDelayMs);
  return Math.round(computed * (1 - settings.jitter * random()));
}

/** Options of {@link sleep}. */
export interface SleepOptions {
  /**
   * Whether the wait keeps the Node.js process alive. A layer retrying in the background (a
   * sink) passes `false`, so that a process with nothing else to do exits during the wait.
   * @default true
   */
  keepAlive?: boolean;
}

/**
 * Waits `ms` milliseconds. When `signal` aborts first (the caller's cancel, a deadline), the
 * timer is cleared and the promise rejects at once with the signal's reason; an aborted
 * signal rejects without waiting.
 *
 * @example
 * await sleep(backoffDelay(retry, error.retryAfterMs, settings), ctx.signal);
 */
export function sleep(ms: number, signal?: AbortSignal, options: SleepOptions = {}): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    if (options.keepAlive === false) timer.unref?.();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** How long to wait between attempts. */
export interface BackoffSettings {
  /** The first wait, in milliseconds; each next one doubles. @default 500 */
  baseDelayMs: number;
  /** The longest computed wait. @default 8000 */
  maxDelayMs: number;
  /** The longest wait a provider may ask for (`retry-after`); a longer one is not honoured. @default 60000 */
  maxRetryAfterMs: number;
  /** The share of each computed wait taken off at random, so clients do not retry in step. @default 0.25 */
  jitter: number;
}

/**
 * The wait before retry number `retry` (0 for the first): the provider's `retry-after` when it
 * gave one within reason, else `min(base · 2^retry, max)` less up to `jitter` of it, as the
 * official OpenAI and Anthropic SDKs do.
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

/** Waits `ms`; rejects with the signal's reason if it aborts first (a caller's cancel). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

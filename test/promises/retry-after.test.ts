/**
 * The HTTP-date form of `retry-after` (RFC 9110 §10.2.3): a 429 that names the moment to come
 * back waits until then. Time is faked, `Date` included, so the wait is exact.
 */
import { createClient, RateLimitError } from 'shallot';
import { parseRetryAfter } from 'shallot/kit';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useFakeProvider } from '../support/fake-provider.js';
import { messages, ok, resilientClient, settle, until } from '../support/resilience.js';

const NOW = Date.UTC(2025, 5, 2, 12, 0, 0);

/** The HTTP date `ms` milliseconds after (or before) NOW, as a server writes it. */
function httpDate(ms: number): string {
  return new Date(NOW + ms).toUTCString();
}

function tooManyRequests(retryAfter: string) {
  return {
    status: 429,
    headers: { 'retry-after': retryAfter },
    body: JSON.stringify({ error: { message: 'slow down', code: 'rate_limit_exceeded' } }),
  };
}

describe('parseRetryAfter() with an HTTP date', () => {
  it('is the time from now until that date', () => {
    expect(parseRetryAfter({ 'retry-after': httpDate(7_000) }, NOW)).toBe(7_000);
    expect(parseRetryAfter({ 'retry-after': httpDate(90_000) }, NOW)).toBe(90_000);
  });

  it('is no wait at all for a date already past, never a negative wait', () => {
    expect(parseRetryAfter({ 'retry-after': httpDate(-30_000) }, NOW)).toBe(0);
  });

  it('counts from the current time when none is given', () => {
    vi.useFakeTimers({ toFake: ['Date'], now: NOW });
    try {
      expect(parseRetryAfter({ 'retry-after': httpDate(4_000) })).toBe(4_000);
    } finally {
      vi.useRealTimers();
    }
  });

  it('is no hint for a value that is neither seconds nor a date', () => {
    expect(parseRetryAfter({ 'retry-after': 'soon' }, NOW)).toBeUndefined();
  });
});

describe('a 429 whose retry-after is an HTTP date', () => {
  const fake = useFakeProvider();
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: NOW });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('waits until that date before the retry', async () => {
    fake.reply(tooManyRequests(httpDate(3_000)), ok);
    const { client, failures } = resilientClient(fake, { numRetries: 1, retry: { jitter: 0 } });
    const answer = client.completion({ model: 'gpt-4o', messages });

    await until(() => failures.length === 1, 'the 429 arrives');
    expect(failures[0]?.error).toBeInstanceOf(RateLimitError);
    expect(failures[0]?.delayMs).toBe(3_000);
    await vi.advanceTimersByTimeAsync(2_999);
    await settle();
    expect(fake.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await answer;
    expect(fake.requests).toHaveLength(2);
  });

  it('retries at once when the date is already past', async () => {
    fake.reply(tooManyRequests(httpDate(-60_000)), ok);
    const { client, failures } = resilientClient(fake, { numRetries: 1, retry: { jitter: 0 } });

    await client.completion({ model: 'gpt-4o', messages });

    expect(failures.map((failure) => failure.delayMs)).toEqual([0]);
    expect(fake.requests).toHaveLength(2);
  });

  it('carries the wait on the error when no retry is left', async () => {
    fake.reply(tooManyRequests(httpDate(12_000)));
    const client = createClient({
      providers: { openai: { apiKey: 'sk-retry-after-0123456789', apiBase: fake.url } },
    });

    const error = await client.completion({ model: 'gpt-4o', messages }).then(
      () => undefined,
      (rejection: unknown) => rejection,
    );

    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(12_000);
  });
});

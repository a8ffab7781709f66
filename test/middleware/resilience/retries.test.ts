/**
 * Retries with fake time: which failures are retried, how long each wait is, and what the
 * callbacks are told. Only `setTimeout` is faked; sockets and the fake provider run for real.
 */
import {
  AuthenticationError,
  BadRequestError,
  type CallbackKwargs,
  createClient,
  RateLimitError,
  ServiceUnavailableError,
  ValidationError,
} from 'shallot';
import { describe, expect, it, vi } from 'vitest';
import { ConformanceHandler } from '../../support/conformance-handler.js';
import { fixture, useFakeProvider } from '../../support/fake-provider.js';
import {
  FAILED_THEN_SUCCEEDED,
  messages,
  ok,
  resilientClient,
  settle,
  unavailable,
  until,
  useFakeTimeouts,
} from '../../support/resilience.js';
import { rejectionOf } from '../../support/streams.js';

const noJitter = { jitter: 0 };

const fake = useFakeProvider();
useFakeTimeouts();

describe('retries', () => {
  it('a 503 is retried after 500 ms, then after 1000 ms: the wait doubles from baseDelayMs', async () => {
    fake.reply(unavailable, unavailable, ok);
    const { client, failures } = resilientClient(fake, { numRetries: 2, retry: noJitter });
    const answer = client.completion({ model: 'gpt-4o', messages });

    await until(() => fake.requests.length === 1, 'the first request arrives');
    await until(() => failures.length === 1, 'the first attempt fails');
    await vi.advanceTimersByTimeAsync(499);
    await settle();
    expect(fake.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await until(() => failures.length === 2, 'the second attempt fails');
    expect(fake.requests).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(999);
    await settle();
    expect(fake.requests).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);

    expect((await answer).choices[0]?.message.content).toBeTruthy();
    expect(fake.requests).toHaveLength(3);
    expect(failures.map((failure) => failure.delayMs)).toEqual([500, 1000]);
    expect(failures.map((failure) => failure.attempt)).toEqual([1, 2]);
    expect(failures.every((failure) => failure.error instanceof ServiceUnavailableError)).toBe(
      true,
    );
  });

  it('jitter takes up to its share off each wait, and maxDelayMs caps the doubling', async () => {
    fake.reply(unavailable, unavailable, unavailable, unavailable, ok);
    const { client, failures } = resilientClient(fake, {
      numRetries: 4,
      retry: { baseDelayMs: 1000, maxDelayMs: 3000, jitter: 0.5 },
    });
    const answer = client.completion({ model: 'gpt-4o', messages });
    for (let attempt = 1; attempt <= 4; attempt++) {
      await until(() => failures.length === attempt, `attempt ${attempt} fails`);
      await vi.advanceTimersByTimeAsync(3000);
    }
    await answer;
    const delays = failures.map((failure) => failure.delayMs);
    const ceilings = [1000, 2000, 3000, 3000];
    delays.forEach((delay, index) => {
      const ceiling = ceilings[index] ?? 0;
      expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
      expect(delay).toBeLessThanOrEqual(ceiling);
    });
  });

  it('a 429 with retry-after (seconds) waits what the provider asked', async () => {
    fake.reply(
      {
        status: 429,
        headers: { 'retry-after': '3' },
        body: JSON.stringify({ error: { message: 'slow down', code: 'rate_limit_exceeded' } }),
      },
      ok,
    );
    const { client, failures } = resilientClient(fake, { numRetries: 1, retry: noJitter });
    const answer = client.completion({ model: 'gpt-4o', messages });
    await until(() => failures.length === 1, 'the 429 arrives');
    expect(failures[0]?.error).toBeInstanceOf(RateLimitError);
    expect(failures[0]?.delayMs).toBe(3000);
    await vi.advanceTimersByTimeAsync(2999);
    await settle();
    expect(fake.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await answer;
    expect(fake.requests).toHaveLength(2);
  });

  it('retry-after-ms wins over retry-after', async () => {
    fake.reply(
      {
        status: 429,
        headers: { 'retry-after': '3', 'retry-after-ms': '1250' },
        body: JSON.stringify({ error: { message: 'slow down', code: 'rate_limit_exceeded' } }),
      },
      ok,
    );
    const { client, failures } = resilientClient(fake, { numRetries: 1, retry: noJitter });
    const answer = client.completion({ model: 'gpt-4o', messages });
    await until(() => failures.length === 1, 'the 429 arrives');
    expect(failures[0]?.delayMs).toBe(1250);
    await vi.advanceTimersByTimeAsync(1250);
    await answer;
  });

  it("Gemini's RetryInfo in the error body sets the wait (34.4 s in the recorded 429)", async () => {
    fake.reply(
      { status: 429, body: fixture('gemini-error-429.json') },
      {
        body: JSON.stringify({
          candidates: [
            { content: { role: 'model', parts: [{ text: 'hi' }] }, finishReason: 'STOP' },
          ],
        }),
      },
    );
    const { client, failures } = resilientClient(fake, {
      numRetries: 1,
      providers: { gemini: { apiKey: 'gemini-key-0123456789', apiBase: fake.url } },
    });
    const answer = client.completion({ model: 'gemini/gemini-2.5-flash', messages });
    await until(() => failures.length === 1, 'the 429 arrives');
    expect(failures[0]?.delayMs).toBe(34_400);
    await vi.advanceTimersByTimeAsync(34_399);
    await settle();
    expect(fake.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect((await answer).choices[0]?.message.content).toBe('hi');
  });

  it('a retry-after beyond maxRetryAfterMs is not honoured: the computed wait is used', async () => {
    fake.reply(
      {
        status: 429,
        headers: { 'retry-after': '3600' },
        body: JSON.stringify({ error: { message: 'slow down', code: 'rate_limit_exceeded' } }),
      },
      ok,
    );
    const { client, failures } = resilientClient(fake, { numRetries: 1, retry: noJitter });
    const answer = client.completion({ model: 'gpt-4o', messages });
    await until(() => failures.length === 1, 'the 429 arrives');
    expect(failures[0]?.delayMs).toBe(500);
    await vi.advanceTimersByTimeAsync(500);
    await answer;
  });

  it.each([
    [
      'a 400',
      { status: 400, body: JSON.stringify({ error: { message: 'bad' } }) },
      BadRequestError,
    ],
    [
      'a 401',
      { status: 401, body: JSON.stringify({ error: { message: 'bad key' } }) },
      AuthenticationError,
    ],
    [
      'an exhausted quota (429 insufficient_quota)',
      { status: 429, body: fixture('openai-error-429-insufficient-quota.json') },
      RateLimitError,
    ],
  ])(
    '%s is not retried: the call fails at once with its typed error',
    async (_what, reply, type) => {
      fake.reply(reply, ok);
      const { client, failures } = resilientClient(fake, { numRetries: 3 });
      const error = await rejectionOf(client.completion({ model: 'gpt-4o', messages }));
      expect(error).toBeInstanceOf(type);
      expect(fake.requests).toHaveLength(1);
      expect(failures).toEqual([]);
    },
  );

  it('numRetries defaults to 0, as in LiteLLM, and a call’s own numRetries overrides the client’s', async () => {
    fake.reply(unavailable, ok);
    const { client } = resilientClient(fake);
    await expect(client.completion({ model: 'gpt-4o', messages })).rejects.toBeInstanceOf(
      ServiceUnavailableError,
    );
    expect(fake.requests).toHaveLength(1);

    fake.reply(unavailable, ok);
    const answer = client.completion({ model: 'gpt-4o', messages, numRetries: 1 });
    await until(() => fake.requests.length === 2, 'the retried call’s first request arrives');
    await vi.advanceTimersByTimeAsync(500);
    await answer;
    expect(fake.requests).toHaveLength(3);

    fake.reply(unavailable, ok);
    const { client: retrying } = resilientClient(fake, { numRetries: 3 });
    await expect(
      retrying.completion({ model: 'gpt-4o', messages, numRetries: 0 }),
    ).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(fake.requests).toHaveLength(4);
  });

  it('once retries are spent the call fails with the last error, not a wrapper', async () => {
    fake.reply(unavailable);
    const { client } = resilientClient(fake, { numRetries: 1, retry: noJitter });
    const failed = rejectionOf(client.completion({ model: 'gpt-4o', messages }));
    await until(() => fake.requests.length === 1, 'the first request arrives');
    await vi.advanceTimersByTimeAsync(500);
    const error = await failed;
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(fake.requests).toHaveLength(2);
  });

  it('each attempt has its own pre and post events; a retried failure says will_retry; all share the call and trace ids', async () => {
    fake.reply(unavailable, ok);
    const { client } = resilientClient(fake, { numRetries: 1, retry: noJitter });
    const handler = new ConformanceHandler();
    client.callbacks = [handler];
    const answer = client.completion({ model: 'gpt-4o', messages, traceId: 'trace-1' });
    await until(() => fake.requests.length === 1, 'the first request arrives');
    await vi.advanceTimersByTimeAsync(500);
    await answer;
    await client.flush();

    expect(handler.errors).toEqual([]);
    expect(handler.states).toEqual(FAILED_THEN_SUCCEEDED);
    const seen: CallbackKwargs[] = handler.seen;
    expect(seen.map((kwargs) => kwargs.attempt)).toEqual([1, 1, 1, 2, 2, 2]);
    expect(seen.map((kwargs) => kwargs.will_retry)).toEqual([
      false,
      false,
      true,
      false,
      false,
      false,
    ]);
    expect(new Set(seen.map((kwargs) => kwargs.litellm_call_id)).size).toBe(1);
    expect(new Set(seen.map((kwargs) => kwargs.litellm_params.litellm_trace_id))).toEqual(
      new Set(['trace-1']),
    );
    const retried = seen[2];
    expect(retried?.exception).toBeInstanceOf(ServiceUnavailableError);
    expect(retried?.standard_logging_object).toMatchObject({ status: 'failure', attempt: 1 });
    expect(seen[5]?.standard_logging_object).toMatchObject({ status: 'success', attempt: 2 });
  });

  it.each([
    ['numRetries', { numRetries: -1 }],
    ['numRetries', { numRetries: 1.5 }],
    ['retry.jitter', { retry: { jitter: 2 } }],
    ['retry.baseDelayMs', { retry: { baseDelayMs: -5 } }],
  ])('a client with a bad %s is refused when it is created', (field, options) => {
    expect(() => createClient(options)).toThrow(ValidationError);
    expect(() => createClient(options)).toThrow(field);
  });

  it.each([
    ['numRetries', { numRetries: -1 }],
    ['timeout', { timeout: 0 }],
    ['totalTimeout', { totalTimeout: -1 }],
    ['firstChunkTimeout', { firstChunkTimeout: 'soon' }],
    ['chunkTimeout', { chunkTimeout: Number.NaN }],
  ])('a call with a bad %s is refused before any request, naming the field', async (field, bad) => {
    const { client } = resilientClient(fake);
    const error = await rejectionOf(
      client.completion({ model: 'gpt-4o', messages, ...(bad as object) }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toContain(field);
    expect(fake.requests).toHaveLength(0);
  });
});

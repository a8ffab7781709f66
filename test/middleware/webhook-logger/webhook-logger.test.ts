import {
  type CallbackErrorInfo,
  type CallRecord,
  callRecordSchema,
  createClient,
  RateLimitError,
  Secret,
  ValidationError,
} from 'shallot';
import {
  isWebhookDeliveryError,
  isWebhookOverflowError,
  type WebhookLoggerOptions,
  type WebhookRetry,
  webhookLogger,
} from 'shallot/middleware/webhook-logger';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useFakeProvider } from '../../support/fake-provider.js';
import { unusedPort } from '../../support/local-server.js';
import { collect, rejectionOf } from '../../support/streams.js';

const messages = [{ role: 'user' as const, content: 'What is the weather?' }];
const KEY = 'sk-webhook-test-0123456789abcdef';
const HOOK_TOKEN = 'hook-token-9f8e7d6c5b4a';

// The webhook is a local server on 127.0.0.1 that replays scripted answers.
const hook = useFakeProvider({ reply: { status: 200, body: '{"ok":true}' } });
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** A webhook sink on the local webhook, in a client whose callback errors are kept. */
function setup(options: Partial<WebhookLoggerOptions> = {}) {
  const retries: WebhookRetry[] = [];
  const sink = webhookLogger({
    url: `${hook.url}/hook?source=test`,
    onRetry: (retry) => retries.push(retry),
    ...options,
  });
  const errors: Array<{ error: unknown; info: CallbackErrorInfo }> = [];
  const client = createClient({
    middleware: [sink],
    onCallbackError: (error, info) => errors.push({ error, info }),
  });
  const call = (n: number, extra: Record<string, unknown> = {}) =>
    client.completion({
      model: 'openai/gpt-4o-mini',
      messages,
      mockResponse: `Answer ${n}.`,
      metadata: { n },
      ...extra,
    });
  return { sink, client, errors, retries, call };
}

/** The records of every POST the webhook received, in order. */
const posted = () => hook.requests.map((request) => request.body.records as CallRecord[]);
const numbers = (records: CallRecord[]) => records.map((record) => record.metadata.n);

/** Waits for real I/O (not the faked clock) until `condition` holds. */
async function until(condition: () => boolean): Promise<void> {
  for (let turn = 0; turn < 100_000; turn++) {
    if (condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('the condition never held');
}

describe('webhookLogger()', () => {
  it('POSTs the records in batches as { records: [...] }, in call order, with the given headers', async () => {
    const { client, sink, call } = setup({
      batchSize: 2,
      headers: { authorization: `Bearer ${HOOK_TOKEN}`, 'x-source': 'shallot-tests' },
    });
    await call(1);
    await call(2);
    await call(3);
    expect(hook.requests).toHaveLength(0); // nothing on the hot path
    expect(await client.flush()).toBe(true);
    expect(posted().map(numbers)).toEqual([[1, 2], [3]]);
    const [first] = hook.requests;
    expect(first).toMatchObject({ method: 'POST', path: '/v1/hook?source=test' });
    expect(first?.headers).toMatchObject({
      authorization: `Bearer ${HOOK_TOKEN}`,
      'x-source': 'shallot-tests',
      'content-type': 'application/json',
    });
    expect(Object.keys(first?.body ?? {})).toEqual(['records']);
    for (const record of posted().flat()) expect(callRecordSchema.parse(record)).toEqual(record);
    expect(posted()[0]?.[0]).toMatchObject({
      status: 'success',
      model: 'openai/gpt-4o-mini',
      response: { choices: [{ message: { content: 'Answer 1.' } }] },
    });
    expect(sink.stats()).toEqual({
      waiting: 0,
      sending: 0,
      delivered: 3,
      failed: 0,
      dropped: 0,
      requests: 2,
    });
  });

  it('sends a Secret header revealed, and a content-type of its own unchanged', async () => {
    const { client, call } = setup({
      headers: { 'x-api-key': new Secret(HOOK_TOKEN), 'Content-Type': 'application/vnd.logs+json' },
    });
    await call(1);
    await client.flush();
    expect(hook.requests[0]?.headers).toMatchObject({
      'x-api-key': HOOK_TOKEN,
      'content-type': 'application/vnd.logs+json',
    });
  });

  it('retries a webhook answering 503 twice with exponential backoff, then delivers every record once, in order', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    hook.reply(
      { status: 503, body: 'busy' },
      { status: 503, body: 'busy' },
      { status: 200, body: '{}' },
    );
    const { client, sink, retries, call } = setup({ jitter: 0 });
    await call(1);
    await call(2);
    await call(3);
    const flushed = client.flush();

    await until(() => retries.length === 1);
    expect(retries[0]).toEqual({
      attempt: 2,
      delayMs: 500,
      status: 503,
      reason: '503 Service Unavailable ("busy")',
      records: 3,
    });
    await vi.advanceTimersByTimeAsync(499);
    expect(sink.stats().requests).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sink.stats().requests).toBe(2);

    await until(() => retries.length === 2);
    expect(retries[1]).toMatchObject({ attempt: 3, delayMs: 1000, status: 503 });
    await vi.advanceTimersByTimeAsync(999);
    expect(sink.stats().requests).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(sink.stats().requests).toBe(3);

    expect(await flushed).toBe(true);
    expect(posted().map(numbers)).toEqual([
      [1, 2, 3],
      [1, 2, 3],
      [1, 2, 3],
    ]);
    expect(sink.stats()).toMatchObject({ delivered: 3, failed: 0, waiting: 0, sending: 0 });
  });

  it('waits as long as retry-after asks, capped at maxRetryAfterMs (maxDelayMs unless set)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    hook.reply(
      { status: 429, headers: { 'retry-after': '2' }, body: '' },
      { status: 503, headers: { 'retry-after': '60' }, body: '' },
      { status: 200, body: '{}' },
    );
    const { client, sink, retries, call } = setup({ jitter: 0, maxDelayMs: 5000 });
    await call(1);
    const flushed = client.flush();

    await until(() => retries.length === 1);
    expect(retries[0]).toMatchObject({
      delayMs: 2000,
      status: 429,
      reason: '429 Too Many Requests',
    });
    await vi.advanceTimersByTimeAsync(1999);
    expect(sink.stats().requests).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sink.stats().requests).toBe(2);

    await until(() => retries.length === 2);
    expect(retries[1]).toMatchObject({ delayMs: 5000, status: 503 });
    await vi.advanceTimersByTimeAsync(4999);
    expect(sink.stats().requests).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(await flushed).toBe(true);
    expect(posted().map(numbers)).toEqual([[1], [1], [1]]);
  });

  it('cuts a retry-after beyond maxRetryAfterMs to it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    hook.reply(
      { status: 429, headers: { 'retry-after': '2' }, body: '' },
      { status: 200, body: '{}' },
    );
    const { client, sink, retries, call } = setup({ jitter: 0, maxRetryAfterMs: 1500 });
    await call(1);
    const flushed = client.flush();
    await until(() => retries.length === 1);
    expect(retries[0]).toMatchObject({ delayMs: 1500, status: 429 });
    await vi.advanceTimersByTimeAsync(1499);
    expect(sink.stats().requests).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(await flushed).toBe(true);
    expect(sink.stats()).toMatchObject({ delivered: 1, requests: 2 });
  });

  it('takes up to jitter of each backoff off at random', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    hook.reply({ status: 500, body: '' }, { status: 200, body: '{}' });
    const { client, retries, call } = setup({ baseDelayMs: 400 });
    await call(1);
    const flushed = client.flush();
    await until(() => retries.length === 1);
    // 400 less half (the default jitter) of a random half of it
    expect(retries[0]?.delayMs).toBe(300);
    await vi.advanceTimersByTimeAsync(300);
    expect(await flushed).toBe(true);
  });

  it('gives up after numRetries retries and reports the batch to onCallbackError, and the calls succeed', async () => {
    hook.reply({ status: 502, body: 'bad gateway' });
    const { client, sink, errors, call } = setup({ numRetries: 2, baseDelayMs: 0 });
    const answer = await call(1);
    expect(answer.choices[0]?.message.content).toBe('Answer 1.');
    await call(2);
    expect(await client.flush()).toBe(true);
    expect(hook.requests).toHaveLength(3);
    expect(errors).toHaveLength(1);
    const [{ error, info }] = errors as [{ error: unknown; info: CallbackErrorInfo }];
    expect(info).toEqual({ callback: 'webhookLogger', event: 'write' });
    expect(isWebhookDeliveryError(error)).toBe(true);
    expect(error).toMatchObject({
      code: 'sink_delivery',
      status: 502,
      attempts: 3,
      records: 2,
      retryable: true,
      message: `webhookLogger: gave up on 2 records for ${hook.url}/hook after 3 attempts; the last failed with 502 Bad Gateway ("bad gateway"). Check that the webhook is up, or raise numRetries.`,
    });
    expect(sink.stats()).toMatchObject({ delivered: 0, failed: 2, requests: 3 });
  });

  it('does not retry a refusal such as 401, and masks its headers out of the message', async () => {
    // A server that echoes the request's credentials back in its error body.
    hook.reply({ status: 401, body: `{"error":"invalid token Bearer ${HOOK_TOKEN}"}` });
    const { client, errors, retries, call } = setup({
      headers: { authorization: `Bearer ${HOOK_TOKEN}` },
    });
    await call(1);
    await client.flush();
    expect(hook.requests).toHaveLength(1);
    expect(retries).toHaveLength(0);
    const error = errors[0]?.error as Error;
    expect(error).toMatchObject({ status: 401, attempts: 1, retryable: false });
    expect(error.message).toContain(`${hook.url}/hook refused 1 record with 401 Unauthorized`);
    expect(error.message).toContain('invalid token Bearer hook****5b4a');
    for (const shown of [error.message, String(error), JSON.stringify(error), error.stack]) {
      expect(shown).not.toContain(HOOK_TOKEN);
      expect(shown).not.toContain('source=test'); // the query is left out too
    }
  });

  it('retries connection errors, and reports them without a status', async () => {
    const port = await unusedPort();
    const { client, errors, retries, call } = setup({
      url: `http://127.0.0.1:${port}/hook`,
      numRetries: 1,
      baseDelayMs: 0,
    });
    await call(1);
    await client.flush();
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({
      status: undefined,
      reason: expect.stringContaining('ECONNREFUSED'),
    });
    expect(errors[0]?.error).toMatchObject({ status: undefined, attempts: 2, retryable: true });
  });

  it('drops the oldest records when the queue is full, counts them, and reports once per overflow', async () => {
    let release = () => {};
    hook.reply(
      {
        gate: new Promise<void>((resolve) => {
          release = resolve;
        }),
        body: '{}',
      },
      { status: 200, body: '{}' },
    );
    const { client, sink, errors, call } = setup({ batchSize: 1, maxQueue: 3 });
    await call(1);
    await until(() => hook.requests.length === 1); // record 1 is being sent, and held
    for (const n of [2, 3, 4, 5, 6]) await call(n);
    await until(() => sink.stats().dropped === 2);
    expect(sink.stats()).toMatchObject({ waiting: 3, sending: 1, dropped: 2 });
    expect(errors).toHaveLength(1);
    expect(errors[0]?.info).toEqual({ callback: 'webhookLogger', event: 'drop' });
    expect(isWebhookOverflowError(errors[0]?.error)).toBe(true);
    expect(errors[0]?.error).toMatchObject({ code: 'sink_overflow', maxQueue: 3 });
    expect(String(errors[0]?.error)).toContain('the queue of 3 records');
    release();
    expect(await client.flush()).toBe(true);
    expect(posted().map(numbers)).toEqual([[1], [4], [5], [6]]);

    // The queue emptied: a new overflow is a new episode, reported again.
    hook.reply(
      {
        gate: new Promise<void>((resolve) => {
          release = resolve;
        }),
        body: '{}',
      },
      { status: 200, body: '{}' },
    );
    await call(7);
    await until(() => hook.requests.length === 5);
    for (const n of [8, 9, 10, 11]) await call(n);
    await until(() => sink.stats().dropped === 3);
    release();
    await client.flush();
    expect(errors.map(({ info }) => info.event)).toEqual(['drop', 'drop']);
    expect(posted().slice(4).map(numbers)).toEqual([[7], [9], [10], [11]]);
    expect(sink.stats()).toMatchObject({ delivered: 8, dropped: 3, failed: 0 });
  });

  it('sends a streamed call once, after its last chunk', async () => {
    const { client } = setup();
    const stream = await client.completion({
      model: 'openai/gpt-4o-mini',
      messages,
      stream: true,
      mockResponse: 'Answer 1.',
    });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    await client.flush();
    expect(hook.requests).toHaveLength(0);
    await collect({ [Symbol.asyncIterator]: () => iterator });
    await client.flush();
    expect(posted()).toHaveLength(1);
    expect(posted()[0]).toHaveLength(1);
    expect(posted()[0]?.[0]).toMatchObject({
      stream: true,
      status: 'success',
      response: { choices: [{ message: { content: 'Answer 1.' } }] },
    });
  });

  it('writes failures, and honours the redaction of the client and of each call', async () => {
    const sink = webhookLogger({ url: `${hook.url}/hook` });
    const client = createClient({ middleware: [sink], redact: { messages: true } });
    await client.completion({ model: 'gpt-4o-mini', messages, mockResponse: 'Secret plans.' });
    await client.completion({
      model: 'gpt-4o-mini',
      messages,
      mockResponse: 'Secret plans.',
      redact: { messages: false, response: true },
    });
    const limited = new RateLimitError({ message: 'slow down', status: 429 });
    await rejectionOf(client.completion({ model: 'gpt-4o-mini', messages, mockResponse: limited }));
    await client.flush();
    const [clientWide, perCall, failure] = posted().flat();
    expect(clientWide).toMatchObject({ status: 'success', messages: '[redacted]' });
    expect(JSON.stringify(clientWide)).not.toContain('What is the weather?');
    expect(perCall).toMatchObject({ messages, response: '[redacted]' });
    expect(JSON.stringify(perCall)).not.toContain('Secret plans.');
    expect(failure).toMatchObject({
      status: 'failure',
      messages: '[redacted]',
      error: { class: 'RateLimitError', status: 429, retryable: true },
    });
  });

  it('rejects bad options when the factory runs, naming the option and never echoing a credential', () => {
    const url = `${hook.url}/hook`;
    const cases: Array<[WebhookLoggerOptions, string]> = [
      [
        {} as WebhookLoggerOptions,
        'webhookLogger options.url: expected an http:// or https:// URL, received undefined.',
      ],
      [
        { url: 'ftp://logs.example.com/x?token=abc' },
        'webhookLogger options.url: expected an http:// or https:// URL, received string "ftp://logs.example.com/x?…".',
      ],
      [
        { url: 'https://user:hunter2-password@logs.example.com/' },
        'webhookLogger options.url: expected a URL without a user name or password (put credentials in options.headers), received a URL with credentials in it.',
      ],
      [
        { url, headers: { authorization: 42 as unknown as string } },
        'webhookLogger options.headers["authorization"]: expected a string or a Secret, received number.',
      ],
      [
        { url, headers: { authorization: 'Bearer a\r\nx-evil: 1' } },
        'webhookLogger options.headers["authorization"]: expected a value on one line, received a value with a line break.',
      ],
      [
        { url, batchSize: 0 },
        'webhookLogger options.batchSize: expected a positive whole number, received number 0.',
      ],
      [
        { url, maxQueue: 2.5 },
        'webhookLogger options.maxQueue: expected a positive whole number, received number 2.5.',
      ],
      [
        { url, jitter: 2 },
        'webhookLogger options.jitter: expected a number from 0 to 1, received number 2.',
      ],
      [
        { url, baseDelayMs: 1000, maxDelayMs: 10 },
        'webhookLogger options.maxDelayMs: expected a number of milliseconds from 1000, received number 10.',
      ],
      [
        { url, numRetries: -1 },
        'webhookLogger options.numRetries: expected a whole number from 0, received number -1.',
      ],
      [
        { url, maxRetryAfterMs: Number.NaN },
        'webhookLogger options.maxRetryAfterMs: expected a number of milliseconds from 0, received number NaN.',
      ],
      // The names before the kit's backoff words are refused, naming the new one.
      [
        { url, maxAttempts: 5 } as WebhookLoggerOptions,
        'webhookLogger options.maxAttempts: renamed: use numRetries, the retries after the first POST (maxAttempts: 5 is numRetries: 4).',
      ],
      [
        { url, backoffMs: 500 } as WebhookLoggerOptions,
        'webhookLogger options.backoffMs: renamed: use baseDelayMs.',
      ],
      [
        { url, maxBackoffMs: 30_000 } as WebhookLoggerOptions,
        'webhookLogger options.maxBackoffMs: renamed: use maxDelayMs, and maxRetryAfterMs for the longest retry-after.',
      ],
      [
        { url, onRetry: 'log' as unknown as () => void },
        'webhookLogger options.onRetry: expected a function, received string "log".',
      ],
    ];
    for (const [options, message] of cases) {
      const error = (() => {
        try {
          webhookLogger(options);
        } catch (thrown) {
          return thrown;
        }
        throw new Error(`no error for: ${message}`);
      })();
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as Error).message).toBe(message);
    }
  });
});

describe('webhookLogger() and API keys', () => {
  const provider = useFakeProvider();

  it('posts no trace of the key, on the success and the failure path', async () => {
    const { client, call } = setup({ headers: { authorization: `Bearer ${HOOK_TOKEN}` } });
    const metadata = { api_key: KEY };
    await call(1, { apiKey: KEY, metadata });
    await rejectionOf(
      call(2, {
        apiKey: KEY,
        metadata,
        mockResponse: new Error(`Incorrect API key provided: ${KEY}`),
      }),
    );
    provider.reply({
      status: 401,
      body: JSON.stringify({
        error: {
          message: `Incorrect API key provided: ${KEY}.`,
          type: 'invalid_request_error',
          code: 'invalid_api_key',
        },
      }),
    });
    await rejectionOf(
      call(3, { apiKey: KEY, apiBase: provider.url, metadata, mockResponse: undefined }),
    );
    await client.flush();
    // The key reached the provider, so a leak would show.
    expect(provider.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
    const records = posted().flat();
    expect(records.map((record) => [record.status, record.error?.class ?? null])).toEqual([
      ['success', null],
      ['failure', 'InternalServerError'],
      ['failure', 'AuthenticationError'],
    ]);
    for (const request of hook.requests) {
      const sent = JSON.stringify(request.body);
      expect(sent).not.toContain(KEY);
      expect(sent).not.toContain(KEY.slice(3, -4));
      expect(request.headers.authorization).toBe(`Bearer ${HOOK_TOKEN}`);
    }
  });
});

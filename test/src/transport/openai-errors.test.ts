import {
  APIConnectionError,
  AuthenticationError,
  BadRequestError,
  type ChatCompletionChunk,
  ContextWindowExceededError,
  createClient,
  InternalServerError,
  NotFoundError,
  RateLimitError,
  ServiceUnavailableError,
  type ShallotError,
  TimeoutError,
} from 'shallot';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fixture, sse, useFakeProvider } from '../../support/fake-provider.js';
import { unusedPort } from '../../support/local-server.js';
import { rejectionOf } from '../../support/streams.js';

const messages = [{ role: 'user' as const, content: 'Hi' }];
const API_KEY = 'sk-live-abcdefghijklmnop1234';

const fake = useFakeProvider();
afterEach(() => {
  vi.useRealTimers();
});

const client = () =>
  createClient({ providers: { openai: { apiKey: API_KEY, apiBase: fake.url } } });

const failure = async (promise: Promise<unknown>) => (await rejectionOf(promise)) as ShallotError;

describe('OpenAI errors', () => {
  it('maps a 429 insufficient_quota to a RateLimitError that is not retryable, with retry-after and request id', async () => {
    fake.reply({
      status: 429,
      headers: { 'retry-after': '20', 'x-request-id': 'req_123' },
      body: fixture('openai-error-429-insufficient-quota.json'),
    });
    const error = await failure(client().completion({ model: 'gpt-4o-mini', messages }));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({
      code: 'rate_limit',
      status: 429,
      provider: 'openai',
      model: 'gpt-4o-mini',
      retryable: false,
      retryAfterMs: 20_000,
      requestId: 'req_123',
      providerCode: 'insufficient_quota',
    });
    expect(error.body).toEqual(JSON.parse(fixture('openai-error-429-insufficient-quota.json')));
    expect(error.message).toContain('You exceeded your current quota');
    expect(error.message).toContain('billing');
  });

  it('maps a 429 rate_limit_exceeded to a retryable RateLimitError, reading retry-after-ms first', async () => {
    fake.reply({
      status: 429,
      headers: { 'retry-after': '20', 'retry-after-ms': '1500' },
      body: JSON.stringify({
        error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' },
      }),
    });
    const error = await failure(client().completion({ model: 'gpt-4o-mini', messages }));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(1500);
    expect(error.message).toContain('Retry after 1.5s');
  });

  it('maps a 401 to an AuthenticationError naming the variable to set, with the echoed key masked', async () => {
    fake.reply({
      status: 401,
      body: JSON.stringify({
        error: {
          message: `Incorrect API key provided: ${API_KEY}.`,
          type: 'invalid_request_error',
          code: 'invalid_api_key',
        },
      }),
    });
    const error = await failure(client().completion({ model: 'gpt-4o-mini', messages }));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.status).toBe(401);
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('OPENAI_API_KEY');
    const serialised = JSON.stringify({ error, body: error.body, message: error.message });
    expect(serialised).not.toContain(API_KEY);
    expect(JSON.stringify(error.body)).toContain('sk-l****1234');
  });

  it.each([
    [400, 'context_length_exceeded', ContextWindowExceededError, false],
    [400, 'invalid_value', BadRequestError, false],
    [404, 'model_not_found', NotFoundError, false],
    [500, 'server_error', InternalServerError, true],
    [503, 'overloaded', ServiceUnavailableError, true],
  ] as const)('maps HTTP %i (%s) to its class', async (status, code, errorClass, retryable) => {
    fake.reply({ status, body: JSON.stringify({ error: { message: 'nope', type: 'x', code } }) });
    const error = await failure(client().completion({ model: 'gpt-4o-mini', messages }));
    expect(error).toBeInstanceOf(errorClass);
    expect(error.retryable).toBe(retryable);
    expect(error.status).toBe(status);
  });

  it('keeps a body that is not JSON as text', async () => {
    fake.reply({ status: 502, body: '<html>Bad gateway</html>' });
    const error = await failure(client().completion({ model: 'gpt-4o-mini', messages }));
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.body).toBe('<html>Bad gateway</html>');
    expect(error.message).toContain('Bad gateway');
  });

  it('raises the error an OpenAI stream sends after the 200, with the partial answer', async () => {
    const chunk: ChatCompletionChunk = {
      id: 'c',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'gpt-4o-mini',
      choices: [{ index: 0, delta: { role: 'assistant', content: 'Hel' }, finish_reason: null }],
    };
    fake.reply({
      body: sse(chunk, {
        error: { message: 'Rate limit hit mid-stream', type: 'rate_limit_exceeded' },
      }),
    });
    const stream = await client().completion({ model: 'gpt-4o-mini', messages, stream: true });
    const error = await failure(
      (async () => {
        for await (const _chunk of stream) {
          // reading until the error
        }
      })(),
    );
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.message).toContain('an error in the stream');
    expect(error.partialResponse?.choices[0]?.message.content).toBe('Hel');
  });

  it('raises an error object sent with a 200 (LM Studio style)', async () => {
    fake.reply({ body: JSON.stringify({ error: 'Model is not loaded' }) });
    const error = await failure(client().completion({ model: 'local-model', messages }));
    expect(error.message).toContain('Model is not loaded');
  });

  it('maps a refused connection to a retryable APIConnectionError', async () => {
    const port = await unusedPort();
    const error = await failure(
      createClient().completion({
        model: 'gpt-4o-mini',
        messages,
        apiBase: `http://127.0.0.1:${port}/v1`,
      }),
    );
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('fails with a TimeoutError when no response head arrives within the timeout', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    fake.reply({ hang: true });
    const call = failure(client().completion({ model: 'gpt-4o-mini', messages, timeout: 5_000 }));
    await vi.waitFor(() => expect(fake.requests).toHaveLength(1));
    await vi.advanceTimersByTimeAsync(6_000);
    const error = await call;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.retryable).toBe(true);
  });

  it('maps AbortSignal.timeout() to a TimeoutError', async () => {
    fake.reply({ hang: true });
    const controller = new AbortController();
    const call = failure(
      client().completion({ model: 'gpt-4o-mini', messages, signal: controller.signal }),
    );
    await vi.waitFor(() => expect(fake.requests).toHaveLength(1));
    controller.abort(new DOMException('The operation timed out.', 'TimeoutError'));
    expect(await call).toBeInstanceOf(TimeoutError);
  });
});

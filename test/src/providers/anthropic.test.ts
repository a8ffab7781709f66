/**
 * Anthropic Messages against the fake server: answers, streams and errors.
 *
 * `anthropic-messages*.json|sse` are recordings (see the fixtures README). The
 * `written-anthropic-*` transcripts were written by hand from shared/docs/providers.md §4:
 * the in-stream `event: error` of §4.4, a tool call with no arguments and a `message_delta`
 * that repeats a different `input_tokens` (§4.4, "Assembling tool input" and "Usage"), a
 * thinking + tool-use message with every usage field of §4.3/§8.2, and a spend-limit 429.
 */
import {
  AuthenticationError,
  BadRequestError,
  type ChatCompletionChunk,
  type ChatMessage,
  ContextWindowExceededError,
  createClient,
  IncompleteStreamError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServiceUnavailableError,
  type ShallotError,
  TimeoutError,
} from 'shallot';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fixture, useFakeProvider } from '../../support/fake-provider.js';
import { collect, rejectionOf } from '../../support/streams.js';

const API_KEY = 'sk-ant-test-0123456789abcdef';
const MODEL = 'anthropic/claude-sonnet-4-5';
const messages: ChatMessage[] = [{ role: 'user', content: 'Hello, how are you?' }];

const fake = useFakeProvider();
afterEach(() => {
  vi.unstubAllEnvs();
});

function client() {
  return createClient({ providers: { anthropic: { apiKey: API_KEY, apiBase: fake.url } } });
}

/** The recorded message with its `stop_reason` and usage replaced. */
function messageWith(stopReason: string, usage?: object): string {
  const recorded = JSON.parse(fixture('anthropic-messages.json'));
  return JSON.stringify({ ...recorded, stop_reason: stopReason, usage: usage ?? recorded.usage });
}

describe('Anthropic, non-streamed', () => {
  it('turns the recorded message into a chat.completion, posted to /messages with x-api-key and anthropic-version', async () => {
    fake.reply({ body: fixture('anthropic-messages.json'), headers: { 'request-id': 'req_1' } });
    const answer = await client().completion({ model: MODEL, messages });
    expect(answer).toEqual({
      id: 'msg_01VdEjxAP5ahtHKrrRdNBteQ',
      object: 'chat.completion',
      created: expect.any(Number),
      model: 'claude-sonnet-4-5-20250929',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content:
              "Hello! I'm doing well, thanks for asking. How are you doing today? Is there anything I can help you with?",
          },
          finish_reason: 'stop',
          provider_finish_reason: 'end_turn',
          logprobs: null,
        },
      ],
      usage: { prompt_tokens: 12, completion_tokens: 29, total_tokens: 41 },
    });
    expect(Math.abs(answer.created - Date.now() / 1000)).toBeLessThan(60);
    const received = fake.requests.at(-1);
    expect(received?.method).toBe('POST');
    expect(received?.path).toBe('/v1/messages');
    expect(received?.headers['x-api-key']).toBe(API_KEY);
    expect(received?.headers['anthropic-version']).toBe('2023-06-01');
    expect(received?.headers['content-type']).toBe('application/json');
    expect(received?.headers.accept).toBe('application/json');
    expect(received?.headers.authorization).toBeUndefined();
    expect(received?.body.stream).toBeUndefined();
  });

  it('keeps thinking with its signature, joins text blocks, and turns tool_use into a tool call', async () => {
    fake.reply({ body: fixture('written-anthropic-messages-thinking-tool-use.json') });
    const answer = await client().completion({ model: MODEL, messages });
    const choice = answer.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.provider_finish_reason).toBe('tool_use');
    expect(choice?.message).toEqual({
      role: 'assistant',
      content: 'Let me check the weather.',
      reasoning_content: 'The user wants the weather in Paris. I should call get_weather.',
      thinking_blocks: [
        {
          type: 'thinking',
          thinking: 'The user wants the weather in Paris. I should call get_weather.',
          signature: 'EqQBCkYIBxgCKkBsigFakeSignatureForTests==',
        },
        { type: 'redacted_thinking', data: 'EmwKAhgBEgy3redactedPayload' },
      ],
      tool_calls: [
        {
          id: 'toolu_01A09q90qw90lq917835lq9',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"Paris","units":"celsius"}' },
        },
      ],
    });
  });

  it('counts cache reads and writes into prompt_tokens and keeps cached, cache-write and thinking tokens', async () => {
    fake.reply({ body: fixture('written-anthropic-messages-thinking-tool-use.json') });
    const answer = await client().completion({ model: MODEL, messages });
    expect(answer.usage).toEqual({
      prompt_tokens: 2400,
      completion_tokens: 150,
      total_tokens: 2550,
      prompt_tokens_details: {
        cached_tokens: 2000,
        cache_write_tokens: 300,
        cache_write_1h_tokens: 200,
      },
      completion_tokens_details: { reasoning_tokens: 90 },
    });
  });

  it('reads thinking tokens even when the usage carries no cache fields', async () => {
    fake.reply({
      body: messageWith('end_turn', {
        input_tokens: 10,
        output_tokens: 50,
        output_tokens_details: { thinking_tokens: 30 },
      }),
    });
    const answer = await client().completion({ model: MODEL, messages });
    expect(answer.usage).toEqual({
      prompt_tokens: 10,
      completion_tokens: 50,
      total_tokens: 60,
      completion_tokens_details: { reasoning_tokens: 30 },
    });
  });

  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
    ['pause_turn', 'other'],
    ['a_reason_added_next_year', 'other'],
  ])('maps stop_reason %s to finish_reason %s and keeps the raw value', async (raw, mapped) => {
    fake.reply({ body: messageWith(raw) });
    const answer = await client().completion({ model: MODEL, messages });
    expect(answer.choices[0]?.finish_reason).toBe(mapped);
    expect(answer.choices[0]?.provider_finish_reason).toBe(raw);
  });

  it('gives null content when the answer is only tool calls', async () => {
    const recorded = JSON.parse(fixture('anthropic-messages.json'));
    const content = [{ type: 'tool_use', id: 'toolu_1', name: 'get_time', input: {} }];
    fake.reply({ body: JSON.stringify({ ...recorded, content, stop_reason: 'tool_use' }) });
    const answer = await client().completion({ model: MODEL, messages });
    expect(answer.choices[0]?.message.content).toBeNull();
    expect(answer.choices[0]?.message.tool_calls?.[0]?.function.arguments).toBe('{}');
  });

  it('raises the mapped error for an error object inside a 200', async () => {
    fake.reply({
      body: JSON.stringify({
        type: 'error',
        error: { type: 'overloaded_error', message: 'Overloaded' },
        request_id: 'req_in_200',
      }),
    });
    const error = (await rejectionOf(
      client().completion({ model: MODEL, messages }),
    )) as ShallotError;
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.providerCode).toBe('overloaded_error');
    expect(error.requestId).toBe('req_in_200');
  });
});

describe('Anthropic, streamed', () => {
  it('streams thinking and text in 7-byte slices and assembles text, reasoning, finish reason and usage', async () => {
    fake.reply({ body: fixture('anthropic-messages-stream-thinking.sse'), sliceBytes: 7 });
    const stream = await client().completion({ model: MODEL, messages, stream: true });
    const chunks = await collect(stream);
    const deltas = chunks.map((chunk) => chunk.choices[0]?.delta);

    expect(chunks.every((chunk) => chunk.id === 'msg_01Y6V41gqPaKWEw7iPouH7iW')).toBe(true);
    expect(chunks.every((chunk) => chunk.model === 'claude-sonnet-4-5-20250929')).toBe(true);
    expect(deltas[0]).toEqual({ role: 'assistant', content: '' });
    const reasoning = deltas.map((delta) => delta?.reasoning_content ?? '').join('');
    expect(reasoning).toBe(
      'The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185',
    );
    const blocks = deltas.filter((delta) => delta?.thinking_blocks !== undefined);
    expect(blocks).toEqual([
      {
        thinking_blocks: [
          {
            type: 'thinking',
            thinking: reasoning,
            signature: expect.stringMatching(/^EvQBCkYICxgC.*BgB$/),
          },
        ],
      },
    ]);
    const last = chunks.at(-1) as ChatCompletionChunk;
    expect(last.choices[0]).toEqual({
      index: 0,
      delta: {},
      finish_reason: 'stop',
      provider_finish_reason: 'end_turn',
    });
    // message_delta's 53 output tokens replace message_start's placeholder 2; never 55.
    expect(last.usage).toEqual({ prompt_tokens: 69, completion_tokens: 53, total_tokens: 122 });

    const final = await stream.finalResponse();
    expect(final.choices[0]?.message.content).toBe('925 ÷ 5 = 185');
    expect(final.choices[0]?.message.reasoning_content).toBe(reasoning);
    expect(final.choices[0]?.finish_reason).toBe('stop');
    expect(final.choices[0]?.provider_finish_reason).toBe('end_turn');
    expect(final.usage).toEqual({ prompt_tokens: 69, completion_tokens: 53, total_tokens: 122 });
    expect(fake.requests.at(-1)?.body.stream).toBe(true);
    expect(fake.requests.at(-1)?.headers.accept).toBe('text/event-stream');
  });

  it('streams a tool call: the first delta has id, name and empty arguments, then only fragments', async () => {
    fake.reply({ body: fixture('anthropic-messages-stream-tool-use.sse'), sliceBytes: 11 });
    const stream = await client().completion({ model: MODEL, messages, stream: true });
    const chunks = await collect(stream);
    const toolDeltas = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    expect(toolDeltas[0]).toEqual({
      index: 0,
      id: 'toolu_01NRLabsLyVHZPKxbKvkfSMn',
      type: 'function',
      function: { name: 'get_weather', arguments: '' },
    });
    expect(toolDeltas.slice(1)).toEqual(
      ['{"locati', 'on": "P', 'ar', 'is"}'].map((fragment) => ({
        index: 0,
        function: { arguments: fragment },
      })),
    );

    const final = await stream.finalResponse();
    const choice = final.choices[0];
    expect(choice?.message.content).toBe("I'll check the current weather in Paris for you.");
    expect(choice?.message.tool_calls).toEqual([
      {
        id: 'toolu_01NRLabsLyVHZPKxbKvkfSMn',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"location": "Paris"}' },
      },
    ]);
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.provider_finish_reason).toBe('tool_use');
    expect(final.usage).toEqual({ prompt_tokens: 377, completion_tokens: 65, total_tokens: 442 });
    expect(final.id).toBe('msg_019Q1hrJbZG26Fb9BQhrkHEr');
  });

  it('numbers tool calls apart from Anthropic block indexes, gives a call with no arguments {}, and lets message_delta overwrite input_tokens', async () => {
    fake.reply({ body: fixture('written-anthropic-stream-tool-no-args.sse'), sliceBytes: 5 });
    const stream = await client().completion({ model: MODEL, messages, stream: true });
    await collect(stream);
    const final = await stream.finalResponse();
    expect(final.choices[0]?.message.tool_calls).toEqual([
      {
        id: 'toolu_01TimeNoArgs',
        type: 'function',
        function: { name: 'get_time', arguments: '{}' },
      },
      {
        id: 'toolu_01WeatherBerlin',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city": "Berlin"}' },
      },
    ]);
    expect(final.usage).toEqual({ prompt_tokens: 61, completion_tokens: 40, total_tokens: 101 });
  });

  it('fails with the mapped error and the partial answer when an error event arrives after the 200', async () => {
    fake.reply({ body: fixture('written-anthropic-stream-overloaded.sse'), sliceBytes: 9 });
    const stream = await client().completion({ model: MODEL, messages, stream: true });
    const seen: string[] = [];
    const error = (await rejectionOf(
      (async () => {
        for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? '');
      })(),
    )) as ShallotError;
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.retryable).toBe(true);
    expect(error.status).toBeUndefined();
    expect(error.providerCode).toBe('overloaded_error');
    expect(error.requestId).toBe('req_011CVstreamOverloaded');
    expect(error.message).toContain('an error in the stream');
    expect(seen.join('')).toBe('The capital of France is');
    expect(error.partialResponse?.choices[0]?.message.content).toBe('The capital of France is');
    expect(error.partialResponse?.id).toBe('msg_01OverloadedMidStream');
    expect(fake.requests).toHaveLength(1);
  });

  it('fails with an IncompleteStreamError when the stream ends without message_stop', async () => {
    const body = fixture('anthropic-messages-stream-tool-use.sse');
    fake.reply({ body: body.slice(0, body.indexOf('event: message_stop')) });
    const stream = await client().completion({ model: MODEL, messages, stream: true });
    const error = (await rejectionOf(collect(stream))) as ShallotError;
    expect(error).toBeInstanceOf(IncompleteStreamError);
    expect(error.partialResponse?.choices[0]?.finish_reason).toBe('tool_calls');
  });
});

describe('Anthropic errors before the stream', () => {
  const errorBody = (type: string, message: string) =>
    JSON.stringify({ type: 'error', error: { type, message }, request_id: 'req_body' });

  it('maps a 429 rate_limit_error to a retryable RateLimitError with retry-after and the request-id header', async () => {
    fake.reply({
      status: 429,
      headers: { 'retry-after': '7', 'request-id': 'req_header' },
      body: errorBody('rate_limit_error', 'Number of request tokens has exceeded your rate limit.'),
    });
    const stream = client().completion({ model: MODEL, messages, stream: true });
    const error = (await rejectionOf(stream)) as ShallotError;
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(7000);
    expect(error.status).toBe(429);
    expect(error.providerCode).toBe('rate_limit_error');
    expect(error.requestId).toBe('req_header');
  });

  it('maps a spend-limit 429 to a RateLimitError that is not retryable', async () => {
    fake.reply({ status: 429, body: fixture('written-anthropic-error-429-spend-limit.json') });
    const error = (await rejectionOf(
      client().completion({ model: MODEL, messages }),
    )) as ShallotError;
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryable).toBe(false);
    expect(error.providerCode).toBe('enforced_spend_limit_reached');
    expect(error.requestId).toBe('req_011CSpendLimit');
  });

  it.each([
    [400, 'invalid_request_error', 'max_tokens: Field required', BadRequestError, false],
    [
      400,
      'invalid_request_error',
      'prompt is too long: 208310 tokens > 200000 maximum',
      ContextWindowExceededError,
      false,
    ],
    [
      400,
      'invalid_request_error',
      'Your credit balance is too low to access the Anthropic API.',
      PermissionDeniedError,
      false,
    ],
    [401, 'authentication_error', 'invalid x-api-key', AuthenticationError, false],
    [402, 'billing_error', 'Payment required', PermissionDeniedError, false],
    [
      403,
      'permission_error',
      'Your API key does not have permission',
      PermissionDeniedError,
      false,
    ],
    [404, 'not_found_error', 'model: claude-nope', NotFoundError, false],
    [500, 'api_error', 'Internal server error', InternalServerError, true],
    [504, 'timeout_error', 'Request timed out', TimeoutError, true],
    [529, 'overloaded_error', 'Overloaded', ServiceUnavailableError, true],
  ])('maps HTTP %i %s to its error class', async (status, type, message, errorClass, retryable) => {
    fake.reply({ status, body: errorBody(type, message) });
    const error = (await rejectionOf(
      client().completion({ model: MODEL, messages }),
    )) as ShallotError;
    expect(error).toBeInstanceOf(errorClass);
    expect(error.retryable).toBe(retryable);
    expect(error.status).toBe(status);
    expect(error.providerCode).toBe(type);
    expect(error.requestId).toBe('req_body');
    expect(error.message).toContain(message);
  });

  it('names ANTHROPIC_API_KEY in the fix of a 401', async () => {
    fake.reply({ status: 401, body: errorBody('authentication_error', 'invalid x-api-key') });
    const error = await rejectionOf(client().completion({ model: MODEL, messages }));
    expect((error as Error).message).toContain('ANTHROPIC_API_KEY');
  });

  it("maps Cloudflare's HTML 413 to a BadRequestError with a readable message", async () => {
    fake.reply({
      status: 413,
      headers: { 'content-type': 'text/html' },
      body: '<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n<center><h1>413 Request Entity Too Large</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n',
    });
    const error = (await rejectionOf(
      client().completion({ model: MODEL, messages }),
    )) as ShallotError;
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.retryable).toBe(false);
    expect(error.status).toBe(413);
    expect(error.message).toContain('413 Request Entity Too Large');
    expect(error.message).not.toContain('<');
  });
});

describe('Anthropic credentials and URL', () => {
  it('fails with an AuthenticationError naming ANTHROPIC_API_KEY, before any request, when no key is found', async () => {
    vi.stubEnv('ANTHROPIC_API_KEY', '');
    vi.stubEnv('ANTHROPIC_API_BASE', '');
    vi.stubEnv('ANTHROPIC_BASE_URL', '');
    const error = await rejectionOf(createClient().completion({ model: MODEL, messages }));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toContain('Set ANTHROPIC_API_KEY');
    expect(fake.requests).toHaveLength(0);
  });

  it('reads the key and the base URL from ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL', async () => {
    vi.stubEnv('ANTHROPIC_API_KEY', 'sk-ant-from-env-0123456789');
    vi.stubEnv('ANTHROPIC_API_BASE', '');
    vi.stubEnv('ANTHROPIC_BASE_URL', fake.url);
    fake.reply({ body: fixture('anthropic-messages.json') });
    await createClient().completion({ model: MODEL, messages });
    expect(fake.requests.at(-1)?.headers['x-api-key']).toBe('sk-ant-from-env-0123456789');
  });

  it('sends no key to a server other than Anthropic when none is set', async () => {
    vi.stubEnv('ANTHROPIC_API_KEY', '');
    fake.reply({ body: fixture('anthropic-messages.json') });
    await createClient({ providers: { anthropic: { apiBase: fake.url } } }).completion({
      model: MODEL,
      messages,
    });
    expect(fake.requests.at(-1)?.headers['x-api-key']).toBeUndefined();
  });

  it('adds /v1 to a base URL that is a bare origin, as Anthropic SDKs take ANTHROPIC_BASE_URL', async () => {
    fake.reply({ body: fixture('anthropic-messages.json') });
    const origin = fake.url.replace(/\/v1$/, '');
    await createClient({
      providers: { anthropic: { apiKey: API_KEY, apiBase: `${origin}/` } },
    }).completion({
      model: MODEL,
      messages,
    });
    expect(fake.requests.at(-1)?.path).toBe('/v1/messages');
  });
});

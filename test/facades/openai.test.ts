/**
 * The `openai` package's README, run twice: each documented snippet against `openai` itself and
 * against `shallot/openai`, both pointed at the same fake provider replaying recorded bytes.
 * What a caller sees must be the same: text, tool calls, usage, error classes and statuses.
 */
import { describe, expect, it } from 'vitest';
import { fixture, useFakeProvider } from '../support/fake-provider.js';
import {
  arrived,
  both,
  type ErrorView,
  errorView,
  FACADE,
  type OpenAIClass,
  rejection,
  script,
  TEST_KEY,
} from './openai-both.js';

const fake = useFakeProvider();
const pirate = [
  { role: 'developer' as const, content: 'Talk like a pirate.' },
  { role: 'user' as const, content: 'Are semicolons optional in JavaScript?' },
];
const CHUNKS_IN_FIXTURE = 33;

/** A client of either package, as the README makes one, on the fake provider. */
function clientOf(OpenAI: OpenAIClass, options: { maxRetries?: number; timeout?: number } = {}) {
  return new OpenAI({ apiKey: TEST_KEY, baseURL: fake.url, ...options });
}

describe('shallot/openai runs the openai README the way openai does', () => {
  it('chat.completions.create answers with the same chat.completion, and sends the same request', async () => {
    script(fake, { body: fixture('openai-chat.json') });
    const { theirs, ours, sent } = await both(fake, async (OpenAI) => {
      const client = clientOf(OpenAI);
      const completion = await client.chat.completions.create({
        model: 'gpt-5.5',
        messages: pirate,
      });
      return { completion, content: completion.choices[0]?.message.content };
    });
    expect(ours.content).toContain('**Holiday Name:** Galaxy Day');
    expect(ours).toEqual(theirs);
    expect(sent.ours[0]?.body).toEqual(sent.theirs[0]?.body);
    expect(sent.ours[0]?.path).toBe(sent.theirs[0]?.path);
    expect(sent.ours[0]?.headers.authorization).toBe(`Bearer ${TEST_KEY}`);
  });

  it('a stream read with for await gives the same chunks, text and usage', async () => {
    script(fake, { body: fixture('openai-chat-stream-usage.sse'), sliceBytes: 97 });
    const { theirs, ours, sent } = await both(fake, async (OpenAI) => {
      const stream = await clientOf(OpenAI).chat.completions.create({
        model: 'gpt-4o',
        messages: pirate,
        stream: true,
        stream_options: { include_usage: true },
      });
      const chunks = [];
      let text = '';
      for await (const chunk of stream) {
        chunks.push(chunk);
        text += chunk.choices[0]?.delta?.content || '';
      }
      return { chunks, text, usage: chunks.at(-1)?.usage };
    });
    expect(ours.text).toBe(
      "I'm unable to provide real-time weather updates. To get the current weather in San Francisco, I recommend checking a reliable weather website or a weather app.",
    );
    expect(ours.usage).toEqual({
      prompt_tokens: 14,
      completion_tokens: 30,
      total_tokens: 44,
      completion_tokens_details: { reasoning_tokens: 0 },
    });
    expect(ours.chunks).toHaveLength(CHUNKS_IN_FIXTURE);
    expect(ours).toEqual(theirs);
    expect(sent.ours[0]?.body).toEqual(sent.theirs[0]?.body);
  });

  it('a stream of parallel tool calls gives the same fragments, and stream() the same final tool calls', async () => {
    script(fake, { body: fixture('openai-chat-stream-tool-calls.sse') });
    const { theirs, ours } = await both(fake, async (OpenAI) => {
      const client = clientOf(OpenAI);
      const stream = await client.chat.completions.create({
        model: 'gpt-4o',
        messages: pirate,
        stream: true,
        stream_options: { include_usage: true },
      });
      const fragments: string[] = [];
      for await (const chunk of stream) {
        for (const call of chunk.choices[0]?.delta?.tool_calls ?? []) {
          fragments.push(
            `${call.index}:${call.function?.name ?? ''}:${call.function?.arguments ?? ''}`,
          );
        }
      }
      const helper = client.chat.completions.stream({
        model: 'gpt-4o',
        messages: pirate,
        stream_options: { include_usage: true },
      });
      const final = await helper.finalChatCompletion();
      return { fragments, final, call: await helper.finalFunctionToolCall() };
    });
    expect(ours.final.choices[0]?.message.tool_calls).toEqual([
      {
        id: 'call_JMW1whyEaYG438VE1OIflxA2',
        type: 'function',
        function: {
          name: 'GetWeatherArgs',
          arguments: '{"city": "Edinburgh", "country": "GB", "units": "c"}',
        },
      },
      {
        id: 'call_DNYTawLBoN8fj3KN6qU9N1Ou',
        type: 'function',
        function: {
          name: 'get_stock_price',
          arguments: '{"ticker": "AAPL", "exchange": "NASDAQ"}',
        },
      },
    ]);
    expect(ours.final.usage?.total_tokens).toBe(209);
    expect(ours).toEqual(theirs);
  });

  it('chat.completions.stream() emits the same events in the same order, and finalContent()', async () => {
    script(fake, { body: fixture('openai-chat-stream-usage.sse') });
    const { theirs, ours } = await both(fake, async (OpenAI) => {
      const events: string[] = [];
      const stream = clientOf(OpenAI).chat.completions.stream({
        model: 'gpt-4o',
        messages: pirate,
        stream_options: { include_usage: true },
      });
      let streamed = '';
      stream
        .on('connect', () => events.push('connect'))
        .on('chunk', () => events.push('chunk'))
        .on('content', (delta, snapshot) => {
          streamed += delta;
          events.push(`content ${snapshot.length}`);
        })
        .on('content.done', ({ content }) => events.push(`content.done ${content.length}`))
        .on('chatCompletion', () => events.push('chatCompletion'))
        .on('message', (message) => events.push(`message ${message.role}`))
        .on('finalChatCompletion', () => events.push('finalChatCompletion'))
        .on('finalMessage', () => events.push('finalMessage'))
        .on('finalContent', () => events.push('finalContent'))
        .on('totalUsage', (usage) => events.push(`totalUsage ${usage.total_tokens}`))
        .on('end', () => events.push('end'));
      const content = await stream.finalContent();
      return { events, content, streamed, usage: await stream.totalUsage() };
    });
    expect(ours.content).toBe(ours.streamed);
    expect(ours.events.slice(-9)).toEqual([
      'content.done 159',
      'chunk',
      'chatCompletion',
      'message assistant',
      'finalChatCompletion',
      'finalMessage',
      'finalContent',
      'totalUsage 44',
      'end',
    ]);
    expect(ours).toEqual(theirs);
  });

  it.each([
    [400, 'BadRequestError'],
    [401, 'AuthenticationError'],
    [403, 'PermissionDeniedError'],
    [404, 'NotFoundError'],
    [409, 'ConflictError'],
    [422, 'UnprocessableEntityError'],
    [429, 'RateLimitError'],
    [500, 'InternalServerError'],
    [503, 'InternalServerError'],
  ])(
    'an HTTP %i is the same %s, with the same status, body fields and request id',
    async (status, name) => {
      const body = JSON.stringify({
        error: {
          message: `failed with ${status}`,
          type: 'invalid_request_error',
          param: 'messages',
          code: `code_${status}`,
        },
      });
      script(fake, { status, body, headers: { 'x-request-id': `req_${status}` } });
      const { theirs, ours } = await both(fake, async (OpenAI) => {
        const client = clientOf(OpenAI, { maxRetries: 0 });
        const error = await rejection(
          client.chat.completions.create({ model: 'gpt-4o', messages: pirate }),
        );
        return errorView(error, OpenAI);
      });
      expect(ours).toEqual<ErrorView>({
        className: name,
        isAPIError: true,
        status,
        code: `code_${status}`,
        param: 'messages',
        type: 'invalid_request_error',
        error: {
          message: `failed with ${status}`,
          type: 'invalid_request_error',
          param: 'messages',
          code: `code_${status}`,
        },
        requestID: `req_${status}`,
      });
      expect(ours).toEqual(theirs);
    },
  );

  it('the README error handler reads the recorded 429 quota error alike: instanceof APIError, status, name, headers', async () => {
    script(fake, { status: 429, body: fixture('openai-error-429-insufficient-quota.json') });
    const { theirs, ours } = await both(fake, async (OpenAI) => {
      const client = clientOf(OpenAI, { maxRetries: 0 });
      const seen: unknown[] = [];
      await client.chat.completions
        .create({ model: 'gpt-4o', messages: pirate })
        .catch(async (err) => {
          if (err instanceof OpenAI.APIError) {
            seen.push(err.status, err.headers instanceof Headers, err.code, err.message);
          } else {
            throw err;
          }
        });
      return seen;
    });
    expect(ours).toEqual([
      429,
      true,
      'insufficient_quota',
      expect.stringMatching(/^429 You exceeded your current quota/),
    ]);
    expect(ours).toEqual(theirs);
  });

  it('maxRetries per request retries a 503 and then answers, in both', async () => {
    script(
      fake,
      { status: 503, body: '{"error":{"message":"busy"}}', headers: { 'retry-after-ms': '1' } },
      { body: fixture('openai-chat.json') },
    );
    const { theirs, ours, sent } = await both(fake, async (OpenAI) => {
      const client = clientOf(OpenAI, { maxRetries: 0 });
      const completion = await client.chat.completions.create(
        { model: 'gpt-4o', messages: pirate },
        { maxRetries: 5 },
      );
      return completion.choices[0]?.finish_reason;
    });
    expect(ours).toBe('stop');
    expect(ours).toBe(theirs);
    expect(sent.ours).toHaveLength(2);
    expect(sent.theirs).toHaveLength(2);
  });

  it('a timeout, the client default or per request, is an APIConnectionTimeoutError in both', async () => {
    script(fake, { hang: true });
    const { theirs, ours } = await both(fake, async (OpenAI) => {
      const client = clientOf(OpenAI, { maxRetries: 0, timeout: 60 });
      const byDefault = await rejection(
        client.chat.completions.create({ model: 'gpt-4o', messages: pirate }),
      );
      const perRequest = await rejection(
        clientOf(OpenAI, { maxRetries: 0 }).chat.completions.create(
          { model: 'gpt-4o', messages: pirate },
          { timeout: 60 },
        ),
      );
      return [errorView(byDefault, OpenAI), errorView(perRequest, OpenAI)].map((view) => ({
        className: view.className,
        isAPIError: view.isAPIError,
        status: view.status,
      }));
    });
    expect(ours).toEqual([
      { className: 'APIConnectionTimeoutError', isAPIError: true, status: undefined },
      { className: 'APIConnectionTimeoutError', isAPIError: true, status: undefined },
    ]);
    expect(ours).toEqual(theirs);
  });

  it('a request signal aborted while waiting is an APIUserAbortError in both', async () => {
    script(fake, { hang: true });
    const { theirs, ours } = await both(fake, async (OpenAI) => {
      const controller = new AbortController();
      const pending = clientOf(OpenAI, { maxRetries: 0 }).chat.completions.create(
        { model: 'gpt-4o', messages: pirate },
        { signal: controller.signal },
      );
      await arrived(fake, 1);
      controller.abort();
      return errorView(await rejection(pending), OpenAI).className;
    });
    expect(ours).toBe('APIUserAbortError');
    expect(ours).toBe(theirs);
  });

  it('controller.abort() mid-stream ends the loop quietly and closes the upstream request, in both', async () => {
    const events = fixture('openai-chat-stream-usage.sse').split('\n\n').slice(0, 3).join('\n\n');
    script(fake, { body: `${events}\n\n`, holdOpen: true });
    const { theirs, ours } = await both(fake, async (OpenAI) => {
      const stream = await clientOf(OpenAI).chat.completions.create({
        model: 'gpt-4o',
        messages: pirate,
        stream: true,
      });
      let read = 0;
      for await (const _chunk of stream) {
        read++;
        if (read === 3) stream.controller.abort();
      }
      await fake.clientGone(0);
      return { read, aborted: stream.controller.signal.aborted };
    });
    expect(ours).toEqual({ read: 3, aborted: true });
    expect(ours).toEqual(theirs);
  });

  it('stream().abort() rejects finalChatCompletion() with APIUserAbortError and fires abort, in both', async () => {
    const events = fixture('openai-chat-stream-usage.sse').split('\n\n').slice(0, 3).join('\n\n');
    script(fake, { body: `${events}\n\n`, holdOpen: true });
    const { theirs, ours } = await both(fake, async (OpenAI) => {
      const stream = clientOf(OpenAI).chat.completions.stream({
        model: 'gpt-4o',
        messages: pirate,
      });
      const seen: string[] = [];
      stream.on('abort', (error) => seen.push(`abort ${error.constructor.name}`));
      stream.on('content', () => {
        if (!stream.aborted) stream.abort();
      });
      const error = await rejection(stream.finalChatCompletion());
      await fake.clientGone(0);
      return { seen, error: errorView(error, OpenAI).className, aborted: stream.aborted };
    });
    expect(ours).toEqual({
      seen: ['abort APIUserAbortError'],
      error: 'APIUserAbortError',
      aborted: true,
    });
    expect(ours).toEqual(theirs);
  });

  it('tee() and toReadableStream() give the same chunks as JSON lines, in both', async () => {
    script(fake, { body: fixture('openai-chat-stream-usage.sse') });
    const { theirs, ours } = await both(fake, async (OpenAI) => {
      const stream = await clientOf(OpenAI).chat.completions.create({
        model: 'gpt-4o',
        messages: pirate,
        stream: true,
        stream_options: { include_usage: true },
      });
      const [left, right] = stream.tee();
      let leftCount = 0;
      for await (const _chunk of left) leftCount++;
      const text = await new Response(right.toReadableStream()).text();
      return {
        leftCount,
        lines: text
          .trimEnd()
          .split('\n')
          .map((line) => JSON.parse(line)),
      };
    });
    expect(ours.leftCount).toBe(CHUNKS_IN_FIXTURE);
    expect(ours.lines).toHaveLength(CHUNKS_IN_FIXTURE);
    expect(ours).toEqual(theirs);
  });

  it('embeddings.create gives the same vectors, asking for base64 on the wire as openai does', async () => {
    script(fake, { body: fixture('written-openai-embeddings-base64.json') });
    const { theirs, ours, sent } = await both(fake, async (OpenAI) => {
      const response = await clientOf(OpenAI).embeddings.create({
        model: 'text-embedding-3-small',
        input: ['a shallot', 'an onion'],
      });
      return response;
    });
    expect(ours.data.map((item) => item.embedding)).toEqual([
      [0.5, -0.25, 0.125, 1],
      [-1, 0.75, 0.0625, -0.5],
    ]);
    expect(ours.usage).toEqual({ prompt_tokens: 8, total_tokens: 8 });
    expect(ours).toEqual(theirs);
    expect(sent.ours[0]?.body).toMatchObject({
      encoding_format: 'base64',
      input: ['a shallot', 'an onion'],
    });
    expect(sent.theirs[0]?.body).toMatchObject({ encoding_format: 'base64' });
  });

  it('models.list() is awaited as a page and iterated with for await, in both', async () => {
    const list = {
      object: 'list',
      data: [{ id: 'gpt-4o', object: 'model', created: 0, owned_by: 'shallot' }],
    };
    script(fake, { body: JSON.stringify(list) });
    const { theirs, ours } = await both(fake, async (OpenAI) => {
      // The one line that differs: the facade lists what it is told, openai asks the server.
      const client =
        OpenAI === FACADE ? new OpenAI({ models: ['gpt-4o'] } as never) : clientOf(OpenAI);
      const page = await client.models.list();
      const ids: string[] = [];
      for await (const model of client.models.list()) ids.push(model.id);
      return { data: page.data, hasNextPage: page.hasNextPage(), ids };
    });
    expect(ours).toEqual({ data: list.data, hasNextPage: false, ids: ['gpt-4o'] });
    expect(ours).toEqual(theirs);
  });
});

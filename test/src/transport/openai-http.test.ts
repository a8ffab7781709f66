import {
  AbortError,
  type ChatCompletion,
  type ChatCompletionChunk,
  createClient,
  IncompleteStreamError,
  InvalidResponseError,
  type Middleware,
} from 'shallot';
import { describe, expect, it } from 'vitest';
import { fixture, fixtureEvents, sse, useFakeProvider } from '../../support/fake-provider.js';
import { collect } from '../../support/streams.js';

const messages = [{ role: 'user' as const, content: 'What is the weather?' }];
const API_KEY = 'sk-test-0123456789abcdef';

const fake = useFakeProvider();

/** A client pointed at the fake provider, recording how each call ended. */
function clientWithEndLog() {
  const ends: Array<{ status: string; error?: string; response?: ChatCompletion }> = [];
  const recordEnd: Middleware = async (ctx, next) => {
    ctx.onEnd(() =>
      ends.push({
        status: ctx.status,
        error: ctx.error?.name,
        response: ctx.kind === 'completion' ? ctx.response : undefined,
      }),
    );
    await next();
  };
  const client = createClient({
    middleware: [recordEnd],
    providers: { openai: { apiKey: API_KEY, apiBase: fake.url } },
  });
  return { client, ends };
}

describe('OpenAI over HTTP, non-streamed', () => {
  it('returns the recorded chat.completion unchanged', async () => {
    fake.reply({ body: fixture('openai-chat.json') });
    const { client } = clientWithEndLog();
    const answer = await client.completion({ model: 'openai/gpt-4.1-nano', messages });
    expect(answer).toEqual(JSON.parse(fixture('openai-chat.json')));
  });

  it('sends the OpenAI body with the provider prefix removed, the key as a Bearer token, and no shallot options', async () => {
    fake.reply({ body: fixture('openai-chat.json') });
    const { client } = clientWithEndLog();
    await client.completion({
      model: 'openai/gpt-4.1-nano',
      messages,
      temperature: 0.2,
      max_tokens: 50,
      seed: 7,
      user: 'u-1',
      metadata: { team: 'search' },
      timeout: 30_000,
    });
    const [received] = fake.requests;
    expect(received?.path).toBe('/v1/chat/completions');
    expect(received?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(received?.body).toEqual({
      model: 'gpt-4.1-nano',
      messages,
      temperature: 0.2,
      max_tokens: 50,
      seed: 7,
      user: 'u-1',
    });
  });

  it('reuses one keep-alive connection for sequential calls', async () => {
    const before = fake.connections;
    fake.reply({ body: fixture('openai-chat.json') });
    const { client } = clientWithEndLog();
    for (let call = 0; call < 3; call++) {
      await client.completion({ model: 'gpt-4.1-nano', messages });
    }
    expect(fake.connections - before).toBeLessThanOrEqual(1);
  });

  it('rejects a body that is not JSON with an InvalidResponseError', async () => {
    fake.reply({ body: '{"id": "chatcmpl-1", "choices": [' });
    const { client, ends } = clientWithEndLog();
    await expect(client.completion({ model: 'gpt-4.1-nano', messages })).rejects.toBeInstanceOf(
      InvalidResponseError,
    );
    expect(ends).toEqual([
      { status: 'failure', error: 'InvalidResponseError', response: undefined },
    ]);
  });
});

describe('OpenAI over HTTP, streamed', () => {
  it('yields every recorded chunk, in 7-byte slices, and assembles the text and usage once', async () => {
    fake.reply({ body: fixture('openai-chat-stream-usage.sse'), sliceBytes: 7 });
    const { client, ends } = clientWithEndLog();
    const stream = await client.completion({ model: 'gpt-4o', messages, stream: true });
    const chunks = await collect(stream);

    const recorded = fixtureEvents<ChatCompletionChunk>('openai-chat-stream-usage.sse');
    expect(chunks).toEqual(recorded);
    const text = recorded.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    const final = await stream.finalResponse();
    expect(final.choices[0]?.message.content).toBe(text);
    expect(final.choices[0]?.finish_reason).toBe('stop');
    expect(final.usage).toEqual(recorded.at(-1)?.usage);
    expect(ends).toHaveLength(1);
    expect(ends[0]?.response).toBe(final);
  });

  it('asks for the usage chunk with stream_options.include_usage', async () => {
    fake.reply({ body: fixture('openai-chat-stream-usage.sse') });
    const { client } = clientWithEndLog();
    await collect(await client.completion({ model: 'gpt-4o', messages, stream: true }));
    expect(fake.requests[0]?.body).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(fake.requests[0]?.headers.accept).toBe('text/event-stream');
  });

  it('hands over the first chunk while the server is still sending', async () => {
    const [first] = fixture('openai-chat-stream-usage.sse').split('\n\n');
    fake.reply({ body: `${first}\n\n`, holdOpen: true });
    const { client } = clientWithEndLog();
    const stream = await client.completion({ model: 'gpt-4o', messages, stream: true });
    const iterator = stream[Symbol.asyncIterator]();
    const next = await iterator.next();
    expect(next.value?.choices[0]?.delta.role).toBe('assistant');
    await iterator.return?.();
  });

  it('assembles parallel tool calls with their argument fragments concatenated', async () => {
    fake.reply({ body: fixture('openai-chat-stream-tool-calls.sse'), sliceBytes: 11 });
    const { client } = clientWithEndLog();
    const stream = await client.completion({ model: 'gpt-4o', messages, stream: true });
    await collect(stream);
    const final = await stream.finalResponse();
    const choice = final.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message.content).toBeNull();
    const calls = choice?.message.tool_calls ?? [];
    expect(calls.map((call) => call.function.name)).toEqual(['GetWeatherArgs', 'get_stock_price']);
    expect(calls.map((call) => call.id)).toEqual([
      'call_JMW1whyEaYG438VE1OIflxA2',
      expect.stringMatching(/^call_/),
    ]);
    expect(JSON.parse(calls[0]?.function.arguments ?? '')).toEqual({
      city: 'Edinburgh',
      country: 'GB',
      units: 'c',
    });
    expect(JSON.parse(calls[1]?.function.arguments ?? '')).toEqual({
      ticker: 'AAPL',
      exchange: 'NASDAQ',
    });
    expect(final.usage?.total_tokens).toBeGreaterThan(0);
  });

  it('keeps a multi-byte character split across network reads intact, and skips keep-alive comments', async () => {
    const chunk = (content: string) => ({
      id: 'c1',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'gpt-4o-mini',
      choices: [{ index: 0, delta: { content }, finish_reason: null }],
    });
    const finish = { ...chunk(''), choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] };
    const body = `: keep-alive\n\n${sse(chunk('Grüße 👋 '), chunk('÷ done'), finish, '[DONE]')}`;
    fake.reply({ body, sliceBytes: 1 });
    const { client } = clientWithEndLog();
    const stream = await client.completion({ model: 'gpt-4o-mini', messages, stream: true });
    await collect(stream);
    expect((await stream.finalResponse()).choices[0]?.message.content).toBe('Grüße 👋 ÷ done');
  });

  it('fails with an IncompleteStreamError carrying the partial answer when the connection is cut', async () => {
    const body = fixture('openai-chat-stream-usage.sse');
    const cut = body.indexOf('data:', body.indexOf(' weather')); // after the " weather" chunk
    fake.reply({ body, cutAfterBytes: cut });
    const { client, ends } = clientWithEndLog();
    const stream = await client.completion({ model: 'gpt-4o', messages, stream: true });
    const seen: string[] = [];
    const error = await (async () => {
      try {
        for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? '');
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(IncompleteStreamError);
    const partial = (error as IncompleteStreamError).partialResponse;
    expect(partial?.choices[0]?.message.content).toBe("I'm unable to provide real-time weather");
    expect(seen.join('')).toBe("I'm unable to provide real-time weather");
    expect(ends).toEqual([
      { status: 'failure', error: 'IncompleteStreamError', response: undefined },
    ]);
  });

  it('fails with an IncompleteStreamError when the body ends before [DONE] and any finish reason', async () => {
    const [first, second] = fixture('openai-chat-stream-usage.sse').split('\n\n');
    fake.reply({ body: `${first}\n\n${second}\n\n` });
    const { client, ends } = clientWithEndLog();
    const stream = await client.completion({ model: 'gpt-4o', messages, stream: true });
    await expect(collect(stream)).rejects.toBeInstanceOf(IncompleteStreamError);
    expect(ends.map((end) => end.error)).toEqual(['IncompleteStreamError']);
  });

  it('fails with an InvalidResponseError on a malformed SSE line, and ends the call once', async () => {
    const [first] = fixture('openai-chat-stream-usage.sse').split('\n\n');
    fake.reply({
      body: `${first}\n\ndata: {"id":"chatcmpl-x","choices":[{"delta":\n\n`,
      holdOpen: true,
    });
    const { client, ends } = clientWithEndLog();
    const stream = await client.completion({ model: 'gpt-4o', messages, stream: true });
    const error = await collect(stream).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as InvalidResponseError).partialResponse?.choices[0]?.message.role).toBe(
      'assistant',
    );
    expect(ends.map((end) => end.error)).toEqual(['InvalidResponseError']);
    await fake.clientGone(0);
  });

  it('ends the call once with an AbortError when the consumer breaks early, and closes the connection', async () => {
    fake.reply({
      body: fixture('openai-chat-stream-usage.sse').split('\n\n').slice(0, 4).join('\n\n'),
      holdOpen: true,
    });
    const { client, ends } = clientWithEndLog();
    const stream = await client.completion({ model: 'gpt-4o', messages, stream: true });
    let received = 0;
    for await (const _chunk of stream) {
      received++;
      if (received === 2) break;
    }
    expect(ends).toHaveLength(1);
    expect(ends[0]?.error).toBe('AbortError');
    await fake.clientGone(0);
    await expect(stream.finalResponse()).rejects.toBeInstanceOf(AbortError);
  });

  it('ends the call once with an AbortError carrying the partial answer when the signal aborts mid-stream', async () => {
    fake.reply({
      body: fixture('openai-chat-stream-usage.sse').split('\n\n').slice(0, 3).join('\n\n'),
      holdOpen: true,
    });
    const { client, ends } = clientWithEndLog();
    const controller = new AbortController();
    const stream = await client.completion({
      model: 'gpt-4o',
      messages,
      stream: true,
      signal: controller.signal,
    });
    const seen: string[] = [];
    const error = await (async () => {
      try {
        for await (const chunk of stream) {
          seen.push(chunk.choices[0]?.delta.content ?? '');
          if (seen.length === 2) controller.abort();
        }
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(AbortError);
    expect((error as AbortError).partialResponse?.choices[0]?.message.content).toBe("I'm");
    expect(ends.map((end) => end.error)).toEqual(['AbortError']);
    await fake.clientGone(0);
  });

  it('rejects a plain call with an AbortError when the signal aborts while waiting for the answer', async () => {
    fake.reply({ hang: true });
    const { client, ends } = clientWithEndLog();
    const controller = new AbortController();
    const call = client.completion({ model: 'gpt-4o', messages, signal: controller.signal });
    await waitFor(() => fake.requests.length === 1);
    controller.abort();
    await expect(call).rejects.toBeInstanceOf(AbortError);
    expect(ends.map((end) => end.error)).toEqual(['AbortError']);
  });

  it('replays a JSON answer to a stream request as chunks', async () => {
    fake.reply({ body: fixture('openai-chat.json') });
    const { client } = clientWithEndLog();
    const stream = await client.completion({ model: 'gpt-4.1-nano', messages, stream: true });
    const chunks = await collect(stream);
    expect(chunks.length).toBeGreaterThan(2);
    const final = await stream.finalResponse();
    expect(final.choices[0]?.message.content).toBe(
      JSON.parse(fixture('openai-chat.json')).choices[0].message.content,
    );
    expect(final.usage?.total_tokens).toBe(379);
  });
});

/** Polls a condition on the event loop: no timers, no sleeping. */
async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

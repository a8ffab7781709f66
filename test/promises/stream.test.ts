/**
 * The stream (README, "Streaming"): what the caller reads is what the final answer is made of,
 * field by field; a stream is read once, ends once, says why it ended, and its first-chunk
 * timeout counts from the response head.
 */
import {
  AbortError,
  type ChatCompletion,
  type ChatCompletionChunk,
  type Context,
  createClient,
  InvalidResponseError,
  TimeoutError,
  ValidationError,
} from 'shallot';
import { completionToChunks } from 'shallot/kit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sse, useFakeProvider } from '../support/fake-provider.js';
import { settle, until } from '../support/resilience.js';
import { collect, rejectionOf } from '../support/streams.js';

const fake = useFakeProvider();
const messages = [{ role: 'user' as const, content: 'Stream, please' }];
const API_KEY = 'sk-stream-promise-0123456789';

afterEach(() => {
  vi.useRealTimers();
});

/** A chunk with these fields over a plain one (id `chatcmpl-s`, model `gpt-4o-mini`). */
function chunk(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    id: 'chatcmpl-s',
    object: 'chat.completion.chunk',
    created: 100,
    model: 'gpt-4o-mini',
    choices: [],
    ...fields,
  };
}

/** A choice of a chunk. */
function choice(delta: Record<string, unknown> | undefined, extra: Record<string, unknown> = {}) {
  return { index: 0, ...(delta === undefined ? {} : { delta }), finish_reason: null, ...extra };
}

/** A client on the fake provider that keeps each call's context. */
function streamingClient(options: Parameters<typeof createClient>[0] = {}) {
  const contexts: Context[] = [];
  const client = createClient({
    providers: { openai: { apiKey: API_KEY, apiBase: fake.url } },
    ...options,
  });
  client.use(async (ctx, next) => {
    contexts.push(ctx);
    await next();
  });
  return { client, contexts };
}

/** The final answer of a stream of these chunks, read to its end. */
async function assembled(...chunks: Array<Record<string, unknown>>): Promise<ChatCompletion> {
  fake.reply({ body: `${sse(...chunks)}data: [DONE]\n\n` });
  const { client } = streamingClient();
  const stream = await client.completion({ model: 'gpt-4o-mini', messages, stream: true });
  await collect(stream);
  return stream.finalResponse();
}

describe('the final answer of a stream', () => {
  it('of plain text has a message of role and content only, and no field nobody sent', async () => {
    const answer = await assembled(
      chunk({ choices: [choice({ role: 'assistant', content: 'Hel' })] }),
      chunk({ choices: [choice({ content: 'lo' })] }),
      chunk({ choices: [choice({}, { finish_reason: 'stop' })] }),
    );
    expect(answer).toEqual({
      id: 'chatcmpl-s',
      object: 'chat.completion',
      created: 100,
      model: 'gpt-4o-mini',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hello' },
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
    });
    expect(Object.keys(answer)).not.toContain('usage');
    expect(Object.keys(answer)).not.toContain('system_fingerprint');
    expect(Object.keys(answer.choices[0] ?? {})).not.toContain('provider_finish_reason');
    expect(Object.keys(answer.choices[0]?.message ?? {})).toEqual(['role', 'content']);
  });

  it('takes the first id, model and creation time a chunk gives, skipping empty ones (Azure’s first chunk)', async () => {
    const answer = await assembled(
      chunk({ id: '', model: '', created: 0, choices: [] }),
      chunk({
        id: 'first-id',
        model: 'first-model',
        created: 5,
        choices: [choice({ content: 'a' })],
      }),
      chunk({
        id: 'second-id',
        model: 'second-model',
        created: 7,
        choices: [choice({ content: 'b' })],
      }),
    );
    expect([answer.id, answer.model, answer.created]).toEqual(['first-id', 'first-model', 5]);
  });

  it('keeps the last system fingerprint and the last usage sent, even when later chunks have none', async () => {
    const usage = { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 };
    const answer = await assembled(
      chunk({ system_fingerprint: 'fp_1', choices: [choice({ content: 'a' })] }),
      chunk({ system_fingerprint: 'fp_2', usage, choices: [choice({ content: 'b' })] }),
      chunk({ choices: [choice({}, { finish_reason: 'stop' })] }),
    );
    expect(answer.system_fingerprint).toBe('fp_2');
    expect(answer.usage).toEqual(usage);
  });

  it('keeps the finish reason when a later chunk (a usage chunk) says null', async () => {
    const answer = await assembled(
      chunk({ choices: [choice({ content: 'a' }, { finish_reason: 'length' })] }),
      chunk({ choices: [choice({})] }),
    );
    expect(answer.choices[0]?.finish_reason).toBe('length');
  });

  it('joins a refusal sent in pieces, and keeps the provider’s own finish reason', async () => {
    const answer = await assembled(
      chunk({ choices: [choice({ role: 'assistant', refusal: 'I cannot ' })] }),
      chunk({ choices: [choice({ refusal: 'help with that.' })] }),
      chunk({
        choices: [choice({}, { finish_reason: 'stop', provider_finish_reason: 'SAFETY' })],
      }),
    );
    expect(answer.choices[0]?.message.refusal).toBe('I cannot help with that.');
    expect(answer.choices[0]?.message.content).toBeNull();
    expect(answer.choices[0]?.provider_finish_reason).toBe('SAFETY');
  });

  it('joins the log probabilities of every chunk', async () => {
    const first = { token: 'a', logprob: -0.1, bytes: null, top_logprobs: [] };
    const second = { token: 'b', logprob: -0.2, bytes: null, top_logprobs: [] };
    const answer = await assembled(
      chunk({ choices: [choice({ content: 'a' }, { logprobs: { content: [first] } })] }),
      chunk({ choices: [choice({ content: 'b' }, { logprobs: { content: [second] } })] }),
    );
    expect(answer.choices[0]?.logprobs).toEqual({ content: [first, second] });
  });

  it('reads a choice that has no delta (only a finish reason)', async () => {
    const answer = await assembled(
      chunk({ choices: [choice({ content: 'a' })] }),
      chunk({ choices: [choice(undefined, { finish_reason: 'stop' })] }),
    );
    expect(answer.choices[0]?.message.content).toBe('a');
    expect(answer.choices[0]?.finish_reason).toBe('stop');
  });

  it('keeps a second choice that came without a first one', async () => {
    const answer = await assembled(
      chunk({
        choices: [{ index: 1, delta: { content: 'only the second' }, finish_reason: 'stop' }],
      }),
    );
    expect(answer.choices).toHaveLength(1);
    expect(answer.choices[0]?.index).toBe(1);
    expect(answer.choices[0]?.message.content).toBe('only the second');
  });

  it('folds tool-call fragments: the name once, the arguments joined, a fragment without function or arguments read as such', async () => {
    const answer = await assembled(
      chunk({ choices: [choice({ tool_calls: [{ index: 0, id: 'call_1', type: 'function' }] })] }),
      chunk({ choices: [choice({ tool_calls: [{ index: 0, function: { name: 'lookup' } }] })] }),
      chunk({
        choices: [choice({ tool_calls: [{ index: 0, function: { arguments: '{"q":' } }] })],
      }),
      chunk({ choices: [choice({ tool_calls: [{ index: 0, function: { arguments: '"x"}' } }] })] }),
      chunk({ choices: [choice({}, { finish_reason: 'tool_calls' })] }),
    );
    expect(answer.choices[0]?.message.tool_calls).toEqual([
      { id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } },
    ]);
  });

  it('keeps a second tool call that came without a first one, and fields a provider adds to a call', async () => {
    const answer = await assembled(
      chunk({
        choices: [
          choice({
            tool_calls: [
              {
                index: 1,
                id: 'call_2',
                type: 'function',
                thought_signature: 'sig',
                function: { name: 'second', arguments: '{}' },
              },
            ],
          }),
        ],
      }),
    );
    expect(answer.choices[0]?.message.tool_calls).toEqual([
      {
        thought_signature: 'sig',
        id: 'call_2',
        type: 'function',
        function: { name: 'second', arguments: '{}' },
      },
    ]);
  });

  it('tells tool calls apart by their id when a server sends no index', async () => {
    const fragment = (fields: Record<string, unknown>) =>
      chunk({ choices: [choice({ tool_calls: [{ type: 'function', ...fields }] })] });
    const answer = await assembled(
      fragment({ id: 'call_a', function: { name: 'first', arguments: '{"a":' } }),
      fragment({ function: { arguments: '1}' } }),
      fragment({ id: 'call_a', function: { arguments: '' } }),
      fragment({ id: 'call_b', function: { name: 'second', arguments: '{"b":2}' } }),
    );
    expect(answer.choices[0]?.message.tool_calls).toEqual([
      { id: 'call_a', type: 'function', function: { name: 'first', arguments: '{"a":1}' } },
      { id: 'call_b', type: 'function', function: { name: 'second', arguments: '{"b":2}' } },
    ]);
  });

  it('gives a tool call that was never named an empty name and id', async () => {
    const answer = await assembled(
      chunk({ choices: [choice({ tool_calls: [{ index: 0, function: { arguments: '{}' } }] })] }),
    );
    expect(answer.choices[0]?.message.tool_calls).toEqual([
      { id: '', type: 'function', function: { name: '', arguments: '{}' } },
    ]);
  });
});

describe('completionToChunks()', () => {
  const completion: ChatCompletion = {
    id: 'chatcmpl-c',
    object: 'chat.completion',
    created: 42,
    model: 'gpt-4o-mini',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'Hi' },
        finish_reason: null,
        logprobs: null,
      },
    ],
  };

  it('gives chunks that carry the answer’s id, creation time and model, a role chunk first and a finish chunk last', () => {
    const chunks = completionToChunks(completion);
    expect(chunks).toEqual([
      {
        id: 'chatcmpl-c',
        created: 42,
        model: 'gpt-4o-mini',
        object: 'chat.completion.chunk',
        choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
      },
      {
        id: 'chatcmpl-c',
        created: 42,
        model: 'gpt-4o-mini',
        object: 'chat.completion.chunk',
        choices: [{ index: 0, delta: { content: 'Hi' }, finish_reason: null }],
      },
      {
        id: 'chatcmpl-c',
        created: 42,
        model: 'gpt-4o-mini',
        object: 'chat.completion.chunk',
        choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
      },
    ]);
  });

  it('sends no content chunk for empty content, a refusal chunk for a refusal, and a usage chunk only with usage', () => {
    const refused = completionToChunks({
      ...completion,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: '', refusal: 'No.' },
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    });
    expect(refused.map((each) => each.choices[0]?.delta ?? each.usage)).toEqual([
      { role: 'assistant', content: '' },
      { refusal: 'No.' },
      {},
      { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    ]);
  });

  it('numbers choices by their index, or by their position when they have none', () => {
    const chunks = completionToChunks({
      ...completion,
      choices: [
        {
          index: 3,
          message: { role: 'assistant', content: null },
          finish_reason: 'stop',
          logprobs: null,
        },
        {
          message: { role: 'assistant', content: null },
          finish_reason: 'stop',
          logprobs: null,
        } as never,
      ],
    });
    expect(chunks.map((each) => each.choices[0]?.index)).toEqual([3, 3, 1, 1]);
  });
});

describe('a mocked stream', () => {
  it('replays text of spaces only as it is', async () => {
    const { client } = streamingClient();
    const stream = await client.completion({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
      mockResponse: '   ',
    });
    await collect(stream);
    expect((await stream.finalResponse()).choices[0]?.message.content).toBe('   ');
  });
});

describe('reading a stream', () => {
  const twoChunks = `${sse(
    chunk({ choices: [choice({ role: 'assistant', content: 'a' })] }),
    chunk({ choices: [choice({ content: 'b' }, { finish_reason: 'stop' })] }),
  )}data: [DONE]\n\n`;

  it('is done once: a second iteration is a ValidationError that says so', async () => {
    fake.reply({ body: twoChunks });
    const { client } = streamingClient();
    const stream = await client.completion({ model: 'gpt-4o-mini', messages, stream: true });
    await collect(stream);

    let error: unknown;
    try {
      stream[Symbol.asyncIterator]();
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toContain(
      'stream: this stream was already iterated; a stream can be read once. Use finalResponse() for the whole answer.',
    );
  });

  it('notes when the first chunk arrived, not the last', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: 1_000_000 });
    fake.reply({ body: twoChunks });
    const { client, contexts } = streamingClient();
    const stream = await client.completion({ model: 'gpt-4o-mini', messages, stream: true });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    vi.setSystemTime(1_005_000);
    while (!(await iterator.next()).done) {
      // reading on
    }
    expect(contexts[0]?.timings.firstToken).toBe(1_000_000);
  });

  it('that broke off ends the call with an AbortError saying how many chunks were read, and reads as done afterwards', async () => {
    fake.reply({ body: twoChunks });
    const { client, contexts } = streamingClient();
    const stream = await client.completion({ model: 'gpt-4o-mini', messages, stream: true });
    for await (const _ of stream) break;

    const iterator = stream as unknown as AsyncIterator<ChatCompletionChunk>;
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
    const error = contexts[0]?.error;
    expect(error).toBeInstanceOf(AbortError);
    expect(error?.model).toBe('gpt-4o-mini');
    expect(error?.message).toBe(
      'gpt-4o-mini: the consumer stopped reading the stream (break or return) after 1 chunk(s); the answer is incomplete.',
    );
  });

  it('that was aborted throws its AbortError once, then reads as done', async () => {
    fake.reply({ body: twoChunks });
    const { client } = streamingClient();
    const stream = await client.completion({ model: 'gpt-4o-mini', messages, stream: true });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    stream.abort();

    const error = await rejectionOf(iterator.next());
    expect(error).toBeInstanceOf(AbortError);
    expect((error as Error).message).toBe(
      'gpt-4o-mini: the stream was aborted with abort() after 1 chunk(s); the answer is incomplete.',
    );
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it('names the provider and model of a malformed chunk', async () => {
    fake.reply({
      body: `${sse({ id: 'x', object: 'chat.completion.chunk', choices: 'not a list' })}data: [DONE]\n\n`,
    });
    const { client } = streamingClient();
    const stream = await client.completion({ model: 'gpt-4o-mini', messages, stream: true });

    const error = await rejectionOf(collect(stream));

    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as Error).message).toMatch(/^openai\/gpt-4o-mini: /);
  });

  it('with finalResponse() while a loop reads it waits for that loop, which still gets every chunk', async () => {
    fake.reply({ body: twoChunks });
    const { client } = streamingClient();
    const stream = await client.completion({ model: 'gpt-4o-mini', messages, stream: true });
    const iterator = stream[Symbol.asyncIterator]();
    const read: string[] = [];
    const first = await iterator.next();
    read.push(first.value?.choices[0]?.delta.content ?? '');

    const final = stream.finalResponse();
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      read.push(next.value.choices[0]?.delta.content ?? '');
    }

    expect(read).toEqual(['a', 'b']);
    expect((await final).choices[0]?.message.content).toBe('ab');
  });
});

describe('firstChunkTimeout', () => {
  it('counts from the response head: no chunk within it is a TimeoutError at that moment, not before', async () => {
    // The clock too: the wait is counted from the head by Date.now(), so a slow machine's real
    // milliseconds between the head and the first read must not shorten the fake timer.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    fake.reply({ body: ': waiting\n\n', holdOpen: true });
    const { client } = streamingClient();
    const stream = await client.completion({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
      firstChunkTimeout: 1_000,
    });
    let failure: unknown;
    const reading = collect(stream).catch((error: unknown) => {
      failure = error;
    });

    await settle();
    await vi.advanceTimersByTimeAsync(999);
    await settle();
    expect(failure).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    await until(() => failure !== undefined, 'the first-chunk timeout fires');
    await reading;

    expect(failure).toBeInstanceOf(TimeoutError);
    expect((failure as Error).message).toContain(
      'no first chunk within firstChunkTimeout (1000 ms)',
    );
  });
});

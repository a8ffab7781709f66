/**
 * The OpenAI-compatible family. There are no recordings of these servers in the fixtures, so
 * each test replays a transcript written from providers.md §7, with the quirk it checks.
 */
import {
  type ChatCompletionChunk,
  createClient,
  PermissionDeniedError,
  ServiceUnavailableError,
  ValidationError,
} from 'shallot';
import { describe, expect, it } from 'vitest';
import { sse, useFakeProvider } from '../../support/fake-provider.js';
import { collect, rejectionOf } from '../../support/streams.js';

const messages = [{ role: 'user' as const, content: 'Hi' }];

const fake = useFakeProvider();

const client = (provider: string) =>
  createClient({ providers: { [provider]: { apiKey: 'sk-compat-123456', apiBase: fake.url } } });
const chunk = (delta: object, finish: string | null = null, extra: object = {}) => ({
  id: 'c1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'm',
  choices: [{ index: 0, delta, finish_reason: finish }],
  ...extra,
});

describe('the OpenAI-compatible presets', () => {
  it('Groq: takes usage from the finish chunk and x_groq, and a whole tool call in one delta', async () => {
    const usage = { prompt_tokens: 20, completion_tokens: 9, total_tokens: 29 };
    const call = {
      index: 0,
      id: 'call_1',
      type: 'function',
      function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
    };
    fake.reply({
      body: sse(
        chunk({ role: 'assistant', content: null }, null, { x_groq: { id: 'req_1' } }),
        chunk({ tool_calls: [call] }),
        chunk({}, 'tool_calls', { x_groq: { id: 'req_1', usage: { ...usage, queue_time: 0.01 } } }),
        '[DONE]',
      ),
    });
    const stream = await client('groq').completion({
      model: 'groq/llama-3.3-70b-versatile',
      messages,
      stream: true,
    });
    await collect(stream);
    const final = await stream.finalResponse();
    expect(final.choices[0]?.message.tool_calls).toEqual([
      { id: 'call_1', type: 'function', function: call.function },
    ]);
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    expect(final.usage).toMatchObject(usage);
    expect(fake.requests.at(-1)).toMatchObject({
      path: '/v1/chat/completions',
      body: { model: 'llama-3.3-70b-versatile' },
    });
  });

  it('Groq: a 498 (flex tier out of capacity) is a retryable ServiceUnavailableError', async () => {
    fake.reply({
      status: 498,
      body: JSON.stringify({ error: { message: 'Capacity exceeded', type: 'capacity_exceeded' } }),
    });
    const error = await rejectionOf(
      client('groq').completion({ model: 'groq/llama-3.3-70b-versatile', messages }),
    );
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error).toMatchObject({ retryable: true, status: 498 });
  });

  it('Mistral: sends random_seed and tool_choice any, and assembles tool-call deltas without index or type', async () => {
    fake.reply({
      body: sse(
        chunk({ role: 'assistant', content: '' }),
        chunk({
          tool_calls: [{ id: 'abcDEF123', function: { name: 'lookup', arguments: '{"q":' } }],
        }),
        chunk({ tool_calls: [{ function: { name: '', arguments: '"onions"}' } }] }),
        chunk({}, 'tool_calls', {
          usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 },
        }),
        '[DONE]',
      ),
    });
    const stream = await client('mistral').completion({
      model: 'mistral/mistral-large-latest',
      messages,
      seed: 7,
      tool_choice: 'required',
      tools: [{ type: 'function', function: { name: 'lookup' } }],
      stream: true,
    });
    const chunks = await collect(stream);
    expect(chunks[2]?.choices[0]?.delta.tool_calls?.[0]?.index).toBe(0);
    const final = await stream.finalResponse();
    expect(final.choices[0]?.message.tool_calls?.[0]).toEqual({
      id: 'abcDEF123',
      type: 'function',
      function: { name: 'lookup', arguments: '{"q":"onions"}' },
    });
    const body = fake.requests.at(-1)?.body;
    expect(body).toMatchObject({ random_seed: 7, tool_choice: 'any' });
    expect(body).not.toHaveProperty('seed');
  });

  it('Mistral: reads a reasoning model’s content arrays, maps model_length, and reads a flat error body', async () => {
    fake.reply({
      body: sse(
        chunk({
          role: 'assistant',
          content: [{ type: 'thinking', thinking: [{ type: 'text', text: 'Let me think.' }] }],
        }),
        chunk({ content: [{ type: 'text', text: 'Forty-two.' }] }),
        chunk({}, 'model_length'),
        '[DONE]',
      ),
    });
    const stream = await client('mistral').completion({
      model: 'mistral/magistral-medium-latest',
      messages,
      stream: true,
    });
    await collect(stream);
    const final = await stream.finalResponse();
    expect(final.choices[0]).toMatchObject({
      message: { content: 'Forty-two.', reasoning_content: 'Let me think.' },
      finish_reason: 'length',
      provider_finish_reason: 'model_length',
    });
    fake.reply({
      status: 401,
      body: JSON.stringify({
        object: 'error',
        message: 'Unauthorized',
        type: 'invalid_request_error',
        param: null,
        code: null,
      }),
    });
    const error = await rejectionOf(
      client('mistral').completion({ model: 'mistral/mistral-large-latest', messages }),
    );
    expect((error as Error).message).toContain('HTTP 401 (invalid_request_error): Unauthorized.');
  });

  it('DeepSeek: skips keep-alive comments, keeps reasoning_content, and maps insufficient_system_resource to error', async () => {
    fake.reply({
      body: `: keep-alive\n\n: keep-alive\n\n${sse(
        chunk({ role: 'assistant', content: null, reasoning_content: 'Hmm.' }),
        chunk({ content: 'Hello' }),
        chunk({}, 'insufficient_system_resource', {
          usage: {
            prompt_tokens: 10,
            completion_tokens: 3,
            total_tokens: 13,
            prompt_cache_hit_tokens: 4,
            prompt_cache_miss_tokens: 6,
          },
        }),
        '[DONE]',
      )}`,
      sliceBytes: 5,
    });
    const stream = await client('deepseek').completion({
      model: 'deepseek/deepseek-reasoner',
      messages,
      stream: true,
    });
    await collect(stream);
    const final = await stream.finalResponse();
    expect(final.choices[0]).toMatchObject({
      message: { content: 'Hello', reasoning_content: 'Hmm.' },
      finish_reason: 'error',
      provider_finish_reason: 'insufficient_system_resource',
    });
    expect(final.usage?.prompt_cache_hit_tokens).toBe(4);
  });

  it('DeepSeek: parses a plain answer sent after blank lines, and a 402 is a PermissionDeniedError', async () => {
    const answer = {
      id: 'x',
      object: 'chat.completion',
      created: 1,
      model: 'deepseek-chat',
      choices: [
        { index: 0, message: { role: 'assistant', content: 'Hi!' }, finish_reason: 'stop' },
      ],
    };
    fake.reply({ body: `\n\n\n${JSON.stringify(answer)}` });
    const plain = await client('deepseek').completion({
      model: 'deepseek/deepseek-chat',
      messages,
    });
    expect(plain.choices[0]?.message.content).toBe('Hi!');
    fake.reply({
      status: 402,
      body: JSON.stringify({ error: { message: 'Insufficient Balance', type: 'unknown_error' } }),
    });
    const error = await rejectionOf(
      client('deepseek').completion({ model: 'deepseek/deepseek-chat', messages }),
    );
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect(error).toMatchObject({ retryable: false });
  });

  it('vLLM: survives a usage chunk with choices null, needs no key, and maps a flat error with an integer code', async () => {
    fake.reply({
      body: sse(
        chunk({ role: 'assistant', content: 'ok' }, 'stop'),
        {
          id: 'c1',
          object: 'chat.completion.chunk',
          created: 1,
          model: 'm',
          choices: null,
          usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
        },
        '[DONE]',
      ),
    });
    const local = createClient({ providers: { hosted_vllm: { apiBase: fake.url } } });
    const stream = await local.completion({
      model: 'hosted_vllm/meta-llama/Llama-3.1-8B-Instruct',
      messages,
      stream: true,
    });
    const chunks: ChatCompletionChunk[] = await collect(stream);
    expect(chunks.at(-1)?.choices).toEqual([]);
    expect((await stream.finalResponse()).usage?.total_tokens).toBe(4);
    expect(fake.requests.at(-1)?.headers.authorization).toBeUndefined();
    expect(fake.requests.at(-1)?.body.model).toBe('meta-llama/Llama-3.1-8B-Instruct');
    fake.reply({
      status: 400,
      body: JSON.stringify({
        object: 'error',
        message: 'max_tokens too large',
        type: 'BadRequestError',
        param: null,
        code: 400,
      }),
    });
    const error = await rejectionOf(local.completion({ model: 'hosted_vllm/m', messages }));
    expect((error as Error).message).toContain('max_tokens too large');
  });

  it('LM Studio: raises an error string sent with a 200', async () => {
    fake.reply({
      body: JSON.stringify({ error: 'Unexpected endpoint or method. (POST /chat/completions)' }),
    });
    const error = await rejectionOf(
      createClient({ providers: { lm_studio: { apiBase: fake.url } } }).completion({
        model: 'lm_studio/qwen3',
        messages,
      }),
    );
    expect((error as Error).message).toContain('Unexpected endpoint or method');
  });

  it('OpenRouter and Together: skip processing comments and keep org/model ids whole', async () => {
    fake.reply({
      body: `: OPENROUTER PROCESSING\n\n${sse(chunk({ role: 'assistant', content: 'Yes' }, 'stop'), '[DONE]')}`,
    });
    const routed = await client('openrouter').completion({
      model: 'openrouter/openai/gpt-4o',
      messages,
      stream: true,
    });
    await collect(routed);
    expect((await routed.finalResponse()).choices[0]?.message.content).toBe('Yes');
    expect(fake.requests.at(-1)?.body.model).toBe('openai/gpt-4o');
    fake.reply({ body: sse(chunk({ role: 'assistant', content: 'Sure' }, 'stop'), '[DONE]') });
    await collect(
      await client('together_ai').completion({
        model: 'together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo',
        messages,
        stream: true,
      }),
    );
    expect(fake.requests.at(-1)?.body.model).toBe('meta-llama/Llama-3.3-70B-Instruct-Turbo');
  });

  it('names the environment variable of each preset when its key is missing', async () => {
    const error = await rejectionOf(
      createClient().completion({ model: 'groq/llama-3.3-70b-versatile', messages }),
    );
    expect((error as Error).message).toContain('GROQ_API_KEY');
    expect(
      await rejectionOf(createClient().completion({ model: 'nope/model', messages })),
    ).toBeInstanceOf(ValidationError);
  });
});

/**
 * Ollama's native /api/chat against the fake server.
 *
 * There is no recorded Ollama fixture: the `written-ollama-*` transcripts were written by hand
 * from shared/docs/providers.md §6.1 (line shapes, nanosecond `created_at`, `done_reason`,
 * the eval counts, `{"error": "..."}` bodies), faithful to the shapes shown there.
 */
import {
  AuthenticationError,
  BadRequestError,
  type ChatCompletionChunk,
  type ChatMessage,
  type CompletionParams,
  createClient,
  IncompleteStreamError,
  InternalServerError,
  NotFoundError,
  RateLimitError,
  ValidationError,
} from 'shallot';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fixture, useFakeProvider } from '../../support/fake-provider.js';
import { collect, rejectionOf } from '../../support/streams.js';

const NDJSON = { 'content-type': 'application/x-ndjson' };
const messages: ChatMessage[] = [{ role: 'user', content: 'Why is the sky blue?' }];
const free = { inputCostPerToken: 0, outputCostPerToken: 0 };
const pricing = { 'ollama/llama3.2': free, 'ollama/qwen3': free, 'ollama/llama3.3': free };

const fake = useFakeProvider();
afterEach(() => {
  vi.unstubAllEnvs();
});

/** A client whose Ollama is the fake server, with no key (a local server needs none). */
function client(apiKey?: string) {
  return createClient({ pricing, providers: { ollama: { apiBase: fake.url, apiKey } } });
}

const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);
const lastRequest = () => fake.requests.at(-1);

describe('Ollama, non-streamed', () => {
  it('turns the /api/chat object into a chat.completion with usage from the eval counts', async () => {
    fake.reply({ body: fixture('written-ollama-chat.json') });
    const answer = await client().completion({ model: 'ollama/llama3.2', messages });
    expect(answer).toEqual({
      id: expect.stringMatching(/^chatcmpl-ollama-[0-9a-f]{24}$/),
      object: 'chat.completion',
      created: seconds('2025-01-15T10:30:00Z'),
      model: 'llama3.2',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content:
              'The sky looks blue because air scatters short blue wavelengths of sunlight more than red ones.',
          },
          finish_reason: 'stop',
          provider_finish_reason: 'stop',
          logprobs: null,
        },
      ],
      usage: { prompt_tokens: 26, completion_tokens: 19, total_tokens: 45 },
    });
  });

  it('posts to {apiBase}/api/chat with an explicit stream: false and no authorization without a key', async () => {
    fake.reply({ body: fixture('written-ollama-chat.json') });
    await client().completion({ model: 'ollama/llama3.2', messages, user: 'u-1' });
    expect(lastRequest()?.path).toBe('/v1/api/chat');
    expect(lastRequest()?.body).toEqual({ model: 'llama3.2', messages, stream: false });
    expect(lastRequest()?.headers.authorization).toBeUndefined();
    expect(lastRequest()?.headers.accept).toBe('application/json');
  });

  it('maps tool calls with a new id and JSON-string arguments, thinking to reasoning_content, and a missing prompt count to 0', async () => {
    fake.reply({ body: fixture('written-ollama-chat-tool-call.json') });
    const answer = await client().completion({ model: 'ollama/qwen3', messages });
    const choice = answer.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.provider_finish_reason).toBe('stop');
    expect(choice?.message.content).toBeNull();
    expect(choice?.message.reasoning_content).toBe(
      'The user wants the weather in Tokyo, so I call get_weather.',
    );
    expect(choice?.message.tool_calls).toEqual([
      {
        id: expect.stringMatching(/^call_[0-9a-f]{24}$/),
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Tokyo","unit":"celsius"}' },
      },
    ]);
    // A fully cached prompt omits prompt_eval_count.
    expect(answer.usage).toEqual({ prompt_tokens: 0, completion_tokens: 31, total_tokens: 31 });
  });

  it.each([
    ['length', 'length'],
    ['load', 'other'],
    ['unload', 'other'],
    ['something_new', 'other'],
  ])('maps done_reason %s to finish_reason %s and keeps the raw value', async (raw, mapped) => {
    fake.reply({
      body: JSON.stringify({
        model: 'llama3.2',
        created_at: '2025-01-15T10:30:00Z',
        message: { role: 'assistant', content: '' },
        done: true,
        done_reason: raw,
      }),
    });
    const answer = await client().completion({ model: 'ollama/llama3.2', messages });
    expect(answer.choices[0]?.finish_reason).toBe(mapped);
    expect(answer.choices[0]?.provider_finish_reason).toBe(raw);
    expect(answer.usage).toEqual({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });
  });

  it('keeps tool-call arguments that arrive as a string, and the id Ollama gave', async () => {
    fake.reply({
      body: JSON.stringify({
        model: 'llama3.2',
        message: {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [{ id: 'call_7', function: { name: 'f', arguments: '{"a":1}' } }],
        },
        done: true,
        done_reason: 'stop',
        prompt_eval_count: 3,
        eval_count: 4,
      }),
    });
    const answer = await client().completion({ model: 'ollama/llama3.2', messages });
    expect(answer.choices[0]?.message.content).toBe('Checking.');
    expect(answer.choices[0]?.message.tool_calls).toEqual([
      { id: 'call_7', type: 'function', function: { name: 'f', arguments: '{"a":1}' } },
    ]);
    expect(answer.usage).toEqual({ prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 });
  });
});

describe('Ollama, streamed (NDJSON)', () => {
  it('yields one chunk per line, in 5-byte slices, and assembles text, finish reason and usage', async () => {
    fake.reply({ body: fixture('written-ollama-stream.ndjson'), headers: NDJSON, sliceBytes: 5 });
    const stream = await client().completion({ model: 'ollama/llama3.2', messages, stream: true });
    const chunks = await collect(stream);

    const identity = {
      id: chunks[0]?.id,
      object: 'chat.completion.chunk',
      created: seconds('2025-01-15T10:32:00Z'),
      model: 'llama3.2',
    };
    expect(chunks[0]?.id).toMatch(/^chatcmpl-ollama-/);
    const choice = (delta: ChatCompletionChunk['choices'][number]['delta']) => ({
      ...identity,
      choices: [{ index: 0, delta, finish_reason: null }],
    });
    expect(chunks).toEqual([
      choice({ role: 'assistant', content: 'Grüße' }),
      choice({ content: ' aus' }),
      choice({ content: ' Köln ÷ Tokyo 🌸' }),
      {
        ...identity,
        choices: [{ index: 0, delta: {}, finish_reason: 'stop', provider_finish_reason: 'stop' }],
        usage: { prompt_tokens: 169, completion_tokens: 15, total_tokens: 184 },
      },
    ]);
    const final = await stream.finalResponse();
    expect(final.choices[0]?.message.content).toBe('Grüße aus Köln ÷ Tokyo 🌸');
    expect(final.choices[0]?.finish_reason).toBe('stop');
    expect(final.usage).toEqual({ prompt_tokens: 169, completion_tokens: 15, total_tokens: 184 });
    expect(lastRequest()?.body.stream).toBe(true);
    expect(lastRequest()?.headers.accept).toBe('application/x-ndjson');
  });

  it('streams thinking as reasoning_content, skips empty lines, and maps done_reason length', async () => {
    fake.reply({ body: fixture('written-ollama-stream-thinking.ndjson'), headers: NDJSON });
    const stream = await client().completion({ model: 'ollama/qwen3', messages, stream: true });
    const chunks = await collect(stream);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta)).toEqual([
      { role: 'assistant', reasoning_content: 'Count the' },
      { reasoning_content: ' letters first.' },
      { content: 'There are three' },
      {},
    ]);
    const final = await stream.finalResponse();
    expect(final.choices[0]?.message.reasoning_content).toBe('Count the letters first.');
    expect(final.choices[0]?.message.content).toBe('There are three');
    expect(final.choices[0]?.finish_reason).toBe('length');
    expect(final.choices[0]?.provider_finish_reason).toBe('length');
    expect(final.usage).toEqual({ prompt_tokens: 0, completion_tokens: 64, total_tokens: 64 });
  });

  it('turns whole tool calls into indexed deltas with ids, names and full arguments, finishing with tool_calls', async () => {
    fake.reply({
      body: fixture('written-ollama-stream-tool-calls.ndjson'),
      headers: NDJSON,
      sliceBytes: 13,
    });
    const stream = await client().completion({ model: 'ollama/llama3.2', messages, stream: true });
    const chunks = await collect(stream);
    const generatedId = chunks[1]?.choices[0]?.delta.tool_calls?.[1]?.id;
    expect(generatedId).toMatch(/^call_[0-9a-f]{24}$/);
    expect(chunks[1]?.choices[0]?.delta.tool_calls).toEqual([
      {
        index: 0,
        id: 'call_k2n4q8x1',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Tokyo"}' },
      },
      {
        index: 1,
        id: generatedId,
        type: 'function',
        function: {
          name: 'get_time',
          arguments: '{"timezone":"Asia/Tokyo","format":{"hours":24}}',
        },
      },
    ]);
    const final = await stream.finalResponse();
    const choice = final.choices[0];
    expect(choice?.message.content).toBe('Let me check.');
    expect(choice?.message.tool_calls).toEqual([
      {
        id: 'call_k2n4q8x1',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Tokyo"}' },
      },
      {
        id: generatedId,
        type: 'function',
        function: {
          name: 'get_time',
          arguments: '{"timezone":"Asia/Tokyo","format":{"hours":24}}',
        },
      },
    ]);
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.provider_finish_reason).toBe('stop');
    expect(final.usage).toEqual({ prompt_tokens: 212, completion_tokens: 41, total_tokens: 253 });
  });

  it('throws the error of an {"error"} line after the 200, with what arrived as partialResponse', async () => {
    fake.reply({ body: fixture('written-ollama-stream-error.ndjson'), headers: NDJSON });
    const stream = await client().completion({ model: 'ollama/llama3.2', messages, stream: true });
    const error = await rejectionOf(collect(stream));
    expect(error).toBeInstanceOf(InternalServerError);
    const failure = error as InternalServerError;
    expect(failure.status).toBeUndefined();
    expect(failure.retryable).toBe(true);
    expect(failure.message).toContain('an error in the stream');
    expect(failure.message).toContain('unexpected EOF');
    expect(failure.partialResponse?.choices[0]?.message.content).toBe('Once upon a time');
  });

  it('reports a stream that ends without its done line as incomplete', async () => {
    const lines = fixture('written-ollama-stream.ndjson').split('\n');
    fake.reply({ body: `${lines.slice(0, 2).join('\n')}\n`, headers: NDJSON });
    const stream = await client().completion({ model: 'ollama/llama3.2', messages, stream: true });
    const error = await rejectionOf(collect(stream));
    expect(error).toBeInstanceOf(IncompleteStreamError);
    expect((error as IncompleteStreamError).partialResponse?.choices[0]?.message.content).toBe(
      'Grüße aus',
    );
  });
});

describe('Ollama errors before the stream', () => {
  it('maps a 404 for a model not pulled to NotFoundError with the ollama pull fix', async () => {
    fake.reply({ status: 404, body: fixture('written-ollama-error-404.json') });
    const error = await rejectionOf(
      client().completion({ model: 'ollama/llama3.3', messages, stream: true }),
    );
    expect(error).toBeInstanceOf(NotFoundError);
    const failure = error as NotFoundError;
    expect(failure.status).toBe(404);
    expect(failure.retryable).toBe(false);
    expect(failure.providerCode).toBeUndefined();
    expect(failure.body).toEqual({ error: "model 'llama3.3' not found" });
    expect(failure.message).toContain("HTTP 404: model 'llama3.3' not found");
    expect(failure.message).toContain('ollama pull llama3.3');
  });

  it('maps a 429 to a retryable RateLimitError with the retry-after delay', async () => {
    fake.reply({
      status: 429,
      headers: { 'retry-after': '2' },
      body: JSON.stringify({ error: 'too many concurrent requests' }),
    });
    const error = await rejectionOf(client().completion({ model: 'ollama/llama3.2', messages }));
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryable).toBe(true);
    expect((error as RateLimitError).retryAfterMs).toBe(2000);
    expect((error as RateLimitError).message).toContain('too many concurrent requests');
  });

  it.each([
    [400, 'BadRequestError', false, BadRequestError],
    [500, 'InternalServerError', true, InternalServerError],
    [502, 'InternalServerError', true, InternalServerError],
  ])(
    'maps HTTP %i to %s (retryable: %s) with the error text as the message',
    async (status, _name, retryable, type) => {
      fake.reply({ status, body: JSON.stringify({ error: `failure ${status}` }) });
      const error = await rejectionOf(client().completion({ model: 'ollama/llama3.2', messages }));
      expect(error).toBeInstanceOf(type);
      expect((error as BadRequestError).retryable).toBe(retryable);
      expect((error as BadRequestError).message).toContain(`HTTP ${status}: failure ${status}.`);
    },
  );

  it('maps an {"error"} body that came with a 200 to a typed error instead of an answer', async () => {
    fake.reply({ body: JSON.stringify({ error: 'llama runner process has terminated' }) });
    const error = await rejectionOf(client().completion({ model: 'ollama/llama3.2', messages }));
    expect(error).toBeInstanceOf(InternalServerError);
    expect((error as InternalServerError).message).toContain('llama runner process has terminated');
  });

  it('fails for https://ollama.com without a key, naming OLLAMA_API_KEY, before any request', async () => {
    vi.stubEnv('OLLAMA_API_KEY', '');
    const error = await rejectionOf(
      createClient({ pricing }).completion({
        model: 'ollama/llama3.2',
        messages,
        apiBase: 'https://ollama.com',
        timeout: 1,
      }),
    );
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).message).toContain('OLLAMA_API_KEY');
    expect(fake.requests).toHaveLength(0);
  });
});

describe('Ollama request', () => {
  const image = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk';
  const weatherTool = {
    type: 'function' as const,
    function: {
      name: 'get_weather',
      description: 'Current weather for a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } } },
    },
  };
  const schema = { type: 'object', properties: { answer: { type: 'string' } } };

  it('sends messages, images, tools, JSON schema, stop, max tokens and sampling as Ollama expects', async () => {
    fake.reply({ body: fixture('written-ollama-stream.ndjson'), headers: NDJSON });
    const stream = await client('ollama-key-0123456789').completion({
      model: 'ollama/llama3.2',
      stream: true,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in JSON.' }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in this image? ' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${image}` } },
            { type: 'text', text: 'And the weather?' },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Tokyo"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '{"temp":21}' },
      ],
      tools: [weatherTool],
      tool_choice: 'auto',
      parallel_tool_calls: false,
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema } },
      stop: 'END',
      max_tokens: 256,
      temperature: 0.2,
      top_p: 0.9,
      top_k: 40,
      seed: 7,
      presence_penalty: 0.5,
      frequency_penalty: 0.25,
      user: 'u-1',
      think: false,
      keep_alive: '5m',
      options: { num_ctx: 8192, temperature: 1 },
      headers: { 'x-trace': 't-1' },
    });
    await collect(stream);
    expect(lastRequest()?.path).toBe('/v1/api/chat');
    expect(lastRequest()?.body).toEqual({
      model: 'llama3.2',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'system', content: 'Answer in JSON.' },
        { role: 'user', content: 'What is in this image? And the weather?', images: [image] },
        {
          role: 'assistant',
          content: '',
          tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Tokyo' } } }],
        },
        { role: 'tool', content: '{"temp":21}', tool_name: 'get_weather', tool_call_id: 'call_1' },
      ],
      tools: [weatherTool],
      format: schema,
      options: {
        num_ctx: 8192,
        temperature: 0.2,
        top_p: 0.9,
        top_k: 40,
        num_predict: 256,
        stop: ['END'],
        seed: 7,
        presence_penalty: 0.5,
        frequency_penalty: 0.25,
      },
      think: false,
      keep_alive: '5m',
      stream: true,
    });
    const headers = lastRequest()?.headers;
    expect(headers?.authorization).toBe('Bearer ollama-key-0123456789');
    expect(headers?.['content-type']).toBe('application/json');
    expect(headers?.['x-trace']).toBe('t-1');
  });

  it('sends json_object as format "json", no tools for tool_choice none, max_completion_tokens as num_predict and reasoning_effort as think', async () => {
    fake.reply({ body: fixture('written-ollama-chat.json') });
    await client().completion({
      model: 'ollama/llama3.2',
      messages,
      tools: [weatherTool],
      tool_choice: 'none',
      response_format: { type: 'json_object' },
      max_completion_tokens: 64,
      stop: ['A', 'B'],
      reasoning_effort: 'high',
    });
    expect(lastRequest()?.body).toEqual({
      model: 'llama3.2',
      messages,
      format: 'json',
      options: { num_predict: 64, stop: ['A', 'B'] },
      think: 'high',
      stream: false,
    });
  });

  it('takes the base URL from OLLAMA_API_BASE and the key from OLLAMA_API_KEY', async () => {
    vi.stubEnv('OLLAMA_API_BASE', fake.url);
    vi.stubEnv('OLLAMA_API_KEY', 'env-key-0123456789');
    fake.reply({ body: fixture('written-ollama-chat.json') });
    await createClient({ pricing }).completion({ model: 'ollama/llama3.2', messages });
    expect(lastRequest()?.path).toBe('/v1/api/chat');
    expect(lastRequest()?.headers.authorization).toBe('Bearer env-key-0123456789');
  });

  it.each([
    [
      'an https image URL',
      {
        messages: [
          {
            role: 'user',
            content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }],
          },
        ],
      },
      'messages[0].content[0].image_url.url',
      /received "https:\/\/example.com\/cat.png". Pass a data: URL; Ollama takes base64 images/,
    ],
    [
      'an audio part',
      {
        messages: [
          {
            role: 'user',
            content: [{ type: 'input_audio', input_audio: { data: 'x', format: 'wav' } }],
          },
        ],
      },
      'messages[0].content[0]',
      /received a part of type "input_audio". Remove it/,
    ],
    ['tool_choice required', { tool_choice: 'required' }, 'tool_choice', /received "required"/],
    [
      'a named tool_choice',
      { tool_choice: { type: 'function', function: { name: 'get_weather' } } },
      'tool_choice',
      /Ollama has no tool_choice.*Drop tool_choice/,
    ],
    ['n = 2', { n: 2 }, 'n', /expected 1 .*received 2\. Make 2 separate calls/],
    ['a logit_bias', { logit_bias: { '50256': -100 } }, 'logit_bias', /Remove logit_bias/],
  ])('rejects %s with a ValidationError before any request', async (_what, params, field, fix) => {
    const error = await rejectionOf(
      client().completion({
        model: 'ollama/llama3.2',
        messages,
        tools: [weatherTool],
        ...params,
      } as CompletionParams),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(field);
    expect((error as ValidationError).message).toMatch(fix);
    expect(fake.requests).toHaveLength(0);
  });
});

/**
 * The Anthropic Messages request shallot sends for an OpenAI Chat request, as the fake
 * server received it, and the requests it refuses before any network call.
 */
import { type ChatMessage, createClient, ValidationError } from 'shallot';
import { describe, expect, it } from 'vitest';
import { fixture, useFakeProvider } from '../../support/fake-provider.js';
import { collect, rejectionOf } from '../../support/streams.js';

const API_KEY = 'sk-ant-test-0123456789abcdef';
const MODEL = 'anthropic/claude-sonnet-4-5';
const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const messages: ChatMessage[] = [{ role: 'user', content: 'Hi' }];

const fake = useFakeProvider({ reply: { body: fixture('anthropic-messages.json') } });

const client = () =>
  createClient({
    providers: {
      anthropic: { apiKey: API_KEY, apiBase: fake.url, headers: { 'anthropic-beta': 'x-2025' } },
    },
  });
const lastBody = () => fake.requests.at(-1)?.body;

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

describe('Anthropic request', () => {
  it('sends system, images, tools, tool_choice, a prior tool call, grouped tool results, JSON mode, stop and max tokens', async () => {
    await client().completion({
      model: MODEL,
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Weather where these were taken?' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
            { type: 'image_url', image_url: { url: 'https://example.com/paris.jpg' } },
          ],
        },
        {
          role: 'assistant',
          content: 'Checking both.',
          tool_calls: [
            {
              id: 'toolu_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
            },
            { id: 'toolu_2', type: 'function', function: { name: 'get_weather', arguments: '' } },
          ],
        },
        { role: 'tool', tool_call_id: 'toolu_1', content: '18°C, sunny' },
        {
          role: 'tool',
          tool_call_id: 'toolu_2',
          content: [{ type: 'text', text: 'unknown city' }],
        },
        { role: 'user', content: 'And tomorrow?' },
      ],
      tools: [weatherTool, { type: 'function', function: { name: 'get_time' } }],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      parallel_tool_calls: false,
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'forecast',
          schema: { type: 'object', properties: { t: { type: 'number' } } },
        },
      },
      stop: ['END'],
      max_tokens: 512,
      temperature: 0.3,
      top_p: 0.9,
      user: 'user-42',
      seed: 7,
      presence_penalty: 0.5,
      frequency_penalty: 0.5,
      logit_bias: { '50256': -100 },
      top_k: 40,
      metadata: { team: 'shallot options never reach the provider' },
    });
    expect(lastBody()).toEqual({
      model: 'claude-sonnet-4-5',
      system: 'You are terse.\n\nAnswer in French.',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Weather where these were taken?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/paris.jpg' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Checking both.' },
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
            { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: {} },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: '18°C, sunny' },
            { type: 'tool_result', tool_use_id: 'toolu_2', content: 'unknown city' },
          ],
        },
        { role: 'user', content: 'And tomorrow?' },
      ],
      tools: [
        {
          name: 'get_weather',
          description: 'Weather for a city',
          input_schema: {
            type: 'object',
            properties: { city: { type: 'string' } },
            required: ['city'],
          },
        },
        { name: 'get_time', input_schema: { type: 'object', properties: {} } },
      ],
      tool_choice: { type: 'tool', name: 'get_weather', disable_parallel_tool_use: true },
      output_config: {
        format: {
          type: 'json_schema',
          schema: { type: 'object', properties: { t: { type: 'number' } } },
        },
      },
      stop_sequences: ['END'],
      max_tokens: 512,
      temperature: 0.3,
      top_p: 0.9,
      top_k: 40,
      metadata: { user_id: 'user-42' },
    });
    const headers = fake.requests.at(-1)?.headers;
    expect(headers?.['x-api-key']).toBe(API_KEY);
    expect(headers?.['anthropic-version']).toBe('2023-06-01');
    expect(headers?.['anthropic-beta']).toBe('x-2025');
  });

  it('defaults max_tokens to 4096, takes max_completion_tokens, and adds a thinking budget to the default', async () => {
    await client().completion({ model: MODEL, messages });
    expect(lastBody()?.max_tokens).toBe(4096);
    await client().completion({ model: MODEL, messages, max_completion_tokens: 300 });
    expect(lastBody()?.max_tokens).toBe(300);
    const thinking = { type: 'enabled', budget_tokens: 2048 };
    await client().completion({ model: MODEL, messages, thinking });
    expect(lastBody()).toMatchObject({ max_tokens: 6144, thinking });
  });

  it.each([
    ['auto', undefined, { type: 'auto' }],
    ['required', undefined, { type: 'any' }],
    ['none', undefined, { type: 'none' }],
    [undefined, false, { type: 'auto', disable_parallel_tool_use: true }],
    ['none', false, { type: 'none' }],
    [undefined, undefined, undefined],
  ] as const)(
    'maps tool_choice %s with parallel_tool_calls %s',
    async (choice, parallel, expected) => {
      await client().completion({
        model: MODEL,
        messages,
        tools: [weatherTool],
        tool_choice: choice,
        parallel_tool_calls: parallel,
      });
      expect(lastBody()?.tool_choice).toEqual(expected);
    },
  );

  it('asks for a JSON object with json_object, turns a single stop string into a list, and streams with stream: true', async () => {
    await collect(
      await client().completion({
        model: MODEL,
        messages,
        response_format: { type: 'json_object' },
        stop: 'END',
        stream: true,
        stream_options: { include_usage: true },
      }),
    );
    expect(lastBody()).toEqual({
      model: 'claude-sonnet-4-5',
      messages: [{ role: 'user', content: 'Hi' }],
      max_tokens: 4096,
      output_config: { format: { type: 'json_schema', schema: { type: 'object' } } },
      stop_sequences: ['END'],
      stream: true,
    });
  });

  it('sends thinking blocks back first and unchanged in their assistant turn', async () => {
    const thinkingBlocks = [
      { type: 'thinking', thinking: 'Call the tool.', signature: 'sig-abc' },
      { type: 'redacted_thinking', data: 'opaque' },
    ];
    await client().completion({
      model: MODEL,
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'toolu_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
            },
          ],
          thinking_blocks: thinkingBlocks,
        } as ChatMessage,
        { role: 'tool', tool_call_id: 'toolu_1', content: 'sunny' },
      ],
      tools: [weatherTool],
    });
    expect((lastBody()?.messages as unknown[] | undefined)?.[1]).toEqual({
      role: 'assistant',
      content: [
        ...thinkingBlocks,
        { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
      ],
    });
  });

  it('keeps cache_control on system and user parts, sending the system as blocks then', async () => {
    const marker = { type: 'ephemeral' };
    await client().completion({
      model: MODEL,
      messages: [
        {
          role: 'system',
          content: [{ type: 'text', text: 'Long rules.', cache_control: marker } as never],
        },
        { role: 'user', content: [{ type: 'text', text: 'Hi', cache_control: marker } as never] },
      ],
    });
    expect(lastBody()).toMatchObject({
      system: [{ type: 'text', text: 'Long rules.', cache_control: marker }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi', cache_control: marker }] }],
    });
  });

  it('sends a PDF file part as a base64 document block', async () => {
    await client().completion({
      model: MODEL,
      messages: [
        {
          role: 'user',
          content: [
            {
              type: 'file',
              file: { filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' },
            },
          ],
        },
      ],
    });
    expect(lastBody()?.messages).toEqual([
      {
        role: 'user',
        content: [
          {
            type: 'document',
            source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' },
          },
        ],
      },
    ]);
  });
});

describe('Anthropic request validation', () => {
  it.each([
    ['n', { n: 2 }, /n: expected 1.*received 2/],
    ['logprobs', { logprobs: true }, /logprobs: expected false/],
    [
      'temperature',
      { temperature: 1.5 },
      /temperature: expected a number from 0 to 1.*received 1\.5/,
    ],
    ['reasoning_effort', { reasoning_effort: 'high' }, /reasoning_effort:.*thinking/],
  ])('refuses %s before any network call', async (field, extra, message) => {
    const error = await rejectionOf(client().completion({ model: MODEL, messages, ...extra }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(field);
    expect((error as Error).message).toMatch(message);
    expect(fake.requests).toHaveLength(0);
  });

  it('names the field of tool-call arguments that are not a JSON object', async () => {
    const error = await rejectionOf(
      client().completion({
        model: MODEL,
        messages: [
          { role: 'user', content: 'Hi' },
          {
            role: 'assistant',
            tool_calls: [
              { id: 't', type: 'function', function: { name: 'f', arguments: '{"cut' } },
            ],
          },
        ],
      }),
    );
    expect((error as ValidationError).field).toBe('messages[1].tool_calls[0].function.arguments');
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses audio parts and image URLs that are neither base64 data nor http(s)', async () => {
    const audio = await rejectionOf(
      client().completion({
        model: MODEL,
        messages: [
          {
            role: 'user',
            content: [{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }],
          },
        ],
      }),
    );
    expect((audio as ValidationError).field).toBe('messages[0].content[0].type');
    const image = await rejectionOf(
      client().completion({
        model: MODEL,
        messages: [
          {
            role: 'user',
            content: [{ type: 'image_url', image_url: { url: 'ftp://host/a.png' } }],
          },
        ],
      }),
    );
    expect((image as ValidationError).field).toBe('messages[0].content[0].image_url.url');
    expect(fake.requests).toHaveLength(0);
  });
});

/**
 * Every provider that speaks OpenAI's format sends images, tools, tool results and JSON mode
 * unchanged, reads tool calls back, and prices its streamed usage.
 */
import { createClient } from 'shallot';
import { describe, expect, it } from 'vitest';
import { fixture, useFakeProvider } from '../../support/fake-provider.js';
import { collect } from '../../support/streams.js';

const OPENAI_FORMAT = [
  'openai',
  'azure',
  'groq',
  'mistral',
  'deepseek',
  'together_ai',
  'openrouter',
  'xai',
  'hosted_vllm',
  'lm_studio',
];

const fake = useFakeProvider();

const clientFor = (provider: string) =>
  createClient({
    providers: {
      [provider]: {
        apiKey: 'sk-format-123456',
        apiBase: provider === 'azure' ? fake.url.replace(/\/v1$/, '') : fake.url,
        apiVersion: '2024-10-21',
      },
    },
    pricing: { [`${provider}/m`]: { inputCostPerToken: 1e-6, outputCostPerToken: 2e-6 } },
  });

const image = 'data:image/png;base64,iVBORw0KGgo=';
const conversation = [
  { role: 'system' as const, content: 'Be brief.' },
  {
    role: 'user' as const,
    content: [
      { type: 'text' as const, text: 'What is in this picture?' },
      { type: 'image_url' as const, image_url: { url: image } },
    ],
  },
  {
    role: 'assistant' as const,
    content: null,
    tool_calls: [
      {
        id: 'call_1',
        type: 'function' as const,
        function: { name: 'look', arguments: '{"zoom":2}' },
      },
    ],
  },
  { role: 'tool' as const, tool_call_id: 'call_1', content: 'a red onion' },
];
const tools = [
  {
    type: 'function' as const,
    function: { name: 'look', parameters: { type: 'object', properties: {} } },
  },
];

describe.each(OPENAI_FORMAT)('%s (OpenAI format)', (provider) => {
  it('sends images, tools, tool results, tool_choice, stop and JSON mode as OpenAI does', async () => {
    fake.reply({ body: fixture('openai-chat.json') });
    await clientFor(provider).completion({
      model: `${provider}/m`,
      messages: conversation,
      tools,
      tool_choice: 'auto',
      stop: ['END'],
      max_tokens: 64,
      response_format: { type: 'json_object' },
    });
    expect(fake.requests.at(-1)?.body).toEqual({
      model: 'm',
      messages: conversation,
      tools,
      tool_choice: 'auto',
      stop: ['END'],
      max_tokens: 64,
      response_format: { type: 'json_object' },
    });
  });

  it('reads streamed tool calls, and usage from the stream, priced', async () => {
    fake.reply({ body: fixture('openai-chat-stream-tool-calls.sse') });
    const ends: Array<number | null | undefined> = [];
    const client = clientFor(provider);
    client.use(async (ctx, next) => {
      ctx.onEnd(() => ends.push(ctx.cost?.total));
      await next();
    });
    const stream = await client.completion({
      model: `${provider}/m`,
      messages: conversation,
      tools,
      stream: true,
    });
    await collect(stream);
    const final = await stream.finalResponse();
    expect(final.choices[0]?.message.tool_calls?.map((call) => call.function.name)).toEqual([
      'GetWeatherArgs',
      'get_stock_price',
    ]);
    expect(final.usage).toMatchObject({ prompt_tokens: 149, completion_tokens: 60 });
    expect(ends[0]).toBeCloseTo(149e-6 + 60 * 2e-6, 15);
  });
});

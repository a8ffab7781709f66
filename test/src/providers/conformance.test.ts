/**
 * The same callback sequence for every provider: a call gives pre, post, success; a stream
 * gives pre, post, one stream event per chunk, success; a failure gives pre, post, failure.
 * Each provider replays its own wire format (recorded where a recording exists).
 */
import { type CallbackKwargs, createClient, type ProviderOptions, ShallotError } from 'shallot';
import { describe, expect, it } from 'vitest';
import { ConformanceHandler } from '../../support/conformance-handler.js';
import { type FakeReply, fixture, sse, useFakeProvider } from '../../support/fake-provider.js';
import { collect } from '../../support/streams.js';

interface ProviderCase {
  provider: string;
  model: string;
  /** The provider's settings, `apiBase` excepted. */
  settings?: ProviderOptions;
  plain: FakeReply;
  stream: FakeReply;
  failure: FakeReply;
}

const openAIChunk = (delta: object, finish: string | null = null) => ({
  id: 'c',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'm',
  choices: [{ index: 0, delta, finish_reason: finish }],
});
const openAIStream = sse(
  openAIChunk({ role: 'assistant', content: 'Hi' }),
  openAIChunk({ content: ' there' }),
  openAIChunk({}, 'stop'),
  {
    ...openAIChunk({}),
    choices: [],
    usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
  },
  '[DONE]',
);
const rateLimited: FakeReply = {
  status: 429,
  headers: { 'retry-after': '1' },
  body: JSON.stringify({
    error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' },
  }),
};

const PROVIDER_CASES: ProviderCase[] = [
  {
    provider: 'openai',
    model: 'openai/gpt-4o',
    plain: { body: fixture('openai-chat.json') },
    stream: { body: fixture('openai-chat-stream-usage.sse') },
    failure: { status: 429, body: fixture('openai-error-429-insufficient-quota.json') },
  },
  {
    provider: 'azure',
    model: 'azure/prod-gpt4o',
    settings: { apiVersion: '2024-10-21' },
    plain: { body: fixture('openai-chat.json') },
    stream: { body: fixture('azure-chat-stream-content-filter.sse') },
    failure: rateLimited,
  },
  {
    provider: 'anthropic',
    model: 'anthropic/claude-sonnet-4-5',
    plain: { body: fixture('anthropic-messages.json') },
    stream: { body: fixture('anthropic-messages-stream-tool-use.sse') },
    failure: {
      status: 529,
      body: JSON.stringify({
        type: 'error',
        error: { type: 'overloaded_error', message: 'Overloaded' },
      }),
    },
  },
  {
    provider: 'gemini',
    model: 'gemini/gemini-2.5-flash',
    plain: { body: fixture('gemini-generate-content-tool-call.json') },
    stream: { body: fixture('gemini-stream.sse') },
    failure: { status: 429, body: fixture('gemini-error-429.json') },
  },
  {
    provider: 'ollama',
    model: 'ollama/llama3.2',
    plain: { body: fixture('written-ollama-chat.json') },
    stream: {
      body: fixture('written-ollama-stream.ndjson'),
      headers: { 'content-type': 'application/x-ndjson' },
    },
    failure: { status: 404, body: fixture('written-ollama-error-404.json') },
  },
  ...[
    'groq',
    'mistral',
    'deepseek',
    'together_ai',
    'openrouter',
    'xai',
    'hosted_vllm',
    'lm_studio',
  ].map(
    (provider): ProviderCase => ({
      provider,
      model: `${provider}/some-model`,
      plain: { body: fixture('openai-chat.json') },
      stream: { body: openAIStream },
      failure: rateLimited,
    }),
  ),
];

const fake = useFakeProvider();

function clientFor(testCase: ProviderCase) {
  const handler = new ConformanceHandler();
  const client = createClient({
    providers: {
      [testCase.provider]: {
        apiKey: 'sk-conformance-123456',
        ...testCase.settings,
        apiBase: fakeBase(testCase),
      },
    },
    pricing: { [testCase.model]: { inputCostPerToken: 1e-6, outputCostPerToken: 1e-6 } },
  });
  client.callbacks = [handler];
  return { client, handler };
}

/** Azure takes the resource URL; everyone else the fake's /v1 base. */
function fakeBase(testCase: ProviderCase): string {
  return testCase.provider === 'azure' ? fake.url.replace(/\/v1$/, '') : fake.url;
}

describe.each(PROVIDER_CASES)('callback conformance: $provider', (testCase) => {
  const messages = [{ role: 'user' as const, content: 'Hello' }];

  it('a call gives pre, post, success', async () => {
    fake.reply(testCase.plain);
    const { client, handler } = clientFor(testCase);
    await client.completion({ model: testCase.model, messages });
    await client.flush();
    expect(handler.errors).toEqual([]);
    expect(handler.states).toEqual(['async_pre_api_call', 'post_api_call', 'async_success']);
    expect((handler.seen.at(-1) as CallbackKwargs).litellm_params.custom_llm_provider).toBe(
      testCase.provider,
    );
  });

  it('a stream gives pre, post, one stream event per chunk, and one success with the complete response', async () => {
    fake.reply(testCase.stream);
    const { client, handler } = clientFor(testCase);
    const stream = await client.completion({ model: testCase.model, messages, stream: true });
    const chunks = await collect(stream);
    await client.flush();
    expect(handler.errors).toEqual([]);
    expect(handler.states).toEqual([
      'async_pre_api_call',
      'post_api_call',
      ...chunks.map(() => 'async_stream'),
      'async_success',
    ]);
    expect(handler.seen.at(-1)?.complete_streaming_response).toEqual(await stream.finalResponse());
    expect(handler.seen.at(-1)?.response_cost).toBeGreaterThan(0);
  });

  it('a failure gives pre, post, failure, with a typed error', async () => {
    fake.reply(testCase.failure);
    const { client, handler } = clientFor(testCase);
    await expect(client.completion({ model: testCase.model, messages })).rejects.toBeInstanceOf(
      ShallotError,
    );
    await client.flush();
    expect(handler.errors).toEqual([]);
    expect(handler.states).toEqual(['async_pre_api_call', 'post_api_call', 'async_failure']);
  });
});

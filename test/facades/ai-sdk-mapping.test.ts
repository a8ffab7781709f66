import type { LanguageModelV3StreamPart } from '@ai-sdk/provider';
import {
  generateText,
  type ModelMessage,
  stepCountIs,
  streamObject,
  streamText,
  type TextStreamPart,
  type ToolSet,
  tool,
} from 'ai';
import {
  AbortError,
  Cache,
  isRateLimitError,
  RateLimitError,
  ServiceUnavailableError,
  ValidationError,
} from 'shallot';
import { createShallot } from 'shallot/ai-sdk';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { fixture, useFakeProvider } from '../support/fake-provider.js';
import { rejectionOf } from '../support/streams.js';
import { costOf, recordingClient } from './ai-sdk-clients.js';
import { sdkUsage } from './ai-sdk-wires.js';

const fake = useFakeProvider({ reply: { body: fixture('openai-chat.json') } });

async function partsOf(stream: AsyncIterable<TextStreamPart<ToolSet>>) {
  const parts: Array<TextStreamPart<ToolSet>> = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

describe('the prompt and the settings, as shallot sends them', () => {
  it('sends system, user text, an image URL, image bytes, a PDF, audio, assistant tool calls and tool results as OpenAI messages', async () => {
    const { client } = recordingClient(fake);
    const shallot = createShallot({ client });
    const messages: ModelMessage[] = [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in these?' },
          { type: 'image', image: new URL('https://example.com/cat.png') },
          { type: 'image', image: new Uint8Array([1, 2, 3]), mediaType: 'image/png' },
          {
            type: 'file',
            data: new Uint8Array([37, 80, 68, 70]),
            mediaType: 'application/pdf',
            filename: 'doc.pdf',
          },
          { type: 'file', data: 'UklGRg==', mediaType: 'audio/wav' },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Let me look.' },
          { type: 'tool-call', toolCallId: 'call_1', toolName: 'lookup', input: { q: 'cat' } },
        ],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'call_1',
            toolName: 'lookup',
            output: { type: 'json', value: { found: true } },
          },
        ],
      },
      { role: 'user', content: 'Thanks' },
    ];

    await generateText({ model: shallot('openai/gpt-4o-mini'), system: 'Be brief.', messages });

    expect(fake.requests[0]?.body.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in these?' },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,AQID' } },
          {
            type: 'file',
            file: { file_data: 'data:application/pdf;base64,JVBERg==', filename: 'doc.pdf' },
          },
          { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } },
        ],
      },
      {
        role: 'assistant',
        content: 'Let me look.',
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'lookup', arguments: '{"q":"cat"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '{"found":true}' },
      { role: 'user', content: 'Thanks' },
    ]);
  });

  it('sends the standard settings, tools and tool choice in OpenAI names, maxOutputTokens as max_completion_tokens for OpenAI', async () => {
    const { client } = recordingClient(fake);
    const model = createShallot({ client })('openai/gpt-4o-mini');

    const result = await model.doGenerate({
      prompt: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
      maxOutputTokens: 100,
      temperature: 0.3,
      topP: 0.9,
      presencePenalty: 0.1,
      frequencyPenalty: 0.2,
      stopSequences: ['END'],
      seed: 7,
      responseFormat: { type: 'json' },
      headers: { 'x-tenant': 'acme', 'x-unset': undefined },
      tools: [
        {
          type: 'function',
          name: 'lookup',
          description: 'Looks a word up',
          inputSchema: { type: 'object', properties: { q: { type: 'string' } } },
          strict: true,
        },
        { type: 'provider', id: 'openai.web_search', name: 'web_search', args: {} },
      ],
      toolChoice: { type: 'tool', toolName: 'lookup' },
    });

    const { messages: _messages, ...body } = fake.requests[0]?.body ?? {};
    expect(body).toEqual({
      model: 'gpt-4o-mini',
      max_completion_tokens: 100,
      temperature: 0.3,
      top_p: 0.9,
      presence_penalty: 0.1,
      frequency_penalty: 0.2,
      stop: ['END'],
      seed: 7,
      response_format: { type: 'json_object' },
      tools: [
        {
          type: 'function',
          function: {
            name: 'lookup',
            description: 'Looks a word up',
            parameters: { type: 'object', properties: { q: { type: 'string' } } },
            strict: true,
          },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'lookup' } },
    });
    expect(fake.requests[0]?.headers['x-tenant']).toBe('acme');
    expect(result.warnings).toEqual([
      {
        type: 'unsupported',
        feature: 'provider-defined tool openai.web_search',
        details: 'shallot sends function tools only; this tool was left out.',
      },
    ]);
  });

  it('sends maxOutputTokens as max_tokens, topK as top_k and the system prompt to Anthropic, tool choice required as any', async () => {
    fake.reply({ body: fixture('anthropic-messages.json') });
    const { client } = recordingClient(fake);
    const model = createShallot({ client })('anthropic/claude-sonnet-4-5');

    await model.doGenerate({
      prompt: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
      ],
      maxOutputTokens: 50,
      topK: 40,
      tools: [{ type: 'function', name: 'lookup', inputSchema: { type: 'object' } }],
      toolChoice: { type: 'required' },
    });

    const body = fake.requests[0]?.body ?? {};
    expect(body).toMatchObject({ system: 'Be brief.', max_tokens: 50, top_k: 40 });
    expect(body.tool_choice).toEqual({ type: 'any' });
  });

  it('lets the AI SDK download image URLs for Gemini and Ollama, which take none by URL', () => {
    const shallot = createShallot({ client: recordingClient(fake).client });
    expect(shallot('gemini/gemini-2.5-flash').supportedUrls).toEqual({});
    expect(shallot('ollama/llama3.2').supportedUrls).toEqual({});
    expect(shallot('openai/gpt-4o-mini').supportedUrls).toEqual({ 'image/*': [/^https?:\/\/.*$/] });
  });
});

describe('shallot options per provider, model and call', () => {
  it('passes providerOptions.shallot to the call: metadata to the callbacks, the trace id, provider parameters as they are', async () => {
    const { client, events } = recordingClient(fake);
    const shallot = createShallot({ client });

    const result = await generateText({
      model: shallot('openai/gpt-4o-mini'),
      prompt: 'Hi',
      providerOptions: {
        shallot: { metadata: { user: 'ann' }, traceId: 'trace-7', reasoning_effort: 'low' },
      },
    });

    expect(fake.requests[0]?.body.reasoning_effort).toBe('low');
    expect(result.providerMetadata?.shallot?.traceId).toBe('trace-7');
    await client.flush();
    expect(events.map((event) => event.metadata)).toEqual([{ user: 'ann' }]);
  });

  it("merges the provider's settings, the model's, the call's and its providerOptions.shallot, metadata key by key", async () => {
    const { client, events } = recordingClient(fake);
    const shallot = createShallot({
      client,
      settings: { metadata: { app: 'docs' }, temperature: 0.1, user: 'provider-user' },
    });
    const model = shallot('openai/gpt-4o-mini', { metadata: { team: 'search' }, temperature: 0.2 });

    await generateText({
      model,
      prompt: 'Hi',
      temperature: 0.5,
      providerOptions: { shallot: { metadata: { user: 'ann' } } },
    });

    expect(fake.requests[0]?.body).toMatchObject({ temperature: 0.5, user: 'provider-user' });
    await client.flush();
    expect(events.map((event) => event.metadata)).toEqual([
      { app: 'docs', team: 'search', user: 'ann' },
    ]);
  });

  it('refuses a providerOptions.shallot key the AI SDK call sets, before any request', async () => {
    const shallot = createShallot({ client: recordingClient(fake).client });

    const error = await rejectionOf(
      generateText({
        model: shallot('openai/gpt-4o-mini'),
        prompt: 'Hi',
        providerOptions: { shallot: { messages: [] } },
      }),
    );

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('providerOptions.shallot.messages');
    expect(fake.requests).toHaveLength(0);
  });

  it('answers from mockResponse in providerOptions.shallot without the network, every layer still running', async () => {
    const { client, events } = recordingClient(fake);
    const shallot = createShallot({ client });

    const plain = await generateText({
      model: shallot('openai/gpt-4o-mini'),
      prompt: 'Hi',
      providerOptions: { shallot: { mockResponse: 'Hello from the mock' } },
    });
    const streamed = streamText({
      model: shallot('openai/gpt-4o-mini'),
      prompt: 'Hi',
      providerOptions: { shallot: { mockResponse: 'Streamed from the mock' } },
    });

    expect(plain.text).toBe('Hello from the mock');
    expect(await streamed.text).toBe('Streamed from the mock');
    expect(fake.requests).toHaveLength(0);
    await client.flush();
    expect(events.map((event) => event.event)).toEqual(['success', 'success']);
  });

  it('answers a repeated call from the client cache: no request, cost 0, cacheStatus hit', async () => {
    const { client } = recordingClient(fake);
    client.cache = new Cache();
    const shallot = createShallot({ client });

    const first = await generateText({ model: shallot('openai/gpt-4o-mini'), prompt: 'Hi' });
    const second = await generateText({ model: shallot('openai/gpt-4o-mini'), prompt: 'Hi' });

    expect(second.text).toBe(first.text);
    expect(fake.requests).toHaveLength(1);
    expect(first.providerMetadata?.shallot).toMatchObject({
      cacheStatus: 'miss',
      cost: expect.any(Number),
    });
    expect(second.providerMetadata?.shallot).toMatchObject({ cacheStatus: 'hit', cost: 0 });
  });
});

describe('errors and retries', () => {
  const tooManyRequests = {
    status: 429,
    headers: { 'retry-after-ms': '1' },
    body: JSON.stringify({
      error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' },
    }),
  };

  it("retries a 429 numRetries times in shallot; the AI SDK's maxRetries adds none and gets the RateLimitError as it is", async () => {
    fake.reply(tooManyRequests);
    const { client, events, retried } = recordingClient(fake, { numRetries: 2 });
    const shallot = createShallot({ client });

    const error = await rejectionOf(
      generateText({ model: shallot('openai/gpt-4o-mini'), prompt: 'Hi', maxRetries: 5 }),
    );

    expect(error).toBeInstanceOf(RateLimitError);
    expect(isRateLimitError(error) && error.retryable).toBe(true);
    expect(fake.requests).toHaveLength(3);
    await client.flush();
    expect(retried).toEqual(['RateLimitError', 'RateLimitError']);
    expect(events.map(({ event, error }) => ({ event, error }))).toEqual([
      { event: 'failure', error: 'RateLimitError' },
    ]);
  });

  it('rejects with an AbortError when the AI SDK call is aborted before the answer, and sends it once', async () => {
    fake.reply({ hang: true });
    const { client, events } = recordingClient(fake);
    const shallot = createShallot({ client });
    const controller = new AbortController();

    const call = generateText({
      model: shallot('openai/gpt-4o-mini'),
      prompt: 'Hi',
      abortSignal: controller.signal,
    });
    await vi.waitFor(() => expect(fake.requests).toHaveLength(1));
    controller.abort();
    const error = await rejectionOf(call);

    expect(error).toBeInstanceOf(AbortError);
    await fake.clientGone(0);
    expect(fake.requests).toHaveLength(1);
    await client.flush();
    expect(events.map(({ event, error }) => ({ event, error }))).toEqual([
      { event: 'failure', error: 'AbortError' },
    ]);
  });

  it('turns a failure mid-stream into an error part and a finish with reason error; the call fails once', async () => {
    fake.reply({ body: fixture('written-anthropic-stream-overloaded.sse') });
    const { client, events } = recordingClient(fake);
    const shallot = createShallot({ client });
    const errors: unknown[] = [];

    const result = streamText({
      model: shallot('anthropic/claude-sonnet-4-5'),
      prompt: 'The capital of France?',
      onError: ({ error }) => {
        errors.push(error);
      },
    });
    const parts = await partsOf(result.fullStream);

    expect(parts.flatMap((part) => (part.type === 'text-delta' ? [part.text] : []))).toEqual([
      'The capital of France',
      ' is',
    ]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(ServiceUnavailableError);
    const finish = parts.find((part) => part.type === 'finish-step');
    expect(finish).toMatchObject({ finishReason: 'error' });
    await client.flush();
    expect(events.map(({ event, error }) => ({ event, error }))).toEqual([
      { event: 'failure', error: 'ServiceUnavailableError' },
    ]);
  });

  it('ends the call once, as an AbortError, when the AI SDK cancels the parts stream', async () => {
    fake.reply({ body: fixture('openai-chat-stream-usage.sse'), holdOpen: true, sliceBytes: 400 });
    const { client, events } = recordingClient(fake);
    const model = createShallot({ client })('openai/gpt-4o-mini');

    const { stream } = await model.doStream({
      prompt: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    });
    const reader = stream.getReader();
    const first: LanguageModelV3StreamPart[] = [];
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      first.push(read.value);
      if (read.value.type === 'text-delta') break;
    }
    await reader.cancel();

    expect(first.map((part) => part.type)).toEqual([
      'stream-start',
      'response-metadata',
      'text-start',
      'text-delta',
    ]);
    await client.flush();
    expect(events.map(({ event, error }) => ({ event, error }))).toEqual([
      { event: 'failure', error: 'AbortError' },
    ]);
  });

  it('refuses a thought signature in the prompt that is not the string a result gave', async () => {
    const shallot = createShallot({ client: recordingClient(fake).client });

    const error = await rejectionOf(
      generateText({
        model: shallot('gemini/gemini-2.5-flash'),
        messages: [
          { role: 'user', content: 'Weather?' },
          {
            role: 'assistant',
            content: [
              {
                type: 'tool-call',
                toolCallId: 'call_1',
                toolName: 'get_weather',
                input: {},
                providerOptions: { shallot: { thoughtSignature: 42 } },
              },
            ],
          },
          {
            role: 'tool',
            content: [
              {
                type: 'tool-result',
                toolCallId: 'call_1',
                toolName: 'get_weather',
                output: { type: 'text', value: 'sunny' },
              },
            ],
          },
        ],
      }),
    );

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(
      'prompt[1].content[0].providerOptions.shallot.thoughtSignature',
    );
    expect(fake.requests).toHaveLength(0);
  });
});

describe('structured output', () => {
  it('streamObject streams the partial objects of a JSON answer, then the object', async () => {
    const shallot = createShallot({ client: recordingClient(fake).client });

    const result = streamObject({
      model: shallot('openai/gpt-4o-mini'),
      schema: z.object({ layers: z.number() }),
      prompt: 'How many layers?',
      providerOptions: { shallot: { mockResponse: '{"layers":7}' } },
    });
    // The AI SDK settles `object` once the stream has been read.
    const partials: unknown[] = [];
    for await (const partial of result.partialObjectStream) partials.push(partial);

    expect(partials.at(-1)).toEqual({ layers: 7 });
    expect(await result.object).toEqual({ layers: 7 });
  });
});

describe('conversations that carry provider state', () => {
  it("sends Anthropic's thinking blocks back before the tool call on the next step, and reads cache reads and writes into the usage", async () => {
    fake.reply(
      { body: fixture('written-anthropic-messages-thinking-tool-use.json') },
      { body: fixture('anthropic-messages.json') },
    );
    const { client, events } = recordingClient(fake);
    const shallot = createShallot({ client });

    const result = await generateText({
      model: shallot('anthropic/claude-sonnet-4-5'),
      prompt: 'Weather in Paris?',
      tools: {
        get_weather: tool({
          inputSchema: z.object({ city: z.string(), units: z.string() }),
          execute: async ({ city }) => `Sunny in ${city}`,
        }),
      },
      stopWhen: stepCountIs(2),
    });

    expect(result.steps[0]?.reasoningText).toBe(
      'The user wants the weather in Paris. I should call get_weather.',
    );
    expect(result.steps[0]?.usage).toEqual(
      sdkUsage({
        input: 2400,
        output: 150,
        cacheRead: 2000,
        cacheWrite: 300,
        reasoning: 90,
        raw: expect.any(Object),
      }),
    );
    expect((fake.requests[1]?.body.messages as unknown[] | undefined)?.[1]).toEqual({
      role: 'assistant',
      content: [
        {
          type: 'thinking',
          thinking: 'The user wants the weather in Paris. I should call get_weather.',
          signature: 'EqQBCkYIBxgCKkBsigFakeSignatureForTests==',
        },
        { type: 'redacted_thinking', data: 'EmwKAhgBEgy3redactedPayload' },
        { type: 'text', text: 'Let me check the weather.' },
        {
          type: 'tool_use',
          id: 'toolu_01A09q90qw90lq917835lq9',
          name: 'get_weather',
          input: { city: 'Paris', units: 'celsius' },
        },
      ],
    });
    expect(result.text).toBe(
      "Hello! I'm doing well, thanks for asking. How are you doing today? Is there anything I can help you with?",
    );
    await client.flush();
    expect(events.map((event) => event.cost)).toEqual(
      result.steps.map((step) => step.providerMetadata?.shallot?.cost),
    );
    expect(events[1]?.cost).toBeCloseTo(costOf(12, 29), 12);
  });
});

describe('the provider', () => {
  it('is an AI SDK v3 provider: callable, with the language and embedding model methods the AI SDK names', () => {
    const shallot = createShallot({ client: recordingClient(fake).client });

    expect(shallot.specificationVersion).toBe('v3');
    for (const model of [
      shallot('openai/gpt-4o-mini'),
      shallot.languageModel('openai/gpt-4o-mini'),
      shallot.chat('openai/gpt-4o-mini'),
    ]) {
      expect(model).toMatchObject({
        specificationVersion: 'v3',
        provider: 'shallot',
        modelId: 'openai/gpt-4o-mini',
      });
    }
    for (const model of [
      shallot.embedding('voyage/voyage-3.5'),
      shallot.embeddingModel('voyage/voyage-3.5'),
      shallot.textEmbeddingModel('voyage/voyage-3.5'),
    ]) {
      expect(model).toMatchObject({
        specificationVersion: 'v3',
        modelId: 'voyage/voyage-3.5',
        maxEmbeddingsPerCall: Number.POSITIVE_INFINITY,
        supportsParallelCalls: true,
      });
    }
    expect(() => shallot.imageModel('openai/dall-e-3')).toThrow(ValidationError);
  });

  it('refuses bad options when created, naming the option', () => {
    const { client } = recordingClient(fake);
    const attempts: Array<[() => unknown, string]> = [
      [() => createShallot({ client: {} as never }), 'createShallot options.client'],
      [
        () => createShallot({ client, maxEmbeddingsPerCall: 0 }),
        'createShallot options.maxEmbeddingsPerCall',
      ],
      [
        () => createShallot({ client, settings: { stream: true } }),
        'createShallot settings.stream',
      ],
      [
        () => createShallot({ client })('openai/gpt-4o-mini', { messages: [] }),
        'model openai/gpt-4o-mini settings.messages',
      ],
      [() => createShallot({ client })(''), 'modelId'],
    ];
    for (const [attempt, field] of attempts) {
      let thrown: unknown;
      try {
        attempt();
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ValidationError);
      expect((thrown as ValidationError).field).toBe(field);
    }
  });
});

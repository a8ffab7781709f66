import {
  AuthenticationError,
  BadRequestError,
  type ChatCompletionChunk,
  type ChatMessage,
  type CompletionParams,
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
  type ToolCall,
  ValidationError,
} from 'shallot';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fixture, useFakeProvider } from '../../support/fake-provider.js';
import { collect, rejectionOf } from '../../support/streams.js';

const API_KEY = 'gemini-test-key-0123456789';
const messages: ChatMessage[] = [{ role: 'user', content: 'How many r are in strawberry?' }];

const fake = useFakeProvider();
afterEach(() => {
  vi.unstubAllEnvs();
});

function client() {
  return createClient({ providers: { gemini: { apiKey: API_KEY, apiBase: fake.url } } });
}

/** One Gemini response with a single candidate, for the mapping tables. */
function candidateBody(candidate: Record<string, unknown>, usageMetadata?: unknown): string {
  return JSON.stringify({
    candidates: [{ index: 0, ...candidate }],
    usageMetadata,
    modelVersion: 'gemini-2.5-flash',
  });
}

describe('Gemini, non-streamed', () => {
  it('turns the recorded function call into a tool call with a generated id, the signature and tool_calls', async () => {
    fake.reply({ body: fixture('gemini-generate-content-tool-call.json') });
    const answer = await client().completion({ model: 'gemini/gemini-3-pro-preview', messages });

    expect(answer.id).toBe('m36LaZGyCLz1xs0PtNSB-QU');
    expect(answer.object).toBe('chat.completion');
    expect(answer.model).toBe('gemini-3-pro-preview');
    expect(answer.created).toBeGreaterThan(1_700_000_000);
    const choice = answer.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.provider_finish_reason).toBe('STOP');
    expect(choice?.message.content).toBeNull();
    expect(choice?.message.tool_calls).toEqual([
      {
        id: expect.stringMatching(/^call_[0-9a-f]{24}$/),
        type: 'function',
        function: { name: 'weather', arguments: '{"location":"San Francisco"}' },
        thought_signature:
          'EskgCsYgAb4+9vtF7/499YQS2bjZs3xcQI+iAl+ILn29nK1j0Kg6su7QsUUUk3nrAAfnS2w5WiVvlcCqu9fAebJ2cvfaEyBahEt5',
      },
    ]);
    // Thoughts are counted apart from candidates: the output is their sum.
    expect(answer.usage).toEqual({
      prompt_tokens: 29,
      completion_tokens: 908,
      total_tokens: 937,
      completion_tokens_details: { reasoning_tokens: 893 },
    });
  });

  it('posts to models/{model}:generateContent with the key in x-goog-api-key and never in the URL', async () => {
    fake.reply({ body: fixture('gemini-generate-content-tool-call.json') });
    await client().completion({ model: 'gemini/gemini-2.5-flash', messages });
    const received = fake.requests.at(-1);
    expect(received?.method).toBe('POST');
    expect(received?.path).toBe('/v1/models/gemini-2.5-flash:generateContent');
    expect(received?.headers['x-goog-api-key']).toBe(API_KEY);
    expect(received?.headers['content-type']).toBe('application/json');
    expect(received?.headers.authorization).toBeUndefined();
    expect(received?.body).toEqual({
      contents: [{ role: 'user', parts: [{ text: messages[0]?.content }] }],
    });
  });

  it('keeps thought summaries out of the answer text and normalizes cached and reasoning tokens', async () => {
    fake.reply({ body: fixture('written-gemini-generate-content-thinking.json') });
    const answer = await client().completion({ model: 'gemini/gemini-2.5-flash', messages });
    const message = answer.choices[0]?.message;
    expect(message?.content).toBe("There are three r's in strawberry.");
    expect(message?.reasoning_content).toBe(
      '**Counting letters**\n\nStrawberry has r at positions 3, 8 and 9.',
    );
    expect(message?.tool_calls).toBeUndefined();
    expect(answer.choices[0]?.finish_reason).toBe('stop');
    expect(answer.usage).toEqual({
      prompt_tokens: 1200,
      completion_tokens: 60,
      total_tokens: 1260,
      prompt_tokens_details: { cached_tokens: 1024 },
      completion_tokens_details: { reasoning_tokens: 48 },
    });
  });

  it.each([
    ['STOP', 'stop'],
    ['MAX_TOKENS', 'length'],
    ['SAFETY', 'content_filter'],
    ['RECITATION', 'content_filter'],
    ['PROHIBITED_CONTENT', 'content_filter'],
    ['IMAGE_SAFETY', 'content_filter'],
    ['MALFORMED_FUNCTION_CALL', 'error'],
    ['TOO_MANY_TOOL_CALLS', 'error'],
    ['LANGUAGE', 'other'],
    ['OTHER', 'other'],
    ['SOMETHING_NEW', 'other'],
  ])('maps finishReason %s to %s and keeps the raw value', async (raw, expected) => {
    fake.reply({
      body: candidateBody({
        content: { role: 'model', parts: [{ text: 'Partial' }] },
        finishReason: raw,
      }),
    });
    const answer = await client().completion({ model: 'gemini/gemini-2.5-flash', messages });
    expect(answer.choices[0]?.finish_reason).toBe(expected);
    expect(answer.choices[0]?.provider_finish_reason).toBe(raw);
    expect(answer.choices[0]?.message.content).toBe('Partial');
  });

  it('answers a blocked prompt (no candidates) with one empty content_filter choice', async () => {
    fake.reply({
      body: JSON.stringify({
        promptFeedback: { blockReason: 'PROHIBITED_CONTENT' },
        usageMetadata: { promptTokenCount: 7, totalTokenCount: 7 },
        modelVersion: 'gemini-2.5-flash',
      }),
    });
    const answer = await client().completion({ model: 'gemini/gemini-2.5-flash', messages });
    expect(answer.choices).toEqual([
      {
        index: 0,
        message: { role: 'assistant', content: null },
        finish_reason: 'content_filter',
        logprobs: null,
        provider_finish_reason: 'PROHIBITED_CONTENT',
      },
    ]);
    expect(answer.id).toMatch(/^chatcmpl-/);
    expect(answer.usage).toEqual({ prompt_tokens: 7, completion_tokens: 0, total_tokens: 7 });
  });

  it('returns one choice per candidate, by index', async () => {
    fake.reply({
      body: JSON.stringify({
        candidates: [
          { index: 0, content: { role: 'model', parts: [{ text: 'One' }] }, finishReason: 'STOP' },
          {
            index: 1,
            content: { role: 'model', parts: [{ text: 'Two' }] },
            finishReason: 'MAX_TOKENS',
          },
        ],
      }),
    });
    const answer = await client().completion({ model: 'gemini/gemini-2.5-flash', messages, n: 2 });
    expect(answer.model).toBe('gemini-2.5-flash');
    expect(
      answer.choices.map((choice) => [choice.index, choice.message.content, choice.finish_reason]),
    ).toEqual([
      [0, 'One', 'stop'],
      [1, 'Two', 'length'],
    ]);
    expect(fake.requests.at(-1)?.body.generationConfig).toEqual({ candidateCount: 2 });
  });
});

describe('Gemini request transform', () => {
  it('sends system text, images, tools, tool_choice, the prior call with its signature, the tool results, JSON mode, stop and max tokens', async () => {
    // Signatures ride on tool calls as extension fields: ours, and Google's compatible spelling.
    const signedCalls: Array<ToolCall & { thought_signature?: string; extra_content?: unknown }> = [
      {
        id: 'call_paris',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
        thought_signature: 'sig-paris',
      },
      {
        id: 'call_tokyo',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Tokyo"}' },
        extra_content: { google: { thought_signature: 'sig-tokyo' } },
      },
    ];
    fake.reply({ body: fixture('gemini-generate-content-tool-call.json') });
    const schema = { type: 'object', properties: { summary: { type: 'string' } } };
    const weatherParameters = { type: 'object', properties: { city: { type: 'string' } } };
    await client().completion({
      model: 'gemini/gemini-3-pro-preview',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in JSON.' }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Weather where these photos were taken?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            {
              type: 'image_url',
              image_url: { url: 'https://example.com/photos/tokyo.JPG?size=large' },
            },
          ],
        },
        { role: 'assistant', content: null, tool_calls: signedCalls },
        { role: 'tool', tool_call_id: 'call_paris', content: '{"tempC":21}' },
        { role: 'tool', tool_call_id: 'call_tokyo', content: 'sunny' },
        { role: 'user', content: 'Summarize.' },
      ],
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Weather by city',
            parameters: weatherParameters,
          },
        },
        { type: 'function', function: { name: 'get_time' } },
      ],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      response_format: { type: 'json_schema', json_schema: { name: 'summary', schema } },
      stop: 'END',
      max_tokens: 256,
      temperature: 0.2,
      top_p: 0.9,
      seed: 7,
      user: 'user-42',
      headers: { 'x-trace': 'abc' },
    });
    const received = fake.requests.at(-1);
    expect(received?.headers['x-goog-api-key']).toBe(API_KEY);
    expect(received?.headers['x-trace']).toBe('abc');
    expect(received?.path).toBe('/v1/models/gemini-3-pro-preview:generateContent');
    expect(received?.body).toEqual({
      systemInstruction: { parts: [{ text: 'You are terse.' }, { text: 'Answer in JSON.' }] },
      contents: [
        {
          role: 'user',
          parts: [
            { text: 'Weather where these photos were taken?' },
            { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
            {
              fileData: {
                mimeType: 'image/jpeg',
                fileUri: 'https://example.com/photos/tokyo.JPG?size=large',
              },
            },
          ],
        },
        {
          role: 'model',
          parts: [
            {
              functionCall: { name: 'get_weather', args: { city: 'Paris' } },
              thoughtSignature: 'sig-paris',
            },
            {
              functionCall: { name: 'get_weather', args: { city: 'Tokyo' } },
              thoughtSignature: 'sig-tokyo',
            },
          ],
        },
        {
          role: 'user',
          parts: [
            { functionResponse: { name: 'get_weather', response: { tempC: 21 } } },
            { functionResponse: { name: 'get_weather', response: { result: 'sunny' } } },
          ],
        },
        { role: 'user', parts: [{ text: 'Summarize.' }] },
      ],
      tools: [
        {
          functionDeclarations: [
            {
              name: 'get_weather',
              description: 'Weather by city',
              parametersJsonSchema: weatherParameters,
            },
            { name: 'get_time' },
          ],
        },
      ],
      toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } },
      generationConfig: {
        temperature: 0.2,
        topP: 0.9,
        maxOutputTokens: 256,
        stopSequences: ['END'],
        seed: 7,
        responseMimeType: 'application/json',
        responseJsonSchema: schema,
      },
    });
  });

  it.each([
    ['auto', 'AUTO'],
    ['required', 'ANY'],
    ['none', 'NONE'],
  ] as const)('maps tool_choice %s to mode %s', async (choice, mode) => {
    fake.reply({ body: fixture('gemini-generate-content-tool-call.json') });
    await client().completion({
      model: 'gemini/gemini-2.5-flash',
      messages,
      tools: [{ type: 'function', function: { name: 'weather' } }],
      tool_choice: choice,
    });
    expect(fake.requests.at(-1)?.body.toolConfig).toEqual({ functionCallingConfig: { mode } });
  });

  it('maps json_object, max_completion_tokens, penalties, top_k and reasoning_effort, and passes Gemini-native fields through', async () => {
    fake.reply({ body: fixture('gemini-generate-content-tool-call.json') });
    const safetySettings = [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }];
    await client().completion({
      model: 'gemini/gemini-2.5-flash',
      messages,
      response_format: { type: 'json_object' },
      max_completion_tokens: 100,
      stop: ['A', 'B'],
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
      top_k: 40,
      reasoning_effort: 'medium',
      safetySettings,
      generationConfig: { responseModalities: ['TEXT'] },
      stream_options: { include_usage: true },
      parallel_tool_calls: false,
    });
    expect(fake.requests.at(-1)?.body).toEqual({
      contents: [{ role: 'user', parts: [{ text: messages[0]?.content }] }],
      safetySettings,
      generationConfig: {
        maxOutputTokens: 100,
        stopSequences: ['A', 'B'],
        presencePenalty: 0.5,
        frequencyPenalty: -0.5,
        topK: 40,
        responseMimeType: 'application/json',
        thinkingConfig: { thinkingBudget: 8192 },
        responseModalities: ['TEXT'],
      },
    });
  });

  it('lets a native thinkingConfig win over reasoning_effort', async () => {
    fake.reply({ body: fixture('gemini-generate-content-tool-call.json') });
    await client().completion({
      model: 'gemini/gemini-2.5-flash',
      messages,
      reasoning_effort: 'high',
      thinkingConfig: { thinkingBudget: 512, includeThoughts: true },
    });
    expect(fake.requests.at(-1)?.body.generationConfig).toEqual({
      thinkingConfig: { thinkingBudget: 512, includeThoughts: true },
    });
  });

  it.each([
    [{ logprobs: true }, 'logprobs'],
    [{ top_logprobs: 3 }, 'top_logprobs'],
    [{ logit_bias: { '50256': -100 } }, 'logit_bias'],
    [{ modalities: ['audio'] }, 'modalities'],
    [{ reasoning_effort: 'extreme' }, 'reasoning_effort'],
    [{ tool_choice: { type: 'allowed_tools' } }, 'tool_choice'],
    [
      {
        messages: [
          {
            role: 'user',
            content: [{ type: 'image_url', image_url: { url: 'https://example.com/image?id=3' } }],
          },
        ],
      },
      'messages[0].content[0].image_url.url',
    ],
    [
      { messages: [{ role: 'tool', tool_call_id: 'call_unknown', content: '{}' }] },
      'messages[0].tool_call_id',
    ],
    [
      {
        messages: [
          {
            role: 'assistant',
            tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '[1]' } }],
          },
        ],
      },
      'messages[0].tool_calls[0].function.arguments',
    ],
  ] as Array<[Record<string, unknown>, string]>)(
    'rejects %j with a ValidationError on %s before any request',
    async (params, field) => {
      const error = await rejectionOf(
        client().completion({
          model: 'gemini/gemini-2.5-flash',
          messages,
          ...params,
        } as CompletionParams),
      );
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe(field);
      expect(fake.requests).toHaveLength(0);
    },
  );
});

describe('Gemini, streamed', () => {
  it('decodes the recorded CRLF stream in 7-byte slices: text deltas, the finish chunk and the last usage', async () => {
    fake.reply({ body: fixture('gemini-stream.sse'), sliceBytes: 7 });
    const stream = await client().completion({
      model: 'gemini/gemini-3-pro-preview',
      messages,
      stream: true,
    });
    const chunks = await collect(stream);
    expect(fake.requests.at(-1)?.path).toBe(
      '/v1/models/gemini-3-pro-preview:streamGenerateContent?alt=sse',
    );
    expect(chunks.map((chunk) => chunk.choices[0]?.delta)).toEqual([
      { role: 'assistant', content: 'There are **3**' },
      { content: ' "r"s in strawberry.\n\nst**r**awbe**rr**y' },
      {},
    ]);
    expect(chunks.map((chunk) => chunk.choices[0]?.finish_reason)).toEqual([null, null, 'stop']);
    expect(chunks.at(-1)?.choices[0]?.provider_finish_reason).toBe('STOP');
    for (const chunk of chunks) {
      expect(chunk.id).toBe('bH6LaZW8Fp_3nsEPqtaSwQ4');
      expect(chunk.model).toBe('gemini-3-pro-preview');
      expect(chunk.object).toBe('chat.completion.chunk');
    }
    const usage = {
      prompt_tokens: 9,
      completion_tokens: 208,
      total_tokens: 217,
      completion_tokens_details: { reasoning_tokens: 185 },
    };
    expect(chunks.at(-1)?.usage).toEqual(usage);

    const final = await stream.finalResponse();
    expect(final.choices[0]?.message.content).toBe(
      'There are **3** "r"s in strawberry.\n\nst**r**awbe**rr**y',
    );
    expect(final.choices[0]?.finish_reason).toBe('stop');
    expect(final.choices[0]?.provider_finish_reason).toBe('STOP');
    expect(final.usage).toEqual(usage);
  });

  it('streams thoughts as reasoning_content and whole function calls as tool-call deltas with running indexes', async () => {
    fake.reply({ body: fixture('written-gemini-stream-tool-calls.sse'), sliceBytes: 11 });
    const stream = await client().completion({
      model: 'gemini/gemini-2.5-flash',
      messages,
      stream: true,
    });
    const chunks: ChatCompletionChunk[] = await collect(stream);
    const deltas = chunks.map((chunk) => chunk.choices[0]?.delta);
    expect(deltas[0]).toEqual({
      role: 'assistant',
      reasoning_content: 'The user wants the weather in two cities, then the time.',
    });
    expect(deltas[1]?.tool_calls).toEqual([
      {
        index: 0,
        id: expect.stringMatching(/^call_/),
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
        thought_signature: 'CiQB0e2Kb7Hc0ZgCx9mVHq1o2Y3cP0aT8kZ3nG5rQy1uVb4=',
      },
      {
        index: 1,
        id: expect.stringMatching(/^call_/),
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Tokyo","unit":"celsius"}' },
      },
    ]);
    expect(deltas[2]?.tool_calls).toEqual([
      {
        index: 2,
        id: 'fc-time-1',
        type: 'function',
        function: { name: 'get_time', arguments: '{}' },
      },
    ]);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('tool_calls');

    const final = await stream.finalResponse();
    const calls = final.choices[0]?.message.tool_calls ?? [];
    expect(calls.map((call) => [call.function.name, call.function.arguments])).toEqual([
      ['get_weather', '{"city":"Paris"}'],
      ['get_weather', '{"city":"Tokyo","unit":"celsius"}'],
      ['get_time', '{}'],
    ]);
    expect(new Set(calls.map((call) => call.id)).size).toBe(3);
    expect(final.choices[0]?.message.content).toBeNull();
    expect(final.choices[0]?.message.reasoning_content).toBe(
      'The user wants the weather in two cities, then the time.',
    );
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    expect(final.choices[0]?.provider_finish_reason).toBe('STOP');
    expect(final.usage).toEqual({
      prompt_tokens: 52,
      completion_tokens: 160,
      total_tokens: 212,
      completion_tokens_details: { reasoning_tokens: 120 },
    });
  });

  it('throws the typed error of an error event after the 200, with what arrived as partialResponse', async () => {
    fake.reply({ body: fixture('written-gemini-stream-error.sse'), sliceBytes: 13 });
    const stream = await client().completion({
      model: 'gemini/gemini-2.5-flash',
      messages,
      stream: true,
    });
    const error = (await rejectionOf(collect(stream))) as ShallotError;
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.retryable).toBe(true);
    expect(error.status).toBe(503);
    expect(error.providerCode).toBe('UNAVAILABLE');
    expect(error.message).toContain('The model is overloaded');
    expect(error.partialResponse?.choices[0]?.message.content).toBe('Once upon a time, ');
    expect(error.partialResponse?.usage?.prompt_tokens).toBe(8);
  });

  it('reports a stream that ends without a finishReason as incomplete', async () => {
    const [first] = fixture('gemini-stream.sse').split('\r\n\r\n');
    fake.reply({ body: `${first}\r\n\r\n` });
    const stream = await client().completion({
      model: 'gemini/gemini-3-pro-preview',
      messages,
      stream: true,
    });
    const error = (await rejectionOf(collect(stream))) as ShallotError;
    expect(error).toBeInstanceOf(IncompleteStreamError);
    expect(error.partialResponse?.choices[0]?.message.content).toBe('There are **3**');
  });

  it('ends a stream whose prompt was blocked with one content_filter chunk', async () => {
    fake.reply({
      body: `data: ${JSON.stringify({ promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 4, totalTokenCount: 4 } })}\r\n\r\n`,
    });
    const stream = await client().completion({
      model: 'gemini/gemini-2.5-flash',
      messages,
      stream: true,
    });
    const chunks = await collect(stream);
    expect(chunks.map((chunk) => chunk.choices)).toEqual([
      [
        {
          index: 0,
          delta: { role: 'assistant' },
          finish_reason: 'content_filter',
          provider_finish_reason: 'SAFETY',
        },
      ],
    ]);
    const final = await stream.finalResponse();
    expect(final.choices[0]?.finish_reason).toBe('content_filter');
    expect(final.choices[0]?.message.content).toBeNull();
  });
});

describe('Gemini errors', () => {
  it('maps the recorded 429 to a retryable RateLimitError with the RetryInfo delay', async () => {
    fake.reply({ status: 429, body: fixture('gemini-error-429.json') });
    const error = (await rejectionOf(
      client().completion({ model: 'gemini/gemini-2.5-flash', messages, stream: true }),
    )) as ShallotError;
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryable).toBe(true);
    expect(error.status).toBe(429);
    expect(error.retryAfterMs).toBe(34_400);
    expect(error.providerCode).toBe('RESOURCE_EXHAUSTED');
    expect(error.message).toContain('You exceeded your current quota');
  });

  it('maps a 400 API_KEY_INVALID to an AuthenticationError naming GEMINI_API_KEY', async () => {
    fake.reply({ status: 400, body: fixture('written-gemini-error-400-api-key-invalid.json') });
    const error = (await rejectionOf(
      client().completion({ model: 'gemini/gemini-2.5-flash', messages }),
    )) as ShallotError;
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.retryable).toBe(false);
    expect(error.status).toBe(400);
    expect(error.providerCode).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('GEMINI_API_KEY');
    expect(error.message).not.toContain(API_KEY);
  });

  it.each([
    [400, 'INVALID_ARGUMENT', 'Invalid value at contents[0].role', BadRequestError, false],
    [
      400,
      'FAILED_PRECONDITION',
      'User location is not supported for the API use.',
      BadRequestError,
      false,
    ],
    [
      400,
      'INVALID_ARGUMENT',
      'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).',
      ContextWindowExceededError,
      false,
    ],
    [403, 'PERMISSION_DENIED', 'The caller does not have permission', PermissionDeniedError, false],
    [404, 'NOT_FOUND', 'models/gemini-9 is not found for API version v1beta', NotFoundError, false],
    [500, 'INTERNAL', 'An internal error has occurred.', InternalServerError, true],
    [503, 'UNAVAILABLE', 'The model is overloaded.', ServiceUnavailableError, true],
    [
      504,
      'DEADLINE_EXCEEDED',
      'Deadline expired before operation could complete.',
      TimeoutError,
      true,
    ],
  ])(
    'maps HTTP %i %s to its error class',
    async (status, rpcStatus, message, errorClass, retryable) => {
      fake.reply({
        status,
        body: JSON.stringify({ error: { code: status, message, status: rpcStatus } }),
      });
      const error = (await rejectionOf(
        client().completion({ model: 'gemini/gemini-2.5-flash', messages }),
      )) as ShallotError;
      expect(error).toBeInstanceOf(errorClass);
      expect(error.retryable).toBe(retryable);
      expect(error.providerCode).toBe(rpcStatus);
      expect(error.status).toBe(status);
    },
  );

  it('maps an error object inside a 200 body', async () => {
    fake.reply({
      body: JSON.stringify({ error: { code: 503, message: 'Overloaded.', status: 'UNAVAILABLE' } }),
    });
    const error = await rejectionOf(
      client().completion({ model: 'gemini/gemini-2.5-flash', messages }),
    );
    expect(error).toBeInstanceOf(ServiceUnavailableError);
  });
});

describe('Gemini credentials', () => {
  it('fails with an AuthenticationError naming GEMINI_API_KEY, and sends nothing, when Google’s host has no key', async () => {
    vi.stubEnv('GEMINI_API_KEY', '');
    vi.stubEnv('GEMINI_API_BASE', '');
    const error = await rejectionOf(
      createClient().completion({ model: 'gemini/gemini-2.5-flash', messages }),
    );
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toContain('GEMINI_API_KEY');
    expect(fake.requests).toHaveLength(0);
  });

  it('reads the key and the base URL from the environment', async () => {
    vi.stubEnv('GEMINI_API_KEY', 'env-key-123');
    vi.stubEnv('GEMINI_API_BASE', fake.url);
    fake.reply({ body: fixture('gemini-generate-content-tool-call.json') });
    await createClient().completion({ model: 'gemini/gemini-2.5-flash', messages });
    expect(fake.requests.at(-1)?.headers['x-goog-api-key']).toBe('env-key-123');
  });

  it('calls another host without a key and without the key header', async () => {
    vi.stubEnv('GEMINI_API_KEY', '');
    fake.reply({ body: fixture('gemini-generate-content-tool-call.json') });
    await createClient({ providers: { gemini: { apiBase: fake.url } } }).completion({
      model: 'gemini/gemini-2.5-flash',
      messages,
    });
    expect(fake.requests.at(-1)?.headers['x-goog-api-key']).toBeUndefined();
  });
});

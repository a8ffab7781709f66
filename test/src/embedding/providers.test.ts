/**
 * `client.embedding()` for each provider, end to end through the public API: the request each
 * adapter puts on the wire (URL, headers, body) and what the caller gets back, against the fake
 * provider replaying the documented bodies of `test/fixtures/providers/written-*-embeddings*`
 * or answering each request as the provider would.
 */
import {
  AuthenticationError,
  type CallbackKwargs,
  type CallCost,
  type ClientOptions,
  CustomLogger,
  createClient,
  type Middleware,
  NotFoundError,
  type ProviderOptions,
  RateLimitError,
  ValidationError,
} from 'shallot';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  geminiEmbeddingsReply,
  geminiInputsOf,
  inputsOf,
  ollamaEmbeddingsReply,
  openAIEmbeddingsReply,
  vectorFor,
  WRITTEN_VECTORS,
} from '../../support/embeddings.js';
import {
  type FakeReply,
  fixture,
  type ReceivedRequest,
  useFakeProvider,
} from '../../support/fake-provider.js';

const KEY = 'sk-embeddings-providers-key';

const fake = useFakeProvider();

afterEach(() => {
  vi.unstubAllEnvs();
});

/** The fake provider's `http://127.0.0.1:PORT`, for providers whose base is not `/v1`. */
const origin = () => fake.url.replace(/\/v1$/, '');

/** A client with one provider configured (the key, the fake's `/v1`, unless `settings` says otherwise). */
function clientOf(name: string, settings: ProviderOptions = {}, options: ClientOptions = {}) {
  return createClient({
    ...options,
    providers: { [name]: { apiKey: KEY, apiBase: fake.url, ...settings } },
  });
}

/** A client of one provider whose success events are collected. */
function recordingClientOf(name: string, settings: ProviderOptions = {}) {
  const client = clientOf(name, settings);
  const successes: CallbackKwargs[] = [];
  client.successCallback.push((kwargs: CallbackKwargs) => {
    successes.push(kwargs);
  });
  return { client, successes };
}

/** The one request the fake received. */
function onlyRequest(): ReceivedRequest {
  expect(fake.requests).toHaveLength(1);
  return fake.requests[0] as ReceivedRequest;
}

/** The vectors of an answer, as plain arrays. */
const vectorsOf = (answer: { data: Array<{ embedding: number[] }> }) =>
  answer.data.map((item) => item.embedding);

/** The fixture vectors `0..count-1`, as the caller gets them. */
const written = (count: number) => WRITTEN_VECTORS.slice(0, count).map((vector) => [...vector]);

describe('OpenAI', () => {
  const model = 'openai/text-embedding-3-small';

  it('embeds one text: POST {apiBase}/embeddings with a Bearer key, base64 asked for, numbers and usage returned', async () => {
    fake.reply(openAIEmbeddingsReply());
    const answer = await clientOf('openai').embedding({ model, input: 'a cat' });
    const request = onlyRequest();
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v1/embeddings');
    expect(request.headers).toMatchObject({
      authorization: `Bearer ${KEY}`,
      'content-type': 'application/json',
      accept: 'application/json',
    });
    expect(request.body).toEqual({
      model: 'text-embedding-3-small',
      input: ['a cat'],
      encoding_format: 'base64',
    });
    expect(answer).toEqual({
      object: 'list',
      data: [{ object: 'embedding', index: 0, embedding: vectorFor('a cat', 8) }],
      model: 'text-embedding-3-small',
      usage: { prompt_tokens: 5, total_tokens: 5 },
    });
  });

  it('reads the documented base64 answer for a list of texts, with dimensions sent, and its usage counted (not estimated)', async () => {
    fake.reply({ body: fixture('written-openai-embeddings-base64.json') });
    const { client, successes } = recordingClientOf('openai');
    const answer = await client.embedding({ model, input: ['a', 'b'], dimensions: 4 });
    expect(onlyRequest().body).toEqual({
      model: 'text-embedding-3-small',
      input: ['a', 'b'],
      encoding_format: 'base64',
      dimensions: 4,
    });
    expect(vectorsOf(answer)).toEqual(written(2));
    expect(answer.usage).toEqual({ prompt_tokens: 8, total_tokens: 8 });
    await client.flush();
    expect(successes[0]?.standard_logging_object?.embedding).toMatchObject({
      inputs: 2,
      input_tokens: 8,
      estimated_tokens: false,
      dimensions: 4,
      width: 4,
    });
  });

  it('reads a float answer listed out of order, each vector put back at its index', async () => {
    fake.reply({ body: fixture('written-openai-embeddings-float-out-of-order.json') });
    const answer = await clientOf('openai').embedding({ model, input: ['a', 'b', 'c'] });
    expect(vectorsOf(answer)).toEqual(written(3));
    expect(answer.data.map((item) => item.index)).toEqual([0, 1, 2]);
    expect(answer.usage.prompt_tokens).toBe(12);
  });
});

describe('Azure OpenAI', () => {
  const model = 'azure/embed-small';

  it('posts to the deployment URL with the api-version, the key in api-key and never as a Bearer token', async () => {
    fake.reply(openAIEmbeddingsReply());
    const client = clientOf('azure', { apiBase: origin(), apiVersion: '2024-10-21' });
    const answer = await client.embedding({ model, input: 'a cat' });
    const request = onlyRequest();
    expect(request.path).toBe('/openai/deployments/embed-small/embeddings?api-version=2024-10-21');
    expect(request.headers['api-key']).toBe(KEY);
    expect(request.headers.authorization).toBeUndefined();
    expect(request.body).toEqual({
      model: 'embed-small',
      input: ['a cat'],
      encoding_format: 'base64',
    });
    expect(vectorsOf(answer)).toEqual([vectorFor('a cat', 8)]);
  });

  it('posts to {base}/embeddings for an /openai/v1 base, with no api-version, and reads the documented answer', async () => {
    vi.stubEnv('AZURE_API_VERSION', '');
    fake.reply({ body: fixture('written-openai-embeddings-base64.json') });
    const client = clientOf('azure', { apiBase: `${origin()}/openai/v1` });
    const answer = await client.embedding({ model, input: ['a', 'b'] });
    const request = onlyRequest();
    expect(request.path).toBe('/openai/v1/embeddings');
    expect(request.headers['api-key']).toBe(KEY);
    expect(request.headers.authorization).toBeUndefined();
    expect(vectorsOf(answer)).toEqual(written(2));
    expect(answer.usage.prompt_tokens).toBe(8);
  });
});

describe('the OpenAI-compatible family', () => {
  it('mistral: dimensions sent as output_dimension, user left out, the documented answer read', async () => {
    fake.reply({ body: fixture('written-mistral-embeddings.json') });
    const answer = await clientOf('mistral').embedding({
      model: 'mistral/codestral-embed',
      input: ['a', 'b'],
      dimensions: 4,
      user: 'u-1',
    });
    const request = onlyRequest();
    expect(request.path).toBe('/v1/embeddings');
    expect(request.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request.body).toEqual({
      model: 'codestral-embed',
      input: ['a', 'b'],
      output_dimension: 4,
      encoding_format: 'base64',
    });
    expect(vectorsOf(answer)).toEqual(written(2));
    expect(answer.model).toBe('mistral-embed');
    expect(answer.usage).toEqual({ prompt_tokens: 15, total_tokens: 15 });
  });

  it('mistral: one text is sent as a list of one', async () => {
    fake.reply(openAIEmbeddingsReply({ width: 4 }));
    const answer = await clientOf('mistral').embedding({
      model: 'mistral/mistral-embed',
      input: 'a cat',
    });
    expect(onlyRequest().body.input).toEqual(['a cat']);
    expect(vectorsOf(answer)).toEqual([vectorFor('a cat', 4)]);
  });

  it('together_ai: an org/model id sent whole; token ids refused before any request', async () => {
    fake.reply(openAIEmbeddingsReply());
    const client = clientOf('together_ai');
    const model = 'together_ai/togethercomputer/m2-bert-80M-8k-retrieval';
    const answer = await client.embedding({ model, input: ['a', 'b'] });
    const request = onlyRequest();
    expect(request.path).toBe('/v1/embeddings');
    expect(request.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request.body).toEqual({
      model: 'togethercomputer/m2-bert-80M-8k-retrieval',
      input: ['a', 'b'],
      encoding_format: 'base64',
    });
    expect(vectorsOf(answer)).toEqual([vectorFor('a', 8), vectorFor('b', 8)]);
    const refused = await client.embedding({ model, input: [1, 2, 3] }).catch((error) => error);
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).issues.map((issue) => issue.field)).toContain('input');
    expect(fake.requests).toHaveLength(1);
  });

  it('hosted_vllm: no key, no authorization header; token ids passed through; a float answer read', async () => {
    fake.reply({ body: fixture('written-openai-embeddings-float-out-of-order.json') });
    const client = createClient({ providers: { hosted_vllm: { apiBase: fake.url } } });
    const answer = await client.embedding({
      model: 'hosted_vllm/BAAI/bge-m3',
      input: [[1, 2], [3], [4, 5, 6]],
    });
    const request = onlyRequest();
    expect(request.path).toBe('/v1/embeddings');
    expect(request.headers.authorization).toBeUndefined();
    expect(request.body).toEqual({
      model: 'BAAI/bge-m3',
      input: [[1, 2], [3], [4, 5, 6]],
      encoding_format: 'base64',
    });
    expect(vectorsOf(answer)).toEqual(written(3));
  });

  it('lm_studio: one text, a float answer, the model the server names', async () => {
    fake.reply(openAIEmbeddingsReply({ encoding: 'float' }));
    const client = createClient({ providers: { lm_studio: { apiBase: fake.url } } });
    const answer = await client.embedding({
      model: 'lm_studio/text-embedding-nomic-embed-text-v1.5',
      input: 'a cat',
    });
    const request = onlyRequest();
    expect(request.path).toBe('/v1/embeddings');
    expect(request.body.model).toBe('text-embedding-nomic-embed-text-v1.5');
    expect(vectorsOf(answer)).toEqual([vectorFor('a cat', 8)]);
    expect(answer.usage.prompt_tokens).toBe(5);
  });

  it('voyage: dimensions as output_dimension, input_type passed, user left out, total_tokens taken as the prompt tokens', async () => {
    fake.reply({ body: fixture('written-voyage-embeddings.json') });
    const { client, successes } = recordingClientOf('voyage');
    const answer = await client.embedding({
      model: 'voyage/voyage-3.5',
      input: ['a', 'b'],
      dimensions: 4,
      input_type: 'document',
      user: 'u-1',
    });
    const request = onlyRequest();
    expect(request.path).toBe('/v1/embeddings');
    expect(request.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request.body).toEqual({
      model: 'voyage-3.5',
      input: ['a', 'b'],
      output_dimension: 4,
      input_type: 'document',
      encoding_format: 'base64',
    });
    expect(vectorsOf(answer)).toEqual(written(2));
    expect(answer.usage).toEqual({ prompt_tokens: 10, total_tokens: 10 });
    await client.flush();
    expect(successes[0]?.standard_logging_object?.embedding?.estimated_tokens).toBe(false);
  });

  it('voyage: an output_dtype other than float asks for JSON numbers, not base64', async () => {
    fake.reply(openAIEmbeddingsReply({ encoding: 'float', width: 4 }));
    const answer = await clientOf('voyage').embedding({
      model: 'voyage/voyage-3.5',
      input: 'a cat',
      output_dtype: 'int8',
    });
    expect(onlyRequest().body).toEqual({
      model: 'voyage-3.5',
      input: ['a cat'],
      output_dtype: 'int8',
    });
    expect(vectorsOf(answer)).toEqual([vectorFor('a cat', 4)]);
  });

  it('cohere: the compatibility API’s body, user left out, the documented answer read', async () => {
    fake.reply({ body: fixture('written-cohere-embeddings.json') });
    const answer = await clientOf('cohere').embedding({
      model: 'cohere/embed-v4.0',
      input: ['a', 'b'],
      user: 'u-1',
    });
    const request = onlyRequest();
    expect(request.path).toBe('/v1/embeddings');
    expect(request.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request.body).toEqual({
      model: 'embed-v4.0',
      input: ['a', 'b'],
      encoding_format: 'base64',
    });
    expect(vectorsOf(answer)).toEqual(written(2));
    expect(answer).toMatchObject({ model: 'embed-v4.0', usage: { prompt_tokens: 6 } });
  });

  it('a user-named endpoint (local/x) speaks OpenAI’s wire at its apiBase, with no key and no authorization', async () => {
    fake.reply(openAIEmbeddingsReply());
    const client = createClient({
      providers: { local: { apiBase: fake.url } },
      pricing: { 'local/x': { inputCostPerToken: 0, outputCostPerToken: 0 } },
    });
    const answer = await client.embedding({ model: 'local/x', input: 'a cat', user: 'u-1' });
    const request = onlyRequest();
    expect(request.path).toBe('/v1/embeddings');
    expect(request.headers.authorization).toBeUndefined();
    expect(request.body).toEqual({
      model: 'x',
      input: ['a cat'],
      encoding_format: 'base64',
      user: 'u-1',
    });
    expect(vectorsOf(answer)).toEqual([vectorFor('a cat', 8)]);
    const list = await client.embedding({ model: 'local/x', input: ['a', 'b'] });
    expect(vectorsOf(list)).toEqual([vectorFor('a', 8), vectorFor('b', 8)]);
  });
});

describe('Gemini', () => {
  const model = 'gemini/gemini-embedding-001';
  const gemini = () => recordingClientOf('gemini', { apiBase: `${origin()}/v1beta` });

  it('embeds one text: batchEmbedContents with the key in x-goog-api-key, outputDimensionality and taskType per text', async () => {
    fake.reply(geminiEmbeddingsReply());
    const { client } = gemini();
    const answer = await client.embedding({
      model,
      input: 'a cat',
      dimensions: 4,
      taskType: 'RETRIEVAL_QUERY',
      user: 'u-1',
    });
    const request = onlyRequest();
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(request.path).not.toContain(KEY);
    expect(request.headers['x-goog-api-key']).toBe(KEY);
    expect(request.headers.authorization).toBeUndefined();
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.body).toEqual({
      requests: [
        {
          model: 'models/gemini-embedding-001',
          content: { parts: [{ text: 'a cat' }] },
          outputDimensionality: 4,
          taskType: 'RETRIEVAL_QUERY',
        },
      ],
    });
    expect(vectorsOf(answer)).toEqual([vectorFor('a cat', 4)]);
  });

  it('reads the documented answer for a list of texts; with no usage from Gemini, the prompt tokens are estimated and the record says so', async () => {
    fake.reply({ body: fixture('written-gemini-embeddings.json') });
    const { client, successes } = gemini();
    let cost: CallCost | undefined;
    const seeCost: Middleware = async (ctx, next) => {
      await next();
      cost = ctx.cost;
    };
    const answer = await client.embedding({
      model,
      input: ['a cat', 'a dog'],
      middleware: [seeCost],
    });
    expect(geminiInputsOf(onlyRequest())).toEqual(['a cat', 'a dog']);
    expect(vectorsOf(answer)).toEqual(written(2));
    expect(answer.model).toBe('gemini-embedding-001');
    expect(answer.usage.prompt_tokens).toBeGreaterThan(0);
    expect(answer.usage.total_tokens).toBe(answer.usage.prompt_tokens);
    await client.flush();
    expect(successes).toHaveLength(1);
    expect(successes[0]?.standard_logging_object?.embedding).toMatchObject({
      inputs: 2,
      input_tokens: answer.usage.prompt_tokens,
      estimated_tokens: true,
    });
    expect(cost?.estimated).toBe(true);
    expect(cost?.total).toBeGreaterThan(0);
    expect(successes[0]?.response_cost).toBe(cost?.total);
  });

  it('splits 250 texts into batches of 100, 100 and 50, and merges the vectors in input order', async () => {
    fake.reply(geminiEmbeddingsReply({ width: 4 }));
    const texts = Array.from({ length: 250 }, (_unused, index) => `text ${index}`);
    const { client } = gemini();
    const answer = await client.embedding({ model, input: texts });
    expect(fake.requests).toHaveLength(3);
    const sent = fake.requests.map(geminiInputsOf).sort((first, second) => {
      return texts.indexOf(first[0] as string) - texts.indexOf(second[0] as string);
    });
    expect(sent).toEqual([texts.slice(0, 100), texts.slice(100, 200), texts.slice(200)]);
    expect(answer.data.map((item) => item.index)).toEqual(texts.map((_text, index) => index));
    expect(vectorsOf(answer)).toEqual(texts.map((text) => vectorFor(text, 4)));
  });

  it('a 429 is a RateLimitError carrying the RetryInfo delay', async () => {
    fake.reply({ status: 429, body: fixture('gemini-error-429.json') });
    const { client } = gemini();
    const failure = await client.embedding({ model, input: 'a cat' }).catch((error) => error);
    expect(failure).toBeInstanceOf(RateLimitError);
    expect(failure).toMatchObject({ status: 429, provider: 'gemini', retryAfterMs: 34_400 });
    expect(fake.requests).toHaveLength(1);
  });
});

describe('Ollama', () => {
  const ollama = (settings: ProviderOptions = {}) =>
    createClient({ providers: { ollama: { apiBase: origin(), ...settings } } });

  it('embeds one text: POST /api/embed with dimensions and truncate, and no authorization without a key', async () => {
    fake.reply(ollamaEmbeddingsReply());
    const answer = await ollama().embedding({
      model: 'ollama/all-minilm',
      input: 'a cat',
      dimensions: 4,
      truncate: false,
      user: 'u-1',
    });
    const request = onlyRequest();
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/api/embed');
    expect(request.headers.authorization).toBeUndefined();
    expect(request.body).toEqual({
      model: 'all-minilm',
      input: ['a cat'],
      dimensions: 4,
      truncate: false,
    });
    expect(vectorsOf(answer)).toEqual([vectorFor('a cat', 4)]);
    expect(answer.usage).toEqual({ prompt_tokens: 5, total_tokens: 5 });
  });

  it('reads the documented answer for a list of texts, prompt_eval_count as the prompt tokens; a configured key goes as a Bearer token', async () => {
    fake.reply({ body: fixture('written-ollama-embeddings.json') });
    const answer = await ollama({ apiKey: KEY }).embedding({
      model: 'ollama/all-minilm',
      input: ['a', 'b'],
    });
    const request = onlyRequest();
    expect(request.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request.body).toEqual({ model: 'all-minilm', input: ['a', 'b'] });
    expect(answer).toEqual({
      object: 'list',
      data: written(2).map((embedding, index) => ({ object: 'embedding', index, embedding })),
      model: 'all-minilm',
      usage: { prompt_tokens: 8, total_tokens: 8 },
    });
  });

  it('a 404 for an unknown model is a NotFoundError', async () => {
    fake.reply({ status: 404, body: fixture('written-ollama-error-404.json') });
    const failure = await ollama()
      .embedding({ model: 'ollama/x', input: 'a cat' })
      .catch((error) => error);
    expect(failure).toBeInstanceOf(NotFoundError);
    expect(failure).toMatchObject({ status: 404, provider: 'ollama' });
  });
});

describe('an error status of the OpenAI format', () => {
  it('a 401 with the documented invalid_api_key body is an AuthenticationError, not retried', async () => {
    fake.reply({ status: 401, body: fixture('written-openai-error-401-invalid-api-key.json') });
    const client = clientOf('openai', {}, { numRetries: 2 });
    const failure = await client
      .embedding({ model: 'openai/text-embedding-3-small', input: 'a cat' })
      .catch((error) => error);
    expect(failure).toBeInstanceOf(AuthenticationError);
    expect(failure).toMatchObject({ status: 401, provider: 'openai', retryable: false });
    expect((failure as Error).message).toContain('Incorrect API key provided');
    expect(fake.requests).toHaveLength(1);
  });
});

describe('batches at each provider’s limit', () => {
  /** Each provider's documented inputs a request, with how it is configured and answered. */
  const LIMITS: ReadonlyArray<{
    model: string;
    limit: number;
    configure: () => ReturnType<typeof createClient>;
    reply: () => FakeReply;
    inputsOf: (request: ReceivedRequest) => string[];
  }> = [
    {
      model: 'cohere/embed-v4.0',
      limit: 96,
      configure: () => clientOf('cohere'),
      reply: () => openAIEmbeddingsReply({ width: 4 }),
      inputsOf,
    },
    {
      model: 'mistral/mistral-embed',
      limit: 128,
      configure: () => clientOf('mistral'),
      reply: () => openAIEmbeddingsReply({ width: 4 }),
      inputsOf,
    },
    {
      model: 'ollama/all-minilm',
      limit: 256,
      configure: () => clientOf('ollama', { apiBase: origin() }),
      reply: () => ollamaEmbeddingsReply({ width: 4 }),
      inputsOf,
    },
    {
      model: 'voyage/voyage-3.5',
      limit: 1000,
      configure: () => clientOf('voyage'),
      reply: () => openAIEmbeddingsReply({ width: 4 }),
      inputsOf,
    },
    {
      model: 'gemini/gemini-embedding-001',
      limit: 100,
      configure: () => clientOf('gemini', { apiBase: `${origin()}/v1beta` }),
      reply: () => geminiEmbeddingsReply({ width: 4 }),
      inputsOf: geminiInputsOf,
    },
  ];

  for (const { model, limit, configure, reply, inputsOf: textsOf } of LIMITS) {
    it(`${model}: ${2 * limit + 7} texts go in requests of ${limit}, ${limit} and 7, merged in input order with the usage summed`, async () => {
      fake.reply(reply());
      const texts = Array.from({ length: 2 * limit + 7 }, (_unused, index) => `text ${index}`);
      const answer = await configure().embedding({ model, input: texts });
      const sent = fake.requests
        .map(textsOf)
        .sort((first, second) => texts.indexOf(first[0] ?? '') - texts.indexOf(second[0] ?? ''));
      expect(sent).toEqual([
        texts.slice(0, limit),
        texts.slice(limit, 2 * limit),
        texts.slice(2 * limit),
      ]);
      expect(vectorsOf(answer)).toEqual(texts.map((text) => vectorFor(text, 4)));
      if (!model.startsWith('gemini/')) expect(answer.usage.prompt_tokens).toBe(texts.length * 5);
    });
  }

  it('a batched call is one attempt: one pre-API and one post-API event, the whole input in complete_input_dict, one success', async () => {
    fake.reply(openAIEmbeddingsReply({ width: 4 }));
    const events: Array<{ event: string; input: unknown }> = [];
    class Events extends CustomLogger {
      override logPreApiCall(_model: string, _messages: unknown, kwargs: CallbackKwargs): void {
        events.push({ event: 'pre', input: kwargs.additional_args.complete_input_dict?.input });
      }
      override logPostApiCall(kwargs: CallbackKwargs): void {
        events.push({ event: 'post', input: kwargs.additional_args.complete_input_dict?.input });
      }
      override logSuccessEvent(kwargs: CallbackKwargs): void {
        events.push({ event: 'success', input: kwargs.standard_logging_object?.embedding?.inputs });
      }
    }
    const client = clientOf('cohere');
    client.callbacks.push(new Events());
    const texts = Array.from({ length: 200 }, (_unused, index) => `text ${index}`);
    await client.embedding({ model: 'cohere/embed-v4.0', input: texts });
    await client.flush();
    expect(fake.requests).toHaveLength(3);
    expect(events).toEqual([
      { event: 'pre', input: texts },
      { event: 'post', input: texts },
      { event: 'success', input: 200 },
    ]);
  });
});

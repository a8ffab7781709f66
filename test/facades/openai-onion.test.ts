/**
 * What shallot adds under the openai surface: every facade call runs through the client's onion
 * (callbacks, cost, middleware, sinks) once, metadata reaches it, and what shallot refuses is
 * refused before any request, as openai-node's errors.
 */

import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import type { CreateEmbeddingResponse } from 'openai/resources/embeddings';
import {
  type CallbackKwargs,
  createClient,
  isShallotError,
  type Middleware,
  RateLimitError as ShallotRateLimitError,
  ValidationError,
} from 'shallot';
import { router } from 'shallot/middleware/router';
import OpenAI, {
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  BadRequestError,
  NotFoundError,
  RateLimitError,
} from 'shallot/openai';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { fixture, useFakeProvider } from '../support/fake-provider.js';
import { rejection, TEST_KEY } from './openai-both.js';

const fake = useFakeProvider({ reply: { body: fixture('openai-chat.json') } });
const messages = [{ role: 'user' as const, content: 'Name a holiday' }];

interface Ended {
  kind: string;
  status: string;
  error: string | undefined;
  cost: number | undefined;
  usage: number | undefined;
  metadata: Record<string, unknown>;
}

/** A shallot client on the fake provider that records every call's end, and the facade over it. */
function onion(options: { metadata?: Record<string, unknown> } = {}) {
  const ended: Ended[] = [];
  const record: Middleware = async function record(ctx, next) {
    ctx.onEnd(() =>
      ended.push({
        kind: ctx.kind,
        status: ctx.status,
        error: ctx.error?.name,
        cost: ctx.cost?.total ?? undefined,
        usage: ctx.usage?.total_tokens,
        metadata: { ...ctx.metadata },
      }),
    );
    await next();
  };
  const client = createClient({
    middleware: [record],
    providers: { openai: { apiKey: TEST_KEY, apiBase: fake.url } },
  });
  const successes: CallbackKwargs[] = [];
  client.successCallback.push((kwargs: CallbackKwargs) => successes.push(kwargs));
  const openai = new OpenAI({ client, maxRetries: 0, ...options });
  return { client, openai, ended, successes };
}

describe('shallot/openai runs every call through the shallot client', () => {
  it('ends each call once, plain, streamed, with the helper, embedded or failed, with its cost', async () => {
    const { client, openai, ended } = onion();
    await openai.chat.completions.create({ model: 'gpt-4o', messages });
    fake.reply({ body: fixture('openai-chat-stream-usage.sse') });
    for await (const _chunk of await openai.chat.completions.create({
      model: 'gpt-4o',
      messages,
      stream: true,
    })) {
      // read to the end
    }
    await openai.chat.completions.stream({ model: 'gpt-4o', messages }).finalChatCompletion();
    fake.reply({ body: fixture('written-openai-embeddings-base64.json') });
    await openai.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'] });
    fake.reply({ status: 429, body: fixture('openai-error-429-insufficient-quota.json') });
    await rejection(openai.chat.completions.create({ model: 'gpt-4o', messages }));
    await client.flush();
    expect(ended.map(({ kind, status, error, usage }) => [kind, status, error, usage])).toEqual([
      ['completion', 'success', undefined, 379],
      ['completion', 'success', undefined, 44],
      ['completion', 'success', undefined, 44],
      ['embedding', 'success', undefined, 8],
      ['completion', 'failure', 'RateLimitError', undefined],
    ]);
    for (const call of ended.slice(0, 4)) expect(call.cost).toBeGreaterThan(0);
  });

  it('hands the client, body and request metadata to callbacks and ctx.metadata, and never sends it', async () => {
    const { client, openai, ended, successes } = onion({ metadata: { app: 'docs', user: 'x' } });
    await openai.chat.completions.create(
      { model: 'gpt-4o', messages, metadata: { feature: 'search' } },
      { metadata: { user: 'alice' } },
    );
    await client.flush();
    const expected = { app: 'docs', feature: 'search', user: 'alice' };
    expect(ended[0]?.metadata).toEqual(expected);
    expect(successes[0]?.litellm_params.metadata).toEqual(expected);
    expect(fake.requests[0]?.body).not.toHaveProperty('metadata');
  });

  it('keeps from the caller the usage chunk it did not ask for, while the call still counts it', async () => {
    const { openai, ended } = onion();
    fake.reply({ body: fixture('openai-chat-stream-usage.sse') });
    const stream = await openai.chat.completions.create({
      model: 'gpt-4o',
      messages,
      stream: true,
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks).toHaveLength(32);
    expect(chunks.every((chunk) => chunk.choices.length === 1)).toBe(true);
    expect(ended[0]).toMatchObject({ status: 'success', usage: 44 });
  });

  it('ends a stream aborted mid-way as aborted, and closes the upstream request', async () => {
    const { openai, ended } = onion();
    const events = fixture('openai-chat-stream-usage.sse').split('\n\n').slice(0, 4).join('\n\n');
    fake.reply({ body: `${events}\n\n`, holdOpen: true });
    const stream = await openai.chat.completions.create({
      model: 'gpt-4o',
      messages,
      stream: true,
    });
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta?.content) stream.abort();
    }
    await fake.clientGone(0);
    expect(ended).toEqual([expect.objectContaining({ status: 'failure', error: 'AbortError' })]);
  });

  it('runs the helper stream of a break as aborted too: one end, upstream closed', async () => {
    const { openai, ended } = onion();
    const events = fixture('openai-chat-stream-usage.sse').split('\n\n').slice(0, 4).join('\n\n');
    fake.reply({ body: `${events}\n\n`, holdOpen: true });
    const stream = openai.chat.completions.stream({ model: 'gpt-4o', messages });
    for await (const _chunk of stream) break;
    expect(await rejection(stream.done())).toBeInstanceOf(APIUserAbortError);
    await fake.clientGone(0);
    expect(ended).toEqual([expect.objectContaining({ status: 'failure', error: 'AbortError' })]);
  });
});

describe('shallot/openai refuses bad input before any request', () => {
  it('answers a bad message role with a BadRequestError naming the field, its cause a ValidationError', async () => {
    const { openai, ended } = onion();
    const error = await rejection(
      openai.chat.completions.create({
        model: 'gpt-4o',
        messages: [{ role: 'robot', content: 'hi' }],
      } as never),
    );
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({
      status: 400,
      param: 'messages[0].role',
      code: 'validation',
      type: 'invalid_request_error',
    });
    expect((error as Error).message).toMatch(/^400 messages\[0\]\.role: /);
    expect((error as Error).cause).toBeInstanceOf(ValidationError);
    expect(fake.requests).toHaveLength(0);
    expect(ended).toHaveLength(0);
  });

  it.each([
    ['api_base', { api_base: 'http://evil.example/v1' }],
    ['apiKey', { apiKey: 'sk-other' }],
    ['mockResponse', { mockResponse: 'free' }],
    ['__proto__', JSON.parse('{"__proto__": {"polluted": true}}')],
  ])(
    'refuses a body that sets shallot option %s, so that a body from elsewhere cannot redirect the call',
    async (field, extra) => {
      const { openai } = onion();
      const error = await rejection(
        openai.chat.completions.create({ model: 'gpt-4o', messages, ...extra }),
      );
      expect(error).toBeInstanceOf(BadRequestError);
      expect(error).toMatchObject({ status: 400, param: field });
      expect(fake.requests).toHaveLength(0);
      expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    },
  );

  it.each([
    ['a body that is not an object', 'hello', undefined, '(body)'],
    [
      'a request option openai has and shallot does not',
      { model: 'gpt-4o', messages },
      { query: { a: 1 } },
      'options.query',
    ],
    [
      'a negative maxRetries',
      { model: 'gpt-4o', messages },
      { maxRetries: -1 },
      'options.maxRetries',
    ],
  ])('refuses %s with a BadRequestError naming it', async (_case, body, options, param) => {
    const { openai } = onion();
    const error = await rejection(openai.chat.completions.create(body as never, options as never));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ status: 400, param });
    expect(fake.requests).toHaveLength(0);
  });

  it.each([
    [
      'fetch',
      { fetch: globalThis.fetch },
      /fetch: is not supported by shallot\/openai: shallot sends with undici/,
    ],
    ['logLevel', { logLevel: 'debug' }, /consoleLogger\(\)/],
    [
      'apiKey with a client',
      { client: createClient(), apiKey: 'sk-x' },
      /apiKey: is the client's to set/,
    ],
    ['a client that is not one', { client: {} }, /client: expected a shallot client/],
    [
      'a fractional maxRetries',
      { maxRetries: 1.5 },
      /maxRetries: expected a whole number from 0, received number 1.5/,
    ],
    [
      'models as a string',
      { models: 'gpt-4o' },
      /models: expected a list of model names or a router/,
    ],
    [
      'a misspelt baseURL',
      { baseUrl: 'http://x' },
      /baseUrl: is not an option of shallot\/openai's OpenAI/,
    ],
  ])(
    'refuses %s at construction with a ValidationError that says what to do',
    (_case, options, message) => {
      expect(() => new OpenAI(options as never)).toThrow(ValidationError);
      expect(() => new OpenAI(options as never)).toThrow(message);
    },
  );
});

describe('shallot/openai errors', () => {
  it('are openai-node classes that keep the shallot error, its code and its retry-after, as cause', async () => {
    const { openai } = onion();
    fake.reply({
      status: 429,
      body: fixture('openai-error-429-insufficient-quota.json'),
      headers: { 'retry-after': '2', 'x-request-id': 'req_1' },
    });
    const error = (await rejection(
      openai.chat.completions.create({ model: 'gpt-4o', messages }),
    )) as RateLimitError;
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error).toBeInstanceOf(APIError);
    expect(error.name).toBe('RateLimitError');
    expect(error.requestID).toBe('req_1');
    expect(error.headers?.get('retry-after-ms')).toBe('2000');
    expect(isShallotError(error.cause)).toBe(true);
    expect(error.cause).toMatchObject({
      code: 'rate_limit',
      retryAfterMs: 2000,
      retryable: false,
      status: 429,
    });
  });

  it('gives a refusal of shallot own the status and code the gateway answers with', async () => {
    const { openai } = onion();
    const refusal = new ShallotRateLimitError({ message: 'over per-user rpm' });
    const error = await rejection(
      openai.chat.completions.create(
        { model: 'gpt-4o', messages },
        { shallot: { mockResponse: refusal } },
      ),
    );
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({
      status: 429,
      code: 'rate_limit',
      type: 'rate_limit_error',
      cause: refusal,
    });
  });

  it("turns shallot's totalTimeout into APIConnectionTimeoutError", async () => {
    const { openai } = onion();
    fake.reply({ hang: true });
    const error = await rejection(
      openai.chat.completions.create(
        { model: 'gpt-4o', messages },
        { shallot: { totalTimeout: 30 } },
      ),
    );
    expect(error).toBeInstanceOf(APIConnectionTimeoutError);
  });

  it('are all APIErrors, and static properties of the OpenAI class', () => {
    const classes = [
      OpenAI.BadRequestError,
      OpenAI.AuthenticationError,
      OpenAI.PermissionDeniedError,
      OpenAI.NotFoundError,
      OpenAI.ConflictError,
      OpenAI.UnprocessableEntityError,
      OpenAI.RateLimitError,
      OpenAI.InternalServerError,
    ];
    for (const ErrorClass of classes) {
      expect(new ErrorClass(400, undefined, 'x', new Headers())).toBeInstanceOf(OpenAI.APIError);
    }
    expect(new OpenAI.APIConnectionTimeoutError()).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(new OpenAI.APIUserAbortError()).toBeInstanceOf(OpenAI.APIError);
    expect(new OpenAI.APIError(undefined, undefined, 'x', undefined)).toBeInstanceOf(
      OpenAI.OpenAIError,
    );
  });
});

describe('shallot/openai options and models', () => {
  it('sends every model whole to baseURL over a client of its own, as openai does', async () => {
    const openai = new OpenAI({ apiKey: TEST_KEY, baseURL: fake.url, maxRetries: 0 });
    await openai.chat.completions.create({ model: 'meta-llama/Llama-3.1-8B', messages });
    await openai.chat.completions.create({ model: 'claude-3-haiku-20240307', messages });
    expect(fake.requests.map((request) => [request.path, request.body.model])).toEqual([
      ['/v1/chat/completions', 'meta-llama/Llama-3.1-8B'],
      ['/v1/chat/completions', 'claude-3-haiku-20240307'],
    ]);
  });

  it('resolves models as the shallot client does over a client of the caller', async () => {
    const client = createClient({
      providers: { openai: { apiKey: TEST_KEY, apiBase: fake.url }, local: { apiBase: fake.url } },
    });
    const openai = new OpenAI({ client });
    await openai.chat.completions.create({ model: 'gpt-4o-mini', messages });
    await openai.chat.completions.create({ model: 'local/echo-1', messages });
    expect(fake.requests.map((request) => request.body.model)).toEqual(['gpt-4o-mini', 'echo-1']);
  });

  it('sends defaultHeaders and request headers, and takes shallot options per request', async () => {
    const { openai } = onion();
    const custom = new OpenAI({
      client: openai.client,
      defaultHeaders: { 'x-team': 'search', 'x-drop': null },
    });
    await custom.chat.completions.create(
      { model: 'gpt-4o', messages },
      { headers: { 'x-user': 'alice' } },
    );
    expect(fake.requests[0]?.headers).toMatchObject({ 'x-team': 'search', 'x-user': 'alice' });
    expect(fake.requests[0]?.headers).not.toHaveProperty('x-drop');
    const mocked = await custom.chat.completions.create(
      { model: 'gpt-4o', messages },
      { shallot: { mockResponse: 'from the mock' } },
    );
    expect(mocked.choices[0]?.message.content).toBe('from the mock');
    expect(fake.requests).toHaveLength(1);
  });

  it('leaves the caller body unchanged', async () => {
    const { openai } = onion();
    const body = { model: 'gpt-4o', messages, temperature: null, metadata: { a: '1' } };
    const copy = structuredClone(body);
    await openai.chat.completions.create(body);
    expect(body).toEqual(copy);
    expect(fake.requests[0]?.body).not.toHaveProperty('temperature');
  });

  it('withOptions keeps the client for per-call options, and makes a new one to connect elsewhere', async () => {
    const { openai, ended, client } = onion();
    const tagged = openai.withOptions({ metadata: { tier: 'gold' } });
    expect(tagged.client).toBe(openai.client);
    await tagged.chat.completions.create({ model: 'gpt-4o', messages });
    await client.flush();
    expect(ended[0]?.metadata).toEqual({ tier: 'gold' });
    expect(() => openai.withOptions({ apiKey: 'sk-other' })).toThrow(
      /apiKey: is the client's to set/,
    );
    const own = new OpenAI({ apiKey: TEST_KEY, baseURL: fake.url });
    expect(own.withOptions({ timeout: 5 }).client).toBe(own.client);
    expect(own.withOptions({ baseURL: `${fake.url}/other` }).client).not.toBe(own.client);
  });

  it("lists a router's groups as models, and retrieves only those", async () => {
    const groups = router({
      modelList: [
        { modelName: 'fast', model: 'openai/gpt-4o-mini' },
        { modelName: 'smart', model: 'openai/gpt-4o' },
      ],
    });
    const openai = new OpenAI({ client: createClient({ middleware: [groups] }), models: groups });
    const ids: string[] = [];
    for await (const model of openai.models.list()) ids.push(model.id);
    expect(ids).toEqual(['fast', 'smart']);
    expect(await openai.models.retrieve('fast')).toEqual({
      id: 'fast',
      object: 'model',
      created: 0,
      owned_by: 'shallot',
    });
    const missing = await rejection(openai.models.retrieve('gpt-5'));
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing).toMatchObject({ status: 404, code: 'model_not_found' });
    expect((await new OpenAI({ apiKey: TEST_KEY }).models.list()).data).toEqual([]);
  });
});

describe('shallot/openai types', () => {
  it('types answers, chunks and messages with the openai package own types', async () => {
    const openai = new OpenAI({ client: createClient() });
    const history: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Hi' }];
    const mock = { shallot: { mockResponse: 'Hello' } };
    const completion = await openai.chat.completions.create(
      { model: 'gpt-4o', messages: history },
      mock,
    );
    expectTypeOf(completion).toEqualTypeOf<ChatCompletion>();
    const stream = await openai.chat.completions.create(
      { model: 'gpt-4o', messages: history, stream: true },
      mock,
    );
    for await (const chunk of stream) expectTypeOf(chunk).toEqualTypeOf<ChatCompletionChunk>();
    expectTypeOf(history).toEqualTypeOf<ChatCompletionMessageParam[]>();
    const embedded = openai.embeddings.create(
      { model: 'text-embedding-3-small', input: 'a' },
      { shallot: { mockResponse: [[1]] } },
    );
    expectTypeOf(embedded).resolves.toEqualTypeOf<CreateEmbeddingResponse>();
    expect((await embedded).data[0]?.embedding).toEqual([1]);
    expect(completion.choices[0]?.message.content).toBe('Hello');
  });
});

/** Fallbacks: the order models are tried in, per kind of failure, and what the caller and callbacks see. */
import {
  AllFallbacksFailedError,
  AuthenticationError,
  type CallbackKwargs,
  ContextWindowExceededError,
  RateLimitError,
  ServiceUnavailableError,
  ValidationError,
} from 'shallot';
import { describe, expect, it } from 'vitest';
import { ConformanceHandler } from '../../support/conformance-handler.js';
import { fixture, useFakeProvider } from '../../support/fake-provider.js';
import {
  errorReply,
  FAILED_THEN_SUCCEEDED,
  messages,
  modelsRequested,
  ok,
  resilientClient,
  unavailable,
} from '../../support/resilience.js';
import { rejectionOf } from '../../support/streams.js';

const contextWindow = errorReply(400, 'context_length_exceeded', 'too many tokens');
const contentPolicy = errorReply(400, 'content_policy_violation', 'flagged');
const rateLimited = errorReply(429, 'rate_limit_exceeded', 'slow down');
const noWait = { retry: { baseDelayMs: 0 } };

const fake = useFakeProvider();
/** A second provider, for the fallback to another provider altogether. */
const anthropic = useFakeProvider({ reply: { body: fixture('anthropic-messages.json') } });

describe('fallbacks', () => {
  it('are tried in order once the model’s own retries are spent, each with retries of its own', async () => {
    fake.reply(unavailable, unavailable, unavailable, ok);
    const { client } = resilientClient(fake, { numRetries: 1, ...noWait });
    const answer = await client.completion({
      model: 'gpt-4o',
      messages,
      fallbacks: ['openai/gpt-4.1-nano', 'openai/gpt-4o-mini'],
    });
    expect(answer.choices[0]?.message.content).toBeTruthy();
    expect(modelsRequested(fake)).toEqual(['gpt-4o', 'gpt-4o', 'gpt-4.1-nano', 'gpt-4.1-nano']);
  });

  it('a failure no retry helps (a bad key) still moves to the next model, as LiteLLM does', async () => {
    fake.reply(errorReply(401, 'invalid_api_key', 'bad key'), ok);
    const { client, failures } = resilientClient(fake, { numRetries: 3, ...noWait });
    await client.completion({ model: 'gpt-4o', messages, fallbacks: ['openai/gpt-4o-mini'] });
    expect(modelsRequested(fake)).toEqual(['gpt-4o', 'gpt-4o-mini']);
    expect(failures.map((failure) => [failure.model, failure.nextModel])).toEqual([
      ['gpt-4o', 'openai/gpt-4o-mini'],
    ]);
    expect(failures[0]?.error).toBeInstanceOf(AuthenticationError);
  });

  it('a fallback may be another provider altogether', async () => {
    fake.reply(unavailable);
    const { client } = resilientClient(fake, {
      providers: { anthropic: { apiKey: 'sk-ant-0123456789', apiBase: anthropic.url } },
    });
    const answer = await client.completion({
      model: 'gpt-4o',
      messages,
      fallbacks: ['anthropic/claude-sonnet-4-5'],
    });
    expect(answer.choices[0]?.message.content).toContain('Hello!');
    expect(anthropic.requests[0]?.path).toBe('/v1/messages');
    expect(anthropic.requests[0]?.body.model).toBe('claude-sonnet-4-5');
  });

  it('a fallback given as an object brings parameters of its own, for that model only', async () => {
    fake.reply(unavailable, unavailable, ok);
    const { client } = resilientClient(fake);
    await client.completion({
      model: 'gpt-4o',
      messages,
      temperature: 1,
      fallbacks: [
        { model: 'openai/gpt-4o-mini', temperature: 0, max_tokens: 50 },
        'openai/gpt-4.1-nano',
      ],
    });
    expect(fake.requests[0]?.body).toMatchObject({ model: 'gpt-4o', temperature: 1 });
    expect(fake.requests[1]?.body).toMatchObject({
      model: 'gpt-4o-mini',
      temperature: 0,
      max_tokens: 50,
    });
    expect(fake.requests[2]?.body).toMatchObject({ model: 'gpt-4.1-nano', temperature: 1 });
    expect(fake.requests[2]?.body).not.toHaveProperty('max_tokens');
  });

  it.each([
    ['a context window failure', contextWindow, 'openai/big-window'],
    ['a content policy failure', contentPolicy, 'openai/lenient'],
    ['a rate limit, once retries are spent', rateLimited, 'openai/other-quota'],
    ['any other failure', unavailable, 'openai/default'],
  ])('%s goes to its own list', async (_what, failure, expected) => {
    fake.reply(failure, ok);
    const { client } = resilientClient(fake);
    await client.completion({
      model: 'gpt-4o',
      messages,
      fallbacks: {
        contextWindow: ['openai/big-window'],
        contentPolicy: ['openai/lenient'],
        rateLimit: ['openai/other-quota'],
        default: ['openai/default'],
      },
    });
    expect(modelsRequested(fake)).toEqual(['gpt-4o', expected.replace('openai/', '')]);
  });

  it('a kind of failure with no list of its own, and no default, is not retried elsewhere', async () => {
    fake.reply(unavailable, ok);
    const { client } = resilientClient(fake);
    const failure = await rejectionOf(
      client.completion({
        model: 'gpt-4o',
        messages,
        fallbacks: { contextWindow: ['openai/big-window'] },
      }),
    );
    expect(failure).toBeInstanceOf(ServiceUnavailableError);
    expect(fake.requests).toHaveLength(1);
  });

  it('when every model fails, AllFallbacksFailedError lists every attempt’s error in order', async () => {
    fake.reply(unavailable, contextWindow, rateLimited);
    const { client } = resilientClient(fake, { numRetries: 1, ...noWait });
    const failure = await rejectionOf(
      client.completion({
        model: 'gpt-4o',
        messages,
        fallbacks: ['openai/gpt-4o-mini', 'openai/gpt-4.1-nano'],
      }),
    );
    expect(failure).toBeInstanceOf(AllFallbacksFailedError);
    const all = failure as AllFallbacksFailedError;
    expect(all.errors.map((each) => each.constructor)).toEqual([
      ServiceUnavailableError, // gpt-4o, retried
      ContextWindowExceededError, // gpt-4o again: no retry helps, on to the next model
      RateLimitError, // gpt-4o-mini, retried
      RateLimitError, // gpt-4o-mini again: retries spent
      RateLimitError, // gpt-4.1-nano, retried
      RateLimitError, // gpt-4.1-nano again: nothing left
    ]);
    expect(modelsRequested(fake)).toEqual([
      'gpt-4o',
      'gpt-4o',
      'gpt-4o-mini',
      'gpt-4o-mini',
      'gpt-4.1-nano',
      'gpt-4.1-nano',
    ]);
    expect(all.cause).toBe(all.errors.at(-1));
    expect(all.message).toContain('gpt-4o, openai/gpt-4o-mini, openai/gpt-4.1-nano');
    expect(all.message).toContain('6 attempt(s)');
  });

  it('a model is tried once: a fallback list that names it again skips it', async () => {
    fake.reply(unavailable);
    const { client } = resilientClient(fake);
    const failure = await rejectionOf(
      client.completion({
        model: 'openai/gpt-4o',
        messages,
        fallbacks: ['openai/gpt-4o', 'openai/gpt-4o-mini', 'openai/gpt-4o-mini'],
      }),
    );
    expect(failure).toBeInstanceOf(AllFallbacksFailedError);
    expect(modelsRequested(fake)).toEqual(['gpt-4o', 'gpt-4o-mini']);
  });

  it('bad fallbacks are refused before any request, naming the field', async () => {
    const { client } = resilientClient(fake);
    const failure = await rejectionOf(
      client.completion({ model: 'gpt-4o', messages, fallbacks: [42 as unknown as string] }),
    );
    expect(failure).toBeInstanceOf(ValidationError);
    expect((failure as ValidationError).message).toContain('fallbacks');
    expect(fake.requests).toHaveLength(0);
  });

  it('a fallback call gives pre, post, failure, pre, post, success, as LiteLLM’s router tests assert', async () => {
    fake.reply(unavailable, ok);
    const { client } = resilientClient(fake);
    const handler = new ConformanceHandler();
    client.callbacks = [handler];
    await client.completion({ model: 'gpt-4o', messages, fallbacks: ['openai/gpt-4o-mini'] });
    await client.flush();
    expect(handler.errors).toEqual([]);
    expect(handler.states).toEqual(FAILED_THEN_SUCCEEDED);
    const seen: CallbackKwargs[] = handler.seen;
    expect(seen.map((kwargs) => kwargs.model)).toEqual([
      'gpt-4o',
      'gpt-4o',
      'gpt-4o',
      'gpt-4o-mini',
      'gpt-4o-mini',
      'gpt-4o-mini',
    ]);
    expect(seen.map((kwargs) => kwargs.will_retry)).toEqual([
      false,
      false,
      true,
      false,
      false,
      false,
    ]);
    expect(new Set(seen.map((kwargs) => kwargs.litellm_params.litellm_trace_id)).size).toBe(1);
  });
});

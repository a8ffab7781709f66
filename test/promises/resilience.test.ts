/**
 * Resilience (docs/resilience.md): the factory checks its options once, saying what it
 * expected; a failure that no retry or fallback can help ends the call as it is.
 */
import {
  AllFallbacksFailedError,
  type Context,
  createClient,
  ServiceUnavailableError,
  ValidationError,
} from 'shallot';
import { cost } from 'shallot/middleware/cost';
import { resilience } from 'shallot/middleware/resilience';
import { describe, expect, it } from 'vitest';
import { fixture, useFakeProvider } from '../support/fake-provider.js';
import { rejectionOf } from '../support/streams.js';

const messages = [{ role: 'user' as const, content: 'Hi' }];

describe('resilience() options', () => {
  it('accept the bounds themselves: no retries, no waits, all of a wait as jitter', () => {
    expect(() =>
      resilience({ numRetries: 0, baseDelayMs: 0, maxDelayMs: 0, maxRetryAfterMs: 0, jitter: 1 }),
    ).not.toThrow();
    expect(() => resilience({ numRetries: 5, baseDelayMs: 0.5, jitter: 0 })).not.toThrow();
  });

  it.each([
    ['numRetries', -1, 'a whole number from 0', 'number -1'],
    ['numRetries', 1.5, 'a whole number from 0', 'number 1.5'],
    ['numRetries', '2', 'a whole number from 0', 'string "2"'],
    ['baseDelayMs', -5, 'a number of milliseconds from 0', 'number -5'],
    ['maxDelayMs', Number.NaN, 'a number of milliseconds from 0', 'number NaN'],
    ['maxRetryAfterMs', '100', 'a number of milliseconds from 0', 'string "100"'],
    ['jitter', 1.01, 'a number from 0 to 1', 'number 1.01'],
    ['jitter', -0.1, 'a number from 0 to 1', 'number -0.1'],
  ])('refuse %s: %s, saying what they expected', (name, value, expected, received) => {
    let error: unknown;
    try {
      resilience({ [name]: value } as never);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toContain(
      `resilience options.${name}: expected ${expected}, received ${received}.`,
    );
  });

  it('read no option of another layer: a whole number of milliseconds is not asked of a wait', () => {
    expect(() => resilience({ baseDelayMs: 250.5, maxDelayMs: 1000.25 })).not.toThrow();
  });
});

describe('cost() options', () => {
  it('price calls with the pricing given to the layer', async () => {
    let total: number | null | undefined;
    const client = createClient({
      middleware: [
        cost({ pricing: { 'acme/own': { inputCostPerToken: 1e-6, outputCostPerToken: 2e-6 } } }),
        async (ctx: Context, next) => {
          await next();
          total = ctx.cost?.total;
        },
      ],
    });
    await client.completion({
      model: 'acme/own',
      messages,
      mockResponse: {
        id: 'chatcmpl-own',
        object: 'chat.completion',
        created: 1,
        model: 'acme/own',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: 'ok' },
            finish_reason: 'stop',
            logprobs: null,
          },
        ],
        usage: { prompt_tokens: 100, completion_tokens: 10, total_tokens: 110 },
      },
    } as never);
    expect(total).toBeCloseTo(100 * 1e-6 + 10 * 2e-6, 15);
  });
});

describe('a failure no retry or fallback can help', () => {
  const fake = useFakeProvider();
  const overloaded = { status: 503, body: JSON.stringify({ error: { message: 'overloaded' } }) };

  /** A client whose attempt layer throws `error` for attempts at `model`. */
  function clientFailing(model: string, error: () => Error) {
    return createClient({
      providers: { openai: { apiKey: 'sk-resilience-promise-0123', apiBase: fake.url } },
      numRetries: 2,
      retry: { baseDelayMs: 0, jitter: 0 },
      attemptMiddleware: [
        async (ctx: Context, next) => {
          if (ctx.request.model === model) throw error();
          await next();
        },
      ],
    });
  }

  it('a ValidationError of the first model is neither retried nor passed to a fallback', async () => {
    fake.reply({ body: fixture('openai-chat.json') });
    const client = clientFailing(
      'gpt-4o',
      () => new ValidationError([{ field: 'messages', message: 'refused by a layer' }]),
    );

    const error = await rejectionOf(
      client.completion({ model: 'gpt-4o', messages, fallbacks: ['gpt-4o-mini'] }),
    );

    expect(error).toBeInstanceOf(ValidationError);
    expect(fake.requests).toHaveLength(0);
  });

  it('a ValidationError of a fallback ends the call as itself, not as AllFallbacksFailedError', async () => {
    fake.reply(overloaded);
    const client = clientFailing(
      'gpt-4o-mini',
      () => new ValidationError([{ field: 'messages', message: 'refused by a layer' }]),
    );

    const error = await rejectionOf(
      client.completion({ model: 'gpt-4o', messages, numRetries: 0, fallbacks: ['gpt-4o-mini'] }),
    );

    expect(error).toBeInstanceOf(ValidationError);
    expect(error).not.toBeInstanceOf(AllFallbacksFailedError);
    expect(fake.requests).toHaveLength(1);
  });

  it('a failure of every model otherwise ends as AllFallbacksFailedError listing each', async () => {
    fake.reply(overloaded);
    const client = clientFailing('none', () => new Error('unused'));

    const error = await rejectionOf(
      client.completion({ model: 'gpt-4o', messages, numRetries: 0, fallbacks: ['gpt-4o-mini'] }),
    );

    expect(error).toBeInstanceOf(AllFallbacksFailedError);
    expect((error as AllFallbacksFailedError).errors.map((each) => each.constructor)).toEqual([
      ServiceUnavailableError,
      ServiceUnavailableError,
    ]);
  });
});

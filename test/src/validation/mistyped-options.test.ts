import { Cache, createClient, ValidationError } from 'shallot';
import { describe, expect, it } from 'vitest';
import { useFakeProvider } from '../../support/fake-provider.js';

const fake = useFakeProvider({
  reply: {
    body: JSON.stringify({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 0,
      model: 'gpt-4o-mini',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'from the server' },
          finish_reason: 'stop',
        },
      ],
    }),
  },
});

// Declared as users declare it: TypeScript widens the role to string.
const messages = [{ role: 'user', content: 'Say hi' }];

function client() {
  return createClient({ providers: { openai: { apiKey: 'sk-test-key-0001', apiBase: fake.url } } });
}

/** The ValidationError a call gets, checking that nothing reached the provider. */
async function refusal(params: Record<string, unknown>): Promise<ValidationError> {
  const sent = fake.requests.length;
  const error = await client()
    .completion({ model: 'openai/gpt-4o-mini', messages, ...params } as never)
    .then(
      () => undefined,
      (caught: unknown) => caught,
    );
  expect(error).toBeInstanceOf(ValidationError);
  expect(fake.requests.length).toBe(sent);
  return error as ValidationError;
}

describe('a typo in one of shallot’s own options', () => {
  it.each([
    ['numRetry', 2, 'numRetries'],
    ['numretries', 2, 'numRetries'],
    ['timout', 5000, 'timeout'],
    ['fallback', ['openai/gpt-4o'], 'fallbacks'],
    ['mockResponce', 'hi', 'mockResponse'],
    ['totalTimeOut', 100, 'totalTimeout'],
    ['metdata', { user: 'u-1' }, 'metadata'],
  ])(
    '%s is refused before any network call, with "did you mean %s?"',
    async (key, value, meant) => {
      const error = await refusal({ [key]: value });
      expect(error.field).toBe(key);
      expect(error.message).toContain(`did you mean ${meant}?`);
    },
  );

  it('a camelCase spelling of a provider’s parameter is refused with its snake_case name', async () => {
    const error = await refusal({ maxTokens: 100 });
    expect(error.field).toBe('maxTokens');
    expect(error.message).toMatch(/snake_case: did you mean max_tokens\?/);
  });

  it('a camelCase key like no option nor parameter lists shallot’s options', async () => {
    const error = await refusal({ fooBarBaz: 1 });
    expect(error.message).toMatch(/fooBarBaz: is neither one of shallot's options/);
    expect(error.message).toContain('numRetries');
  });

  it('names every mistyped key at once', async () => {
    const error = await refusal({ numRetry: 1, maxTokens: 5 });
    expect(error.issues.map((issue) => issue.field)).toEqual(['numRetry', 'maxTokens']);
  });
});

describe('parameters that still reach the provider', () => {
  it('passes unknown snake_case and short lowercase parameters through unchanged', async () => {
    await client().completion({
      model: 'openai/gpt-4o-mini',
      messages,
      top_k: 40,
      store: true,
      verbosity: 'low',
    });
    expect(fake.requests.at(-1)?.body).toMatchObject({ top_k: 40, store: true, verbosity: 'low' });
  });

  it('passes Gemini’s own camelCase parameters through to Gemini', async () => {
    fake.reply({
      body: JSON.stringify({
        candidates: [{ content: { role: 'model', parts: [{ text: 'hi' }] }, finishReason: 'STOP' }],
        usageMetadata: { promptTokenCount: 2, candidatesTokenCount: 1, totalTokenCount: 3 },
      }),
    });
    const gemini = createClient({
      providers: { gemini: { apiKey: 'gm-test-key', apiBase: fake.url } },
    });
    await gemini.completion({ model: 'gemini/gemini-2.5-flash', messages, topK: 3 });
    expect(fake.requests.at(-1)?.body).toMatchObject({ generationConfig: { topK: 3 } });
  });
});

describe('LiteLLM’s spellings of shallot’s options', () => {
  it('mock_response answers from the mock, with no network call', async () => {
    const sent = fake.requests.length;
    const answer = await client().completion({
      model: 'openai/gpt-4o-mini',
      messages,
      mock_response: 'hi',
    });
    expect(answer.choices[0]?.message.content).toBe('hi');
    expect(fake.requests.length).toBe(sent);
  });

  it('api_key and num_retries are taken as apiKey and numRetries, never sent in the body', async () => {
    const keyless = createClient({ providers: { openai: { apiBase: fake.url } } });
    await keyless.completion({
      model: 'openai/gpt-4o-mini',
      messages,
      api_key: 'sk-from-litellm-spelling',
      num_retries: 0,
    });
    const request = fake.requests.at(-1);
    expect(request?.headers.authorization).toBe('Bearer sk-from-litellm-spelling');
    expect(request?.body).not.toHaveProperty('api_key');
    expect(request?.body).not.toHaveProperty('num_retries');
  });

  it('refuses an option given in both spellings, naming the LiteLLM one', async () => {
    const error = await refusal({ mock_response: 'a', mockResponse: 'b' });
    expect(error.field).toBe('mock_response');
    expect(error.message).toMatch(/LiteLLM's spelling of mockResponse.*Keep one of them/);
  });
});

describe('a model name with an empty part', () => {
  it.each(['openai/', '/gpt-4o-mini'])('%s is refused as model: "" is', async (model) => {
    const error = await refusal({ model });
    expect(error.field).toBe('model');
    expect(error.message).toMatch(/model: has an empty provider or model name/);
  });
});

describe('createClient options', () => {
  it.each([
    [{ numRetry: 3 }, 'numRetry', 'numRetries'],
    [{ providers: { openai: { api_key: 'sk-x' } } }, 'providers.openai.api_key', 'apiKey'],
    [{ retry: { baseDelay: 100 } }, 'retry.baseDelay', 'baseDelayMs'],
    [{ redact: { message: true } }, 'redact.message', 'messages'],
  ])('refuses the unknown key of %j, with the one it probably means', (options, field, meant) => {
    let caught: unknown;
    try {
      createClient(options as never);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).field).toBe(field);
    expect((caught as ValidationError).message).toContain(`did you mean ${meant}?`);
  });

  it('lists the known options when nothing is near', () => {
    expect(() => createClient({ zzz: 1 } as never)).toThrow(
      /zzz: is not a known option: the known ones are middleware, .*numRetries, retry\./,
    );
  });
});

describe('Cache options', () => {
  it.each([
    [{ tll: 60 }, 'ttl'],
    [{ type: 'redis', hots: '127.0.0.1' }, 'host'],
    [{ maxEntry: 5 }, 'maxEntries'],
  ])(
    'refuse the unknown key of %j, with the one it probably means, before connecting',
    (options, meant) => {
      expect(() => new Cache(options as never)).toThrow(
        new RegExp(`Cache options\\.\\w+: is not a known option: did you mean ${meant}\\?`),
      );
    },
  );
});

import { createClient, ValidationError } from 'shallot';
import { describe, expect, it } from 'vitest';
import { useFakeProvider } from '../../support/fake-provider.js';

const fake = useFakeProvider({ reply: { status: 500, body: '{}' } });

const messages = [{ role: 'user' as const, content: 'Hi' }];

async function validationError(params: unknown): Promise<ValidationError> {
  const client = createClient({ providers: { openai: { apiKey: 'sk-test', apiBase: fake.url } } });
  try {
    await client.completion(params as never);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('expected a ValidationError, and the call succeeded');
}

describe('input validation', () => {
  it.each([
    ['a missing model', { messages }, 'model', /model: is required\. Pass a model name/],
    [
      'messages that are not an array',
      { model: 'gpt-4o', messages: 'hi' },
      'messages',
      /messages: expected an array, received string "hi"\. Pass an array of messages/,
    ],
    [
      'empty messages',
      { model: 'gpt-4o', messages: [] },
      'messages',
      /messages: must have at least 1 item/,
    ],
    [
      'a role that does not exist',
      { model: 'gpt-4o', messages: [{ role: 'bot', content: 'x' }] },
      'messages[0].role',
      /messages\[0\]\.role: expected one of .*'user'.*, received string "bot"\. Use one of/,
    ],
    [
      'temperature: "hot"',
      { model: 'gpt-4o', messages, temperature: 'hot' },
      'temperature',
      /temperature: expected a number, received string "hot"\. Use a number from 0 to 2\./,
    ],
    [
      'a temperature out of range',
      { model: 'gpt-4o', messages, temperature: 3 },
      'temperature',
      /temperature: must be at most 2, received number 3/,
    ],
    [
      'a tool message without tool_call_id',
      { model: 'gpt-4o', messages: [{ role: 'tool', content: '42' }] },
      'messages[0].tool_call_id',
      /tool_call_id: is required\. Set tool_call_id/,
    ],
    [
      'a negative timeout',
      { model: 'gpt-4o', messages, timeout: -1 },
      'timeout',
      /timeout: must be greater than 0, received number -1\. Pass a positive number of milliseconds/,
    ],
    [
      'an apiBase that is not a URL',
      { model: 'gpt-4o', messages, apiBase: 'localhost:8000' },
      'apiBase',
      /apiBase: .*Pass an http\(s\) URL/,
    ],
  ])(
    'names the field and the fix for %s, before any network call',
    async (_case, params, field, message) => {
      const sent = fake.requests.length;
      const error = await validationError(params);
      expect(error.field).toBe(field);
      expect(error.message).toMatch(message);
      expect(error.code).toBe('validation');
      expect(fake.requests.length).toBe(sent);
    },
  );

  it('lists every problem, first one in the message', async () => {
    const error = await validationError({ messages: 'x', temperature: 'hot' });
    expect(error.issues.map((issue) => issue.field)).toEqual(['model', 'messages', 'temperature']);
    expect(error.message).toContain('(and 2 more problem(s))');
  });

  it('never echoes an apiKey of the wrong type', async () => {
    const error = await validationError({ model: 'gpt-4o', messages, apiKey: 12345678901234 });
    expect(error.field).toBe('apiKey');
    expect(error.message).not.toContain('12345678901234');
  });

  it('never echoes a provider’s apiKey or header of the wrong type in createClient options', () => {
    let error: unknown;
    try {
      createClient({
        providers: { openai: { apiKey: 12345678901234, headers: { 'x-api-key': 98765432109876 } } },
      } as never);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const { issues } = error as ValidationError;
    expect(issues.map((issue) => issue.field)).toEqual([
      'providers.openai.apiKey',
      'providers.openai.headers.x-api-key',
    ]);
    expect(JSON.stringify(issues)).not.toMatch(/12345678901234|98765432109876/);
  });

  it('rejects params that are not an object', async () => {
    const error = await validationError('gpt-4o');
    expect(error.message).toContain('expected an object');
  });

  it('passes unknown provider parameters through unchanged, and leaves the caller’s object alone', async () => {
    fake.reply({
      body: JSON.stringify({
        id: 'x',
        object: 'chat.completion',
        created: 0,
        model: 'gpt-4o-mini',
        choices: [],
      }),
    });
    const params = { model: 'gpt-4o', messages, top_k: 40, reasoning_effort: 'low' };
    const frozen = structuredClone(params);
    const client = createClient({
      providers: { openai: { apiKey: 'sk-test', apiBase: fake.url } },
      middleware: [
        async (ctx, next) => {
          if (ctx.kind !== 'completion') return next();
          ctx.request.messages.push({ role: 'user', content: 'added by a layer' });
          await next();
        },
      ],
    });
    await client.completion(params);
    expect(fake.requests.at(-1)?.body).toMatchObject({ top_k: 40, reasoning_effort: 'low' });
    expect(params).toEqual(frozen);
  });

  it('checks createClient options once, at construction', () => {
    expect(() => createClient({ timeout: 'soon' } as never)).toThrow(
      /timeout: expected a number, received string "soon"/,
    );
    expect(() => createClient({ providers: { local: {} } })).toThrow(
      /providers\.local\.apiBase: "local" is not a built-in provider/,
    );
    expect(() => createClient().use('not a function' as never)).toThrow(ValidationError);
  });
});

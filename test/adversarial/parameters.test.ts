import { inspect } from 'node:util';
import { type Client, createClient, UnexpectedError, ValidationError } from 'shallot';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixture, useFakeProvider } from '../support/fake-provider.js';

const fake = useFakeProvider({ reply: { body: fixture('openai-chat.json') } });
let client: Client;
beforeAll(() => {
  client = createClient({ providers: { openai: { apiKey: 'sk-test', apiBase: fake.url } } });
});

const model = 'openai/gpt-4o-mini';
const messages = [{ role: 'user' as const, content: 'hi' }];

/** The error a call rejects with, after checking that nothing reached the provider. */
async function refusal(params: unknown): Promise<ValidationError> {
  const sent = fake.requests.length;
  const error: unknown = await client.completion(params as never).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(fake.requests.length).toBe(sent);
  expect(error).not.toBeInstanceOf(UnexpectedError);
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

/** An object `levels` objects deep, built without recursion. */
function nested(levels: number): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  let current = root;
  for (let level = 1; level < levels; level++) {
    const next: Record<string, unknown> = {};
    current.next = next;
    current = next;
  }
  return root;
}

function circular(): Record<string, unknown> {
  const value: Record<string, unknown> = { name: 'loop' };
  value.self = value;
  return value;
}

describe('hostile parameters', () => {
  it('refuses a "__proto__" key spread from JSON.parse, so it can neither stream nor set temperature', async () => {
    const untrusted = JSON.parse(
      '{"messages":[{"role":"user","content":"hi"}],"__proto__":{"stream":true,"temperature":1.9}}',
    );
    const error = await refusal({ ...untrusted, model });
    expect(error.field).toBe('__proto__');
    expect(error.message).toMatch(/^__proto__: .*Remove the "__proto__" key/);
  });

  it.each([
    [
      'a message',
      { messages: JSON.parse('[{"role":"user","content":"hi","__proto__":{"role":"tool"}}]') },
      'messages[0].__proto__',
    ],
    [
      'metadata',
      { messages, metadata: JSON.parse('{"user":"u-1","__proto__":{"admin":true}}') },
      'metadata.__proto__',
    ],
    [
      'a tool’s parameters',
      {
        messages,
        tools: JSON.parse(
          '[{"type":"function","function":{"name":"f","parameters":{"__proto__":{"type":"object"}}}}]',
        ),
      },
      'tools[0].function.parameters.__proto__',
    ],
  ])(
    'refuses "__proto__" inside %s, naming its path, and leaves Object.prototype and Array.prototype as they were',
    async (_where, params, field) => {
      const error = await refusal({ model, ...params });
      expect(error.field).toBe(field);
      expect(Object.keys(Object.prototype)).toEqual([]);
      expect(Object.keys(Array.prototype)).toEqual([]);
      expect(({} as Record<string, unknown>).admin).toBeUndefined();
      expect(({} as Record<string, unknown>).role).toBeUndefined();
    },
  );

  it.each([
    ['a circular unknown parameter', { reasoning: circular() }, 'reasoning.self', /a cycle/],
    ['a circular metadata', { metadata: { trace: circular() } }, 'metadata.trace.self', /a cycle/],
    ['a BigInt unknown parameter', { top_k: 40n }, 'top_k', /is a BigInt/],
    ['a BigInt in metadata', { metadata: { userId: 7n } }, 'metadata.userId', /is a BigInt/],
    [
      'a metadata 100,000 levels deep',
      { metadata: nested(100_000) },
      `metadata${'.next'.repeat(64)}`,
      /deeper than 64 levels/,
    ],
    [
      'an unknown parameter 100,000 levels deep',
      { extra_body: nested(100_000) },
      `extra_body${'.next'.repeat(64)}`,
      /deeper than 64 levels/,
    ],
  ])(
    'refuses %s with a ValidationError naming the field, before any network call',
    async (_case, params, field, problem) => {
      const error = await refusal({ model, messages, ...params });
      expect(error.field).toBe(field);
      expect(error.message).toMatch(problem);
      expect(error.code).toBe('validation');
    },
  );

  it.each([
    [
      'an apiBase with a password',
      (secret: string) => ({ model, messages, apiBase: `ftp://user:${secret}@host/v1` }),
    ],
    [
      'an apiBase whose userinfo is a token',
      (secret: string) => ({ model, messages, apiBase: `ws://${secret}@host/v1` }),
    ],
  ])('masks the credentials of %s in every form of the ValidationError', async (_case, params) => {
    const secret = 'sk-secret-key-123456';
    const error = await refusal(params(secret));
    expect(error.field).toBe('apiBase');
    expect(error.message).toMatch(/received string "(ftp:\/\/user:|ws:\/\/)\*\*\*\*@host\/v1"/);
    for (const form of [
      error.message,
      error.stack,
      JSON.stringify(error),
      inspect(error, { depth: 10 }),
    ]) {
      expect(form).not.toContain(secret);
    }
  });

  it('masks the credentials of a client’s apiBase when createClient refuses it', () => {
    const secret = 'sk-secret-key-123456';
    let error: unknown;
    try {
      createClient({ providers: { openai: { apiBase: `ftp://user:${secret}@host/v1` } } });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toContain('ftp://user:****@host/v1');
    expect(inspect(error, { depth: 10 })).not.toContain(secret);
  });
});

describe('names that are keys of Object.prototype', () => {
  for (const prefix of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
    it(`a model "${prefix}/x" names no provider: a ValidationError, before any network call`, async () => {
      const error = await refusal({ model: `${prefix}/x`, messages });
      expect(error.field).toBe('model');
      expect(error.message).toContain(`unknown provider "${prefix}"`);
    });
  }

  it('a bare model "constructor" goes to the default provider, and a finish reason "constructor" reads as other', async () => {
    const answer = JSON.parse(fixture('openai-chat.json'));
    answer.choices[0].finish_reason = 'constructor';
    fake.reply({ body: JSON.stringify(answer) });
    try {
      const result = await client.completion({ model: 'constructor', messages });
      expect(result.choices[0]?.finish_reason).toBe('other');
      expect(result.choices[0]?.provider_finish_reason).toBe('constructor');
      expect(fake.requests.at(-1)?.body.model).toBe('constructor');
    } finally {
      fake.reply({ body: fixture('openai-chat.json') });
    }
  });
});

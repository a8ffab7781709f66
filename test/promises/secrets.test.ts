/**
 * Secrets never leave unmasked (docs/security.md): which values of a call are its secrets,
 * how `maskSecrets` masks them in text and in any value, and how an error that holds one, in
 * any field or in its cause, shows it masked once the call ends.
 */
import {
  AllFallbacksFailedError,
  type Context,
  createClient,
  maskSecret,
  RateLimitError,
  ServiceUnavailableError,
  type ShallotError,
} from 'shallot';
import { maskSecrets, Secret, secretsOf, showHeaders } from 'shallot/kit';
import { describe, expect, it } from 'vitest';
import { fixture, useFakeProvider } from '../support/fake-provider.js';
import { rejectionOf } from '../support/streams.js';

const KEY = 'sk-promise-0123456789abcdef';
const MASKED = maskSecret(KEY);
const messages = [{ role: 'user' as const, content: 'Hi' }];

describe('maskSecrets() on text', () => {
  it('masks every occurrence of each secret', () => {
    expect(maskSecrets(`a ${KEY} b ${KEY}`, [KEY])).toBe(`a ${MASKED} b ${MASKED}`);
  });

  it('leaves a secret of fewer than four characters alone, where masking would hide ordinary words', () => {
    expect(maskSecrets('the cat sat', ['cat'])).toBe('the cat sat');
    expect(maskSecrets('the cats sat', ['cats'])).toBe('the **** sat');
  });

  it('leaves text without the secret as it is', () => {
    expect(maskSecrets('nothing to hide', [KEY])).toBe('nothing to hide');
  });
});

describe('maskSecrets() on a value', () => {
  it('is the value itself when there are no secrets to mask', () => {
    const value = { a: KEY };
    expect(maskSecrets(value, [])).toBe(value);
  });

  it('masks every string of a copy, at any depth, leaving the original and other values alone', () => {
    const value = { note: `key ${KEY}`, list: [KEY, 1, null, true], nested: { deeper: { KEY } } };
    const masked = maskSecrets(value, [KEY]);
    expect(masked).toEqual({
      note: `key ${MASKED}`,
      list: [MASKED, 1, null, true],
      nested: { deeper: { KEY: MASKED } },
    });
    expect(value.note).toBe(`key ${KEY}`);
  });

  it('gives a copy whose fields are ordinary: listed, and writable', () => {
    const masked = maskSecrets({ note: KEY }, [KEY]) as { note: string };
    expect(Object.keys(masked)).toEqual(['note']);
    masked.note = 'changed';
    expect(masked.note).toBe('changed');
  });

  it('keeps a __proto__ key an own key, never a prototype', () => {
    const value = JSON.parse(`{"__proto__": {"polluted": "${KEY}"}}`);
    const masked = maskSecrets(value, [KEY]) as Record<string, unknown>;
    expect(Object.getPrototypeOf(masked)).toBe(Object.prototype);
    expect(Object.hasOwn(masked, '__proto__')).toBe(true);
    expect(JSON.stringify(masked)).toBe(`{"__proto__":{"polluted":"${MASKED}"}}`);
  });

  it('replaces a cycle with "[circular]"', () => {
    const value: Record<string, unknown> = { key: KEY };
    value.self = value;
    expect(maskSecrets(value, [KEY])).toEqual({ key: MASKED, self: '[circular]' });
  });

  it('walks 64 levels and replaces what is deeper with "[too deep]"', () => {
    const build = (levels: number) => {
      let value: unknown = KEY;
      for (let level = 0; level < levels; level++) value = { inner: value };
      return value;
    };
    const depthOf = (value: unknown): { depth: number; leaf: unknown } => {
      let depth = 0;
      let node = value;
      while (node !== null && typeof node === 'object') {
        node = (node as { inner: unknown }).inner;
        depth++;
      }
      return { depth, leaf: node };
    };
    expect(depthOf(maskSecrets(build(64), [KEY]))).toEqual({ depth: 64, leaf: MASKED });
    expect(depthOf(maskSecrets(build(65), [KEY]))).toEqual({ depth: 64, leaf: '[too deep]' });
  });
});

describe('maskSecret() and headers', () => {
  it('keeps only a leading Bearer: the word inside a value is part of the value', () => {
    expect(maskSecret('token Bearer abcdefghijklmnop')).toBe('toke****mnop');
  });

  it('shows a Secret header value masked, a plain credential header masked, and other headers as they are', () => {
    expect(
      showHeaders({
        authorization: new Secret(`Bearer ${KEY}`),
        'x-api-key': KEY,
        accept: 'application/json',
      }),
    ).toEqual({
      authorization: `Bearer ${MASKED}`,
      'x-api-key': MASKED,
      accept: 'application/json',
    });
  });
});

describe('the secrets of a call', () => {
  const fake = useFakeProvider({ reply: { body: fixture('openai-chat.json') } });

  /** The secrets each attempt of a call saw, the call made with `options` on a client of `clientOptions`. */
  async function secretsSeen(
    clientOptions: Parameters<typeof createClient>[0],
    options: Record<string, unknown> = {},
  ): Promise<Array<readonly string[]>> {
    const seen: Array<readonly string[]> = [];
    const client = createClient({
      ...clientOptions,
      attemptMiddleware: [
        async (ctx: Context, next) => {
          seen.push(secretsOf(ctx));
          await next();
        },
      ],
    });
    await client.completion({ model: 'gpt-4o-mini', messages, ...options } as never);
    return seen;
  }

  it('are the key, and the token of an Authorization header without its Bearer', async () => {
    const [secrets] = await secretsSeen(
      { providers: { openai: { apiKey: KEY, apiBase: fake.url } } },
      { headers: { Authorization: 'Bearer  other-token-0123 ', 'x-trace': 'not-a-secret' } },
    );
    expect(secrets).toEqual([KEY, 'other-token-0123']);
  });

  it('include the credential headers of the client and of the call, but not other headers', async () => {
    const [secrets] = await secretsSeen(
      {
        providers: {
          openai: { apiKey: KEY, apiBase: fake.url, headers: { 'x-api-key': 'client-header-key' } },
        },
      },
      { headers: { 'api-key': 'call-header-key', 'x-request-note': 'plain-header-value' } },
    );
    expect(secrets).toContain('client-header-key');
    expect(secrets).toContain('call-header-key');
    expect(secrets).not.toContain('plain-header-value');
  });

  it('include the password of an apiBase, decoded, and nothing for one without a password', async () => {
    const withPassword = new URL(fake.url);
    withPassword.username = 'user';
    withPassword.password = 'pa%24%24word-1';
    const [secrets] = await secretsSeen(
      { providers: { openai: { apiKey: KEY, apiBase: fake.url } } },
      { apiBase: withPassword.href },
    );
    expect(secrets).toEqual([KEY, 'pa$$word-1']);

    const userOnly = new URL(fake.url);
    userOnly.username = 'user';
    const [none] = await secretsSeen(
      { providers: { openai: { apiKey: KEY, apiBase: fake.url } } },
      { apiBase: userOnly.href },
    );
    expect(none).toEqual([KEY]);
  });

  it('leave out a secret that holds another one, and values shorter than four characters', async () => {
    const [secrets] = await secretsSeen(
      { providers: { openai: { apiKey: KEY, apiBase: fake.url } } },
      { headers: { 'x-api-key': `${KEY}-suffix`, 'api-key': 'abc' } },
    );
    expect(secrets).toEqual([KEY]);
  });

  it('are the call’s own key, worked out once per attempt', async () => {
    const seen: Array<readonly string[]> = [];
    const client = createClient({
      providers: { openai: { apiBase: fake.url } },
      attemptMiddleware: [
        async (ctx: Context, next) => {
          seen.push(secretsOf(ctx), secretsOf(ctx));
          await next();
        },
      ],
    });
    await client.completion({ model: 'gpt-4o-mini', messages, apiKey: KEY });
    expect(seen[0]).toEqual([KEY]);
    expect(seen[1]).toBe(seen[0]);
  });

  it('are none for an endpoint without a key', async () => {
    const [secrets] = await secretsSeen(
      { providers: { local: { apiBase: fake.url } } },
      { model: 'local/llm' },
    );
    expect(secrets).toEqual([]);
  });

  it('follow the call to a fallback model with another key', async () => {
    fake.reply(
      { status: 503, body: JSON.stringify({ error: { message: 'overloaded' } }) },
      { body: fixture('anthropic-messages.json') },
    );
    const anthropicKey = 'sk-ant-promise-0123456789';
    const seen = await secretsSeen(
      {
        providers: {
          openai: { apiKey: KEY, apiBase: fake.url },
          anthropic: { apiKey: anthropicKey, apiBase: fake.url.replace(/\/v1$/, '') },
        },
      },
      { fallbacks: ['anthropic/claude-sonnet-4-5'] },
    );
    expect(seen).toEqual([[KEY], [anthropicKey]]);
  });
});

describe('an error that holds the key, once the call ends', () => {
  /** The error a call ends with when a layer throws `error`. */
  async function endedWith(error: Error, apiKey = KEY): Promise<ShallotError> {
    const client = createClient({
      providers: { openai: { apiKey, apiBase: 'http://127.0.0.1:9/v1' } },
    });
    client.use(async () => {
      throw error;
    });
    return (await rejectionOf(
      client.completion({ model: 'gpt-4o-mini', messages }),
    )) as ShallotError;
  }

  it('shows it masked in its message, body, request id and partial answer', async () => {
    const error = await endedWith(
      new ServiceUnavailableError({
        message: `refused ${KEY}`,
        requestId: `req-${KEY}`,
        body: { error: { message: `bad key ${KEY}` }, count: 3 },
        partialResponse: {
          id: 'chatcmpl-1',
          object: 'chat.completion',
          created: 1,
          model: 'gpt-4o-mini',
          choices: [
            { index: 0, message: { role: 'assistant', content: KEY }, finish_reason: null },
          ],
        },
      }),
    );
    expect(error.message).toBe(`refused ${MASKED}`);
    expect(error.requestId).toBe(`req-${MASKED}`);
    expect(error.body).toEqual({ error: { message: `bad key ${MASKED}` }, count: 3 });
    expect(error.partialResponse?.choices[0]?.message.content).toBe(MASKED);
    expect(error.stack).not.toContain(KEY);
  });

  it('keeps its fields as they were: the message not listed, and every field writable', async () => {
    const error = await endedWith(new ServiceUnavailableError({ message: `refused ${KEY}` }));
    expect(Object.keys(error)).not.toContain('message');
    error.message = 'rewritten by the caller';
    expect(error.message).toBe('rewritten by the caller');
  });

  it('never changes its code, status or retry hint, even when the key happens to be part of them', async () => {
    const error = await endedWith(
      new RateLimitError({ message: 'slow down', status: 429, retryAfterMs: 1000 }),
      'rate',
    );
    expect(error.code).toBe('rate_limit');
    expect(error.status).toBe(429);
    expect(error.retryAfterMs).toBe(1000);
  });

  it('masks a cause given as text, or as a plain object', async () => {
    const fromText = await endedWith(
      new ServiceUnavailableError({ message: 'failed', cause: `because ${KEY}` }),
    );
    expect(fromText.cause).toBe(`because ${MASKED}`);
    const fromObject = await endedWith(
      new ServiceUnavailableError({ message: 'failed', cause: { detail: KEY, code: 7 } }),
    );
    expect(fromObject.cause).toEqual({ detail: MASKED, code: 7 });
    const fromNumber = await endedWith(
      new ServiceUnavailableError({ message: 'failed', cause: 42 }),
    );
    expect(fromNumber.cause).toBe(42);
  });

  it('replaces a cause Error that holds the key with a masked copy of the same class, and leaves the thrower’s own untouched', async () => {
    const original = new TypeError(`socket said ${KEY}`);
    const error = await endedWith(
      new ServiceUnavailableError({ message: 'failed', cause: original }),
    );
    const cause = error.cause as Error;
    expect(cause).not.toBe(original);
    expect(cause).toBeInstanceOf(TypeError);
    expect(cause.message).toBe(`socket said ${MASKED}`);
    expect(cause.stack).not.toContain(KEY);
    expect(original.message).toBe(`socket said ${KEY}`);
  });

  it('keeps a cause Error that holds no key as it is', async () => {
    const original = new TypeError('socket hang up');
    const error = await endedWith(
      new ServiceUnavailableError({ message: 'failed', cause: original }),
    );
    expect(error.cause).toBe(original);
  });

  it('masks a shallot error given as its cause, in place', async () => {
    const inner = new RateLimitError({ message: `inner ${KEY}` });
    const error = await endedWith(new ServiceUnavailableError({ message: 'outer', cause: inner }));
    expect(error.cause).toBe(inner);
    expect(inner.message).toBe(`inner ${MASKED}`);
  });

  it('masks every error that an AllFallbacksFailedError lists', async () => {
    const first = new RateLimitError({ message: `first ${KEY}` });
    const second = new ServiceUnavailableError({ message: `second ${KEY}` });
    const error = (await endedWith(
      new AllFallbacksFailedError({
        message: 'all failed',
        errors: [first, second],
        cause: second,
      }),
    )) as AllFallbacksFailedError;
    expect(error.errors.map((each) => each.message)).toEqual([
      `first ${MASKED}`,
      `second ${MASKED}`,
    ]);
  });

  it('masks the strings of a list that holds no errors', async () => {
    const error = new ServiceUnavailableError({ message: 'failed' });
    Object.defineProperty(error, 'attempts', {
      value: [`tried ${KEY}`, 2],
      enumerable: true,
      writable: true,
      configurable: true,
    });
    const ended = (await endedWith(error)) as unknown as { attempts: unknown[] };
    expect(ended.attempts).toEqual([`tried ${MASKED}`, 2]);
  });
});

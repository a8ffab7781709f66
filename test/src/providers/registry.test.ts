import { AuthenticationError, createClient, ValidationError } from 'shallot';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fixture, useFakeProvider } from '../../support/fake-provider.js';

const messages = [{ role: 'user' as const, content: 'Hi' }];

const fake = useFakeProvider({ reply: { body: fixture('openai-chat.json') } });
afterEach(() => {
  vi.unstubAllEnvs();
});

const lastRequest = () => fake.requests.at(-1);

describe('provider resolution', () => {
  it('sends openai/model to OpenAI settings with the prefix removed', async () => {
    const client = createClient({ providers: { openai: { apiKey: 'sk-a', apiBase: fake.url } } });
    await client.completion({ model: 'openai/gpt-4o-mini', messages });
    expect(lastRequest()?.body.model).toBe('gpt-4o-mini');
  });

  it('sends name/model to a configured OpenAI-compatible endpoint, without auth when it has no key', async () => {
    const client = createClient({
      providers: { local: { apiBase: fake.url, headers: { 'x-team': 'search' } } },
      pricing: { 'local/llama3.2': { inputCostPerToken: 0, outputCostPerToken: 0 } },
    });
    await client.completion({ model: 'local/llama3.2', messages });
    expect(lastRequest()?.body.model).toBe('llama3.2');
    expect(lastRequest()?.headers.authorization).toBeUndefined();
    expect(lastRequest()?.headers['x-team']).toBe('search');
  });

  it('sends the whole model name to a call-level apiBase when the prefix is not a provider', async () => {
    await createClient().completion({
      model: 'meta-llama/Llama-3.1-8B',
      messages,
      apiBase: fake.url,
    });
    expect(lastRequest()?.body.model).toBe('meta-llama/Llama-3.1-8B');
  });

  it('rejects an unknown provider prefix without apiBase, naming the ways to fix it', async () => {
    const error = await createClient()
      .completion({ model: 'acme/model-1', messages })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('model');
    expect((error as Error).message).toMatch(
      /unknown provider "acme".*pass apiBase.*providers: \{ acme/,
    );
  });

  it('fails with an AuthenticationError naming OPENAI_API_KEY before any network call when no key is found', async () => {
    vi.stubEnv('OPENAI_API_KEY', '');
    vi.stubEnv('OPENAI_API_BASE', '');
    vi.stubEnv('OPENAI_BASE_URL', '');
    const sent = fake.requests.length;
    const error = await createClient()
      .completion({ model: 'gpt-4o-mini', messages })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toContain('Set OPENAI_API_KEY');
    expect(fake.requests.length).toBe(sent);
  });

  it('falls back to OPENAI_API_KEY and OPENAI_API_BASE from the environment', async () => {
    vi.stubEnv('OPENAI_API_KEY', 'sk-from-env-123456');
    vi.stubEnv('OPENAI_API_BASE', fake.url);
    await createClient().completion({ model: 'gpt-4o-mini', messages });
    expect(lastRequest()?.headers.authorization).toBe('Bearer sk-from-env-123456');
  });

  it('prefers the call’s key, then the client’s, then the environment', async () => {
    vi.stubEnv('OPENAI_API_KEY', 'sk-env');
    const client = createClient({
      providers: { openai: { apiKey: 'sk-client', apiBase: fake.url } },
    });
    await client.completion({ model: 'gpt-4o-mini', messages });
    expect(lastRequest()?.headers.authorization).toBe('Bearer sk-client');
    await client.completion({ model: 'gpt-4o-mini', messages, apiKey: 'sk-call' });
    expect(lastRequest()?.headers.authorization).toBe('Bearer sk-call');
  });

  it('sends organization, project, provider and call headers', async () => {
    const client = createClient({
      providers: {
        openai: {
          apiKey: 'sk-a',
          apiBase: fake.url,
          organization: 'org-1',
          project: 'proj-1',
          headers: { 'x-a': '1' },
        },
      },
    });
    await client.completion({ model: 'gpt-4o-mini', messages, headers: { 'x-b': '2' } });
    expect(lastRequest()?.headers).toMatchObject({
      'openai-organization': 'org-1',
      'openai-project': 'proj-1',
      'x-a': '1',
      'x-b': '2',
    });
  });

  it('exposes the resolved provider on the context', async () => {
    const seen: unknown[] = [];
    const client = createClient({
      providers: { openai: { apiKey: 'sk-a', apiBase: fake.url } },
      middleware: [
        async (ctx, next) => {
          seen.push({
            name: ctx.provider.name,
            model: ctx.provider.model,
            apiBase: ctx.provider.apiBase,
          });
          await next();
        },
      ],
    });
    await client.completion({ model: 'openai/gpt-4o-mini', messages });
    expect(seen).toEqual([{ name: 'openai', model: 'gpt-4o-mini', apiBase: fake.url }]);
  });

  it.each([
    ['claude-3-haiku-20240307', 'anthropic', 'x-api-key'],
    ['claude-haiku-4-5', 'anthropic', 'x-api-key'],
    ['gemini-2.5-flash', 'gemini', 'x-goog-api-key'],
    ['gpt-4o', 'openai', 'authorization'],
  ])(
    'routes the bare name %s to %s through the price table or its prefix',
    async (model, provider, keyHeader) => {
      const seen: string[] = [];
      const client = createClient({
        providers: { [provider]: { apiKey: 'sk-bare-123456', apiBase: fake.url } },
        middleware: [
          async (ctx, next) => {
            seen.push(ctx.provider.name);
            await next();
          },
        ],
      });
      await client.completion({ model, messages, mockResponse: 'ok' });
      expect(seen).toEqual([provider]);
      // The fake answers in OpenAI's format, which the other providers reject: the request is what counts.
      const before = fake.requests.length;
      await client.completion({ model, messages }).catch(() => {});
      expect(fake.requests.length).toBe(before + 1);
      expect(fake.requests.at(-1)?.headers[keyHeader]).toBeDefined();
    },
  );
});

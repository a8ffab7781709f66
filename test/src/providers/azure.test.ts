import {
  AuthenticationError,
  type ChatCompletionChunk,
  ContentPolicyViolationError,
  createClient,
  NotFoundError,
  RateLimitError,
  ValidationError,
} from 'shallot';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { fixture, fixtureEvents, useFakeProvider } from '../../support/fake-provider.js';
import { collect, rejectionOf } from '../../support/streams.js';

const messages = [{ role: 'user' as const, content: 'Hi' }];
const KEY = 'azure-key-0123456789abcdef';

const fake = useFakeProvider();
let resource: string;
beforeAll(() => {
  resource = fake.url.replace(/\/v1$/, '');
});
afterEach(() => {
  vi.unstubAllEnvs();
});

const azure = (settings: { apiBase?: string; apiVersion?: string } = {}) =>
  createClient({
    providers: { azure: { apiKey: KEY, apiBase: resource, apiVersion: '2024-10-21', ...settings } },
  });

const answer = (content: string) =>
  JSON.stringify({
    id: 'chatcmpl-az',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-4o-2024-08-06',
    prompt_filter_results: [
      { prompt_index: 0, content_filter_results: { hate: { filtered: false, severity: 'safe' } } },
    ],
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content },
        finish_reason: 'stop',
        content_filter_results: { hate: { filtered: false, severity: 'safe' } },
      },
    ],
    usage: { prompt_tokens: 8, completion_tokens: 2, total_tokens: 10 },
  });

describe('Azure OpenAI', () => {
  it('calls the deployment URL with the api-version and the key in api-key, and keeps the filter annotations', async () => {
    fake.reply({ body: answer('Hello from Azure') });
    const result = await azure().completion({ model: 'azure/prod-gpt4o', messages });
    const request = fake.requests.at(-1);
    expect(request?.path).toBe(
      '/openai/deployments/prod-gpt4o/chat/completions?api-version=2024-10-21',
    );
    expect(request?.headers['api-key']).toBe(KEY);
    expect(request?.headers.authorization).toBeUndefined();
    expect(result.choices[0]?.message.content).toBe('Hello from Azure');
    expect(result.prompt_filter_results).toBeDefined();
    expect(result.choices[0]?.content_filter_results).toBeDefined();
  });

  it('calls the v1 API when the base ends in /openai/v1, with the deployment as the model', async () => {
    fake.reply({ body: answer('v1') });
    await azure({ apiBase: `${resource}/openai/v1`, apiVersion: undefined }).completion({
      model: 'azure/prod-gpt4o',
      messages,
    });
    expect(fake.requests.at(-1)).toMatchObject({
      path: '/openai/v1/chat/completions',
      body: { model: 'prod-gpt4o' },
    });
  });

  it('streams the recorded model-router answer: an empty first chunk, filter results, reasoning usage', async () => {
    fake.reply({ body: fixture('azure-chat-stream-content-filter.sse'), sliceBytes: 33 });
    const stream = await azure().completion({
      model: 'azure/model-router',
      messages,
      stream: true,
    });
    const chunks: ChatCompletionChunk[] = await collect(stream);
    // As recorded, except that the first chunk's empty `object` is made OpenAI's.
    const recorded = fixtureEvents<ChatCompletionChunk>('azure-chat-stream-content-filter.sse');
    expect(recorded[0]?.object).toBe('');
    expect(chunks).toEqual(
      recorded.map((chunk) => ({ ...chunk, object: 'chat.completion.chunk' })),
    );
    const final = await stream.finalResponse();
    expect(final.id).not.toBe('');
    expect(final.choices[0]?.finish_reason).toBe('stop');
    expect(final.usage?.completion_tokens_details?.reasoning_tokens).toBe(64);
  });

  it('reads the key, base and version from AZURE_API_KEY, AZURE_API_BASE and AZURE_API_VERSION', async () => {
    vi.stubEnv('AZURE_API_KEY', 'env-key-0123456789');
    vi.stubEnv('AZURE_API_BASE', resource);
    vi.stubEnv('AZURE_API_VERSION', '2025-04-01-preview');
    fake.reply({ body: answer('env') });
    await createClient().completion({ model: 'azure/dep', messages });
    expect(fake.requests.at(-1)?.path).toBe(
      '/openai/deployments/dep/chat/completions?api-version=2025-04-01-preview',
    );
    expect(fake.requests.at(-1)?.headers['api-key']).toBe('env-key-0123456789');
  });

  it('fails before any network call without a key, a base URL or an api-version, naming the fix', async () => {
    vi.stubEnv('AZURE_API_KEY', '');
    vi.stubEnv('AZURE_API_BASE', '');
    vi.stubEnv('AZURE_OPENAI_ENDPOINT', '');
    vi.stubEnv('AZURE_API_VERSION', '');
    const sent = fake.requests.length;
    const noKey = await rejectionOf(
      createClient({ providers: { azure: { apiBase: resource } } }).completion({
        model: 'azure/dep',
        messages,
      }),
    );
    expect(noKey).toBeInstanceOf(AuthenticationError);
    expect((noKey as Error).message).toContain('AZURE_API_KEY');
    const noBase = await rejectionOf(
      createClient({ providers: { azure: { apiKey: KEY } } }).completion({
        model: 'azure/dep',
        messages,
      }),
    );
    expect(noBase).toMatchObject({ field: 'apiBase' });
    const noVersion = await rejectionOf(
      createClient({ providers: { azure: { apiKey: KEY, apiBase: resource } } }).completion({
        model: 'azure/dep',
        messages,
      }),
    );
    expect(noVersion).toBeInstanceOf(ValidationError);
    expect(noVersion).toMatchObject({ field: 'apiVersion' });
    expect((noVersion as Error).message).toContain('AZURE_API_VERSION');
    expect(fake.requests.length).toBe(sent);
  });

  it('maps a filtered prompt to ContentPolicyViolationError, a digit-string 429 with retry-after-ms, and DeploymentNotFound', async () => {
    fake.reply({
      status: 400,
      body: JSON.stringify({
        error: {
          message:
            "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.",
          type: null,
          param: 'prompt',
          code: 'content_filter',
          status: 400,
          innererror: {
            code: 'ResponsibleAIPolicyViolation',
            content_filter_result: { jailbreak: { filtered: true, detected: true } },
          },
        },
      }),
    });
    expect(await rejectionOf(azure().completion({ model: 'azure/dep', messages }))).toBeInstanceOf(
      ContentPolicyViolationError,
    );
    fake.reply({
      status: 429,
      headers: { 'retry-after': '6', 'retry-after-ms': '5800', 'apim-request-id': 'apim-1' },
      body: JSON.stringify({
        error: {
          code: '429',
          message:
            'Requests to the ChatCompletions_Create Operation have exceeded the rate limit. Please retry after 6 seconds.',
        },
      }),
    });
    const limited = await rejectionOf(azure().completion({ model: 'azure/dep', messages }));
    expect(limited).toBeInstanceOf(RateLimitError);
    expect(limited).toMatchObject({
      retryAfterMs: 5800,
      requestId: 'apim-1',
      providerCode: '429',
      retryable: true,
    });
    fake.reply({
      status: 404,
      body: JSON.stringify({
        error: {
          code: 'DeploymentNotFound',
          message: 'The API deployment for this resource does not exist.',
        },
      }),
    });
    expect(
      await rejectionOf(azure().completion({ model: 'azure/missing', messages })),
    ).toBeInstanceOf(NotFoundError);
  });
});

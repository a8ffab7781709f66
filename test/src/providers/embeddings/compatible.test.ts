/**
 * The OpenAI-compatible presets' embeddings: where each posts, what it renames or leaves out,
 * and the answers of Mistral, Voyage and Cohere from `written-<provider>-embeddings.json`
 * (each written from the provider's API reference).
 */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../src/errors/validation-error.js';
import { resolveProvider } from '../../../../src/providers/registry.js';
import { Secret } from '../../../../src/secrets/secret.js';
import {
  embeddingTarget,
  expectMalformed,
  fixtureJson,
  thrownBy,
  UNREACHABLE_API_BASE,
} from '../../../support/embeddings.js';

/** The request a preset builds for `params`, with the items `['a', 'b']`. */
const built = (model: string, params: Record<string, unknown> = {}, apiBase?: string) => {
  const { provider, embeddings } = embeddingTarget(model, apiBase === undefined ? {} : { apiBase });
  return embeddings.buildRequest({
    request: { model, input: ['a', 'b'], ...params },
    items: ['a', 'b'],
    provider,
    headers: undefined,
  });
};

/** A preset resolved with its own public URL (an empty environment, a key given). */
const atDefaultBase = (model: string) => {
  const provider = resolveProvider(model, { apiKey: new Secret('k') }, {}, {});
  return provider.adapter.embeddings?.buildRequest({
    request: { model, input: 'a' },
    items: ['a'],
    provider,
    headers: undefined,
  }).url;
};

describe('every OpenAI-compatible preset has the OpenAI embeddings wire', () => {
  it.each([
    'groq',
    'mistral',
    'deepseek',
    'together_ai',
    'openrouter',
    'xai',
    'hosted_vllm',
    'vllm',
    'lm_studio',
    'voyage',
    'cohere',
  ])('%s posts to {apiBase}/embeddings', (name) => {
    expect(built(`${name}/some-model`).url).toBe(`${UNREACHABLE_API_BASE}/embeddings`);
  });

  it('posts to each hosted preset’s public URL when no base is configured', () => {
    expect(atDefaultBase('voyage/voyage-3.5')).toBe('https://api.voyageai.com/v1/embeddings');
    expect(atDefaultBase('cohere/embed-v4.0')).toBe(
      'https://api.cohere.ai/compatibility/v1/embeddings',
    );
    expect(atDefaultBase('mistral/mistral-embed')).toBe('https://api.mistral.ai/v1/embeddings');
    expect(atDefaultBase('together_ai/BAAI/bge-base-en-v1.5')).toBe(
      'https://api.together.xyz/v1/embeddings',
    );
  });

  it('sends no authorization to a local vLLM or LM Studio server that was given no key', () => {
    for (const name of ['hosted_vllm', 'lm_studio']) {
      const provider = resolveProvider(`${name}/m`, { apiBase: UNREACHABLE_API_BASE }, {}, {});
      const request = provider.adapter.embeddings?.buildRequest({
        request: { model: `${name}/m`, input: 'a' },
        items: ['a'],
        provider,
        headers: undefined,
      });
      expect(request?.headers.authorization).toBeUndefined();
      expect(provider.adapter.embeddings?.acceptsTokens).toBe(true);
    }
  });

  it('reads a float answer from a vLLM or LM Studio server that ignores encoding_format', () => {
    for (const name of ['vllm', 'lm_studio']) {
      const target = embeddingTarget(`${name}/nomic-embed-text`);
      const batch = target.embeddings.parseResponse(
        fixtureJson('written-openai-embeddings-float-out-of-order.json'),
        target.provider,
        3,
      );
      expect(batch.vectors[0]).toEqual([0.5, -0.25, 0.125, 1]);
    }
  });

  it('marks Together AI as text-only', () => {
    expect(embeddingTarget('together_ai/m').embeddings.acceptsTokens).toBe(false);
  });
});

describe('Mistral embeddings', () => {
  it('sends dimensions as output_dimension, leaves out user, and asks for base64', () => {
    expect(built('mistral/codestral-embed', { dimensions: 256, user: 'u' }).body).toEqual({
      model: 'codestral-embed',
      input: ['a', 'b'],
      output_dimension: 256,
      encoding_format: 'base64',
    });
  });

  it('asks for JSON numbers when output_dtype picks integers, whose base64 would not be float32', () => {
    const int8 = built('mistral/codestral-embed', { output_dtype: 'int8' }).body;
    expect(int8.output_dtype).toBe('int8');
    expect(int8).not.toHaveProperty('encoding_format');
    const float = built('mistral/codestral-embed', { output_dtype: 'float' }).body;
    expect(float.encoding_format).toBe('base64');
  });

  it('reads its answer (with id and completion_tokens), 128 texts a request, no token ids', () => {
    const target = embeddingTarget('mistral/mistral-embed');
    const batch = target.embeddings.parseResponse(
      fixtureJson('written-mistral-embeddings.json'),
      target.provider,
      2,
    );
    expect(Array.from(batch.vectors[1] as Float32Array)).toEqual([-1, 0.75, 0.0625, -0.5]);
    expect(batch.promptTokens).toBe(15);
    expect(batch.model).toBe('mistral-embed');
    expect(target.embeddings.maxBatchSize).toBe(128);
    expect(target.embeddings.acceptsTokens).toBe(false);
  });
});

describe('Voyage embeddings', () => {
  it('sends dimensions as output_dimension, passes input_type and truncation, leaves out user', () => {
    const request = built('voyage/voyage-3.5', {
      dimensions: 512,
      input_type: 'document',
      truncation: false,
      user: 'u',
    });
    expect(request.body).toEqual({
      model: 'voyage-3.5',
      input: ['a', 'b'],
      output_dimension: 512,
      input_type: 'document',
      truncation: false,
      encoding_format: 'base64',
    });
    expect(request.headers.authorization).toBeInstanceOf(Secret);
  });

  it('leaves encoding_format out when output_dtype asks for integers (Voyage takes no "float")', () => {
    const body = built('voyage/voyage-3.5', { output_dtype: 'ubinary' }).body;
    expect(body).not.toHaveProperty('encoding_format');
  });

  it('takes total_tokens, its only count, as the prompt tokens; 1,000 texts a request', () => {
    const target = embeddingTarget('voyage/voyage-3.5');
    const batch = target.embeddings.parseResponse(
      fixtureJson('written-voyage-embeddings.json'),
      target.provider,
      2,
    );
    expect(Array.from(batch.vectors[0] as Float32Array)).toEqual([0.5, -0.25, 0.125, 1]);
    expect(batch.promptTokens).toBe(10);
    expect(batch.model).toBe('voyage-3.5');
    expect(target.embeddings.maxBatchSize).toBe(1000);
    expect(target.embeddings.acceptsTokens).toBe(false);
  });

  it('refuses a chat call before sending it, naming model', () => {
    const { provider } = embeddingTarget('voyage/voyage-3.5');
    const error = thrownBy(() =>
      provider.adapter.buildRequest({
        request: { model: 'voyage/voyage-3.5', messages: [{ role: 'user', content: 'Hi' }] },
        provider,
        headers: undefined,
        stream: false,
      }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toContain('model: voyage serves embeddings only');
  });

  it('refuses a hostile answer as the OpenAI wire does', () => {
    const target = embeddingTarget('voyage/voyage-3.5');
    expectMalformed(target, { data: [{ index: 0, embedding: 'AAA=' }] }, 1, 'data[0].embedding');
  });
});

describe('Cohere embeddings (compatibility API)', () => {
  it('sends input, model and base64, leaves out user, and passes dimensions as given', () => {
    expect(built('cohere/embed-v4.0', { user: 'u', dimensions: 1024 }).body).toEqual({
      model: 'embed-v4.0',
      input: ['a', 'b'],
      dimensions: 1024,
      encoding_format: 'base64',
    });
  });

  it('reads its answer, 96 texts a request, no token ids', () => {
    const target = embeddingTarget('cohere/embed-v4.0');
    const batch = target.embeddings.parseResponse(
      fixtureJson('written-cohere-embeddings.json'),
      target.provider,
      2,
    );
    expect(batch.vectors).toHaveLength(2);
    expect(batch.promptTokens).toBe(6);
    expect(target.embeddings.maxBatchSize).toBe(96);
    expect(target.embeddings.acceptsTokens).toBe(false);
  });

  it('keeps its chat endpoint', () => {
    const { provider } = embeddingTarget('cohere/command-a-03-2025');
    const chat = provider.adapter.buildRequest({
      request: { model: 'cohere/command-a-03-2025', messages: [{ role: 'user', content: 'Hi' }] },
      provider,
      headers: undefined,
      stream: false,
    });
    expect(chat.url).toBe(`${UNREACHABLE_API_BASE}/chat/completions`);
  });
});

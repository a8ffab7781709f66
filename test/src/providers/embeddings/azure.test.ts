/**
 * Azure OpenAI's embeddings: OpenAI's wire at Azure's two URL styles, with the key in
 * `api-key`. Answers follow OpenAI's (`written-openai-embeddings-base64.json`).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ValidationError } from '../../../../src/errors/validation-error.js';
import {
  embeddingTarget,
  expectMalformed,
  fixtureJson,
  TEST_KEY,
  thrownBy,
} from '../../../support/embeddings.js';

const RESOURCE = 'https://my-resource.openai.azure.com';
const request = { model: 'azure/embed-small', input: ['a'] };

afterEach(() => {
  vi.unstubAllEnvs();
});

const build = (apiBase: string, apiVersion?: string) => {
  const { provider, embeddings } = embeddingTarget('azure/embed-small', { apiBase, apiVersion });
  return embeddings.buildRequest({ request, items: ['a'], provider, headers: undefined });
};

describe('Azure OpenAI embeddings', () => {
  it('posts to the deployment URL with the api-version, the deployment named by the model', () => {
    expect(build(RESOURCE, '2024-10-21').url).toBe(
      `${RESOURCE}/openai/deployments/embed-small/embeddings?api-version=2024-10-21`,
    );
  });

  it('posts to {base}/embeddings for a v1 API base, adding an api-version only when one is not v1', () => {
    expect(build(`${RESOURCE}/openai/v1/`).url).toBe(`${RESOURCE}/openai/v1/embeddings`);
    expect(build(`${RESOURCE}/openai/v1`, 'v1').url).toBe(`${RESOURCE}/openai/v1/embeddings`);
    expect(build(`${RESOURCE}/openai/v1`, 'preview').url).toBe(
      `${RESOURCE}/openai/v1/embeddings?api-version=preview`,
    );
  });

  it('escapes a deployment name that holds URL syntax', () => {
    const { provider, embeddings } = embeddingTarget('azure/a b?c', {
      apiBase: RESOURCE,
      apiVersion: '2024-10-21',
    });
    const built = embeddings.buildRequest({ request, items: ['a'], provider, headers: undefined });
    expect(built.url).toBe(
      `${RESOURCE}/openai/deployments/a%20b%3Fc/embeddings?api-version=2024-10-21`,
    );
  });

  it('sends the key in api-key, never as a Bearer token, and the deployment in the body', () => {
    const built = build(RESOURCE, '2024-10-21');
    expect((built.headers['api-key'] as { reveal(): string }).reveal()).toBe(TEST_KEY);
    expect(built.headers.authorization).toBeUndefined();
    expect(built.body).toEqual({ model: 'embed-small', input: ['a'], encoding_format: 'base64' });
  });

  it('refuses a deployment URL without an api-version, naming apiVersion', () => {
    vi.stubEnv('AZURE_API_VERSION', '');
    const error = thrownBy(() => build(RESOURCE));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toContain('apiVersion');
  });

  it('refuses an empty base URL, naming apiBase', () => {
    const error = thrownBy(() => build(''));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toContain('apiBase');
  });

  it('reads an OpenAI-format answer and refuses a hostile one as OpenAI does', () => {
    const target = embeddingTarget('azure/embed-small', { apiBase: RESOURCE, apiVersion: 'v' });
    const batch = target.embeddings.parseResponse(
      fixtureJson('written-openai-embeddings-base64.json'),
      target.provider,
      2,
    );
    expect(batch.vectors).toHaveLength(2);
    expect(batch.promptTokens).toBe(8);
    expectMalformed(target, { data: [{ index: -1, embedding: [1] }] }, 1, 'data[0].index');
    expect(target.embeddings.maxBatchSize).toBe(2048);
  });
});

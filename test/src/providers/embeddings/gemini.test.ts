/**
 * Gemini's `batchEmbedContents`: the request the adapter builds and the answers it reads,
 * from `written-gemini-embeddings.json` (the Gemini API reference) and hostile bodies.
 */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../src/errors/validation-error.js';
import { NATIVE_PARAMETERS } from '../../../../src/providers/registry.js';
import { Secret } from '../../../../src/secrets/secret.js';
import {
  embeddingTarget,
  expectMalformed,
  fixtureJson,
  TEST_KEY,
  thrownBy,
} from '../../../support/embeddings.js';

const BASE = 'http://127.0.0.1:9/v1beta';
const target = embeddingTarget('gemini/gemini-embedding-001', { apiBase: `${BASE}/` });
const { provider, embeddings } = target;

const build = (params: Record<string, unknown> = {}, items: Array<string | number[]> = ['a']) =>
  embeddings.buildRequest({
    request: { model: 'gemini/gemini-embedding-001', input: 'a', ...params },
    items,
    provider,
    headers: { 'x-call': '1' },
  });

describe('Gemini embeddings: the request', () => {
  it('posts one request per text to models/{model}:batchEmbedContents', () => {
    const request = build({}, ['first', 'second']);
    expect(request.url).toBe(`${BASE}/models/gemini-embedding-001:batchEmbedContents`);
    expect(request.body).toEqual({
      requests: [
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'first' }] } },
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'second' }] } },
      ],
    });
  });

  it('sends the key in x-goog-api-key as a Secret, never in the URL, with the call headers', () => {
    const request = build();
    expect(request.headers['x-goog-api-key']).toBeInstanceOf(Secret);
    expect((request.headers['x-goog-api-key'] as Secret).reveal()).toBe(TEST_KEY);
    expect(request.url).not.toContain(TEST_KEY);
    expect(request.headers).toMatchObject({
      'content-type': 'application/json',
      accept: 'application/json',
      'x-call': '1',
    });
  });

  it('maps dimensions, taskType and title onto every request, and drops user', () => {
    const request = build({
      dimensions: 768,
      taskType: 'RETRIEVAL_DOCUMENT',
      title: 'Handbook',
      user: 'u',
      encoding_format: 'float32',
    });
    expect(request.body).toEqual({
      requests: [
        {
          model: 'models/gemini-embedding-001',
          content: { parts: [{ text: 'a' }] },
          outputDimensionality: 768,
          taskType: 'RETRIEVAL_DOCUMENT',
          title: 'Handbook',
        },
      ],
    });
  });

  it('takes task_type as taskType, and prefers taskType when both are given', () => {
    const snake = build({ task_type: 'RETRIEVAL_QUERY' }).body.requests as Array<{
      taskType?: string;
    }>;
    expect(snake[0]?.taskType).toBe('RETRIEVAL_QUERY');
    const both = build({ task_type: 'CLUSTERING', taskType: 'SEMANTIC_SIMILARITY' }).body
      .requests as Array<{ taskType?: string }>;
    expect(both[0]?.taskType).toBe('SEMANTIC_SIMILARITY');
  });

  it('keeps a tuned model’s own collection in the URL and in each request', () => {
    const tuned = embeddingTarget('gemini/tunedModels/my-embedder', { apiBase: BASE });
    const request = tuned.embeddings.buildRequest({
      request: { model: 'gemini/tunedModels/my-embedder', input: 'a' },
      items: ['a'],
      provider: tuned.provider,
      headers: undefined,
    });
    expect(request.url).toBe(`${BASE}/tunedModels/my-embedder:batchEmbedContents`);
    expect((request.body.requests as Array<{ model: string }>)[0]?.model).toBe(
      'tunedModels/my-embedder',
    );
  });

  it('refuses a parameter Gemini has no field for, naming it, before any call', () => {
    const error = thrownBy(() => build({ input_type: 'query' }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toContain('input_type:');
  });

  it('refuses a taskType that is not text, and token ids as input', () => {
    expect(thrownBy(() => build({ taskType: 3 }))).toBeInstanceOf(ValidationError);
    expect(thrownBy(() => build({ title: { text: 'x' } }))).toBeInstanceOf(ValidationError);
    const tokens = thrownBy(() => build({}, [[1, 2]]));
    expect(tokens).toBeInstanceOf(ValidationError);
    expect((tokens as ValidationError).message).toContain('input:');
  });

  it('declares the 100-text batch limit, text only, and lets taskType past the typo check', () => {
    expect(embeddings.maxBatchSize).toBe(100);
    expect(embeddings.acceptsTokens).toBe(false);
    expect(provider.adapter.nativeParameters).toContain('taskType');
    expect(NATIVE_PARAMETERS.has('taskType')).toBe(true);
  });
});

describe('Gemini embeddings: reading answers', () => {
  it('reads the vectors in request order, with no usage and no model', () => {
    const batch = embeddings.parseResponse(
      fixtureJson('written-gemini-embeddings.json'),
      provider,
      2,
    );
    expect(batch.vectors).toEqual([
      [0.5, -0.25, 0.125, 1],
      [-1, 0.75, 0.0625, -0.5],
    ]);
    expect(batch.promptTokens).toBeUndefined();
    expect(batch.model).toBeUndefined();
  });

  it.each([
    ['null', null, 'the body'],
    ['an array', [[1]], 'the body'],
    ['no embeddings', { embedding: { values: [1] } }, 'embeddings: expected an array'],
    ['too few vectors', { embeddings: [{ values: [1] }] }, 'embeddings: expected 2 embeddings'],
    [
      'too many vectors',
      { embeddings: [{ values: [1] }, { values: [1] }, { values: [1] }] },
      'embeddings: expected 2 embeddings',
    ],
    [
      'an entry that is a bare array',
      { embeddings: [[1], [2]] },
      'embeddings[0]: expected an object',
    ],
    [
      'values missing',
      { embeddings: [{ values: [1] }, {}] },
      'embeddings[1].values: expected an array',
    ],
    [
      'values as text',
      { embeddings: [{ values: [1] }, { values: 'AACAPw==' }] },
      'embeddings[1].values',
    ],
    [
      'values holding text',
      { embeddings: [{ values: [1] }, { values: ['1'] }] },
      'embeddings[1].values[0]',
    ],
    [
      'empty values',
      { embeddings: [{ values: [1] }, { values: [] }] },
      'embeddings[1].values: the vector is empty',
    ],
  ])('refuses %s', (_name, body, field) => {
    expectMalformed(target, body, 2, field);
  });

  it('reads an own __proto__ key as data, never as the entry’s prototype', () => {
    const body = JSON.parse('{"embeddings":[{"__proto__":{"values":[1]}}]}');
    expectMalformed(target, body, 1, 'embeddings[0].values: expected an array');
  });
});

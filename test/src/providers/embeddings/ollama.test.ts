/**
 * Ollama's native `/api/embed`: the request the adapter builds and the answers it reads,
 * from `written-ollama-embeddings.json` (Ollama's API reference) and hostile bodies.
 */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../src/errors/validation-error.js';
import { Secret } from '../../../../src/secrets/secret.js';
import {
  embeddingTarget,
  expectMalformed,
  fixtureJson,
  TEST_KEY,
  thrownBy,
} from '../../../support/embeddings.js';

const BASE = 'http://127.0.0.1:9';
const target = embeddingTarget('ollama/all-minilm', { apiBase: `${BASE}/` });
const { provider, embeddings } = target;

const build = (params: Record<string, unknown> = {}, items: Array<string | number[]> = ['a']) =>
  embeddings.buildRequest({
    request: { model: 'ollama/all-minilm', input: 'a', ...params },
    items,
    provider,
    headers: undefined,
  });

describe('Ollama embeddings: the request', () => {
  it('posts the texts as input to {base}/api/embed', () => {
    const request = build({}, ['first', 'second']);
    expect(request.url).toBe(`${BASE}/api/embed`);
    expect(request.body).toEqual({ model: 'all-minilm', input: ['first', 'second'] });
    expect(request.headers).toMatchObject({
      'content-type': 'application/json',
      accept: 'application/json',
    });
  });

  it('passes dimensions, truncate, keep_alive and options through, and drops user and the rest', () => {
    const request = build({
      dimensions: 384,
      truncate: false,
      keep_alive: '10m',
      options: { num_ctx: 2048 },
      user: 'u',
      input_type: 'query',
    });
    expect(request.body).toEqual({
      model: 'all-minilm',
      input: ['a'],
      dimensions: 384,
      truncate: false,
      keep_alive: '10m',
      options: { num_ctx: 2048 },
    });
  });

  it('sends a configured key as a Bearer Secret, and no authorization without one', () => {
    const withKey = build().headers.authorization;
    expect(withKey).toBeInstanceOf(Secret);
    expect((withKey as Secret).reveal()).toBe(`Bearer ${TEST_KEY}`);
    const keyless = embeddingTarget('ollama/all-minilm', { apiBase: BASE, apiKey: undefined });
    const request = keyless.embeddings.buildRequest({
      request: { model: 'ollama/all-minilm', input: 'a' },
      items: ['a'],
      provider: keyless.provider,
      headers: undefined,
    });
    expect(request.headers.authorization).toBeUndefined();
  });

  it('refuses token ids, naming input', () => {
    const error = thrownBy(() => build({}, [[1, 2]]));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toContain('input:');
  });

  it('declares a 256-text batch and text only', () => {
    expect(embeddings.maxBatchSize).toBe(256);
    expect(embeddings.acceptsTokens).toBe(false);
  });
});

describe('Ollama embeddings: reading answers', () => {
  it('reads the vectors in order, prompt_eval_count as the prompt tokens, and the model', () => {
    const batch = embeddings.parseResponse(
      fixtureJson('written-ollama-embeddings.json'),
      provider,
      2,
    );
    expect(batch.vectors).toEqual([
      [0.5, -0.25, 0.125, 1],
      [-1, 0.75, 0.0625, -0.5],
    ]);
    expect(batch.promptTokens).toBe(8);
    expect(batch.model).toBe('all-minilm');
  });

  it('counts no prompt tokens when prompt_eval_count is missing or not a count', () => {
    for (const count of [undefined, -3, 2.5, '8', null]) {
      const batch = embeddings.parseResponse(
        { embeddings: [[1]], prompt_eval_count: count },
        provider,
        1,
      );
      expect(batch.promptTokens).toBeUndefined();
    }
  });

  it.each([
    ['null', null, 'the body'],
    ['a string', 'done', 'the body'],
    ['no embeddings', { embedding: [1] }, 'embeddings: expected an array'],
    [
      'embeddings as an object',
      { embeddings: { 0: [1], 1: [2] } },
      'embeddings: expected an array',
    ],
    ['too few vectors', { embeddings: [[1]] }, 'embeddings: expected 2 embeddings'],
    ['a flat vector', { embeddings: [1, 2] }, 'embeddings[0]: expected an array of numbers'],
    [
      'a base64 vector',
      { embeddings: [[1], 'AACAPw=='] },
      'embeddings[1]: expected an array of numbers',
    ],
    ['a vector holding null', { embeddings: [[1], [null]] }, 'embeddings[1][0]: expected a number'],
    ['an empty vector', { embeddings: [[1], []] }, 'embeddings[1]: the vector is empty'],
  ])('refuses %s', (_name, body, field) => {
    expectMalformed(target, body, 2, field);
  });

  it('reads an own __proto__ key as data, never as the answer’s prototype', () => {
    const body = JSON.parse('{"__proto__":{"embeddings":[[1]]}}');
    expectMalformed(target, body, 1, 'embeddings: expected an array, received nothing');
  });
});

/**
 * OpenAI's `/v1/embeddings` as the adapter speaks it: the request it builds, and the answers
 * it reads, from `written-openai-embeddings-*.json` (OpenAI's API reference) and hostile bodies.
 */
import { describe, expect, it } from 'vitest';
import { decodeFloat32Base64 } from '../../../../src/providers/shared/embedding-vectors.js';
import { Secret } from '../../../../src/secrets/secret.js';
import {
  base64Of,
  embeddingTarget,
  expectMalformed,
  fixtureJson,
  TEST_KEY,
  UNREACHABLE_API_BASE,
  wire,
} from '../../../support/embeddings.js';

const target = embeddingTarget('openai/text-embedding-3-small');
const { provider, embeddings } = target;
const request = { model: 'openai/text-embedding-3-small', input: ['a', 'b'] };

/** An OpenAI answer around the given `data` entries. */
const answer = (data: unknown, extra: object = {}) => ({
  object: 'list',
  data,
  model: 'text-embedding-3-small',
  usage: { prompt_tokens: 4, total_tokens: 4 },
  ...extra,
});
const entry = (index: unknown, embedding: unknown) => ({ object: 'embedding', index, embedding });

describe('OpenAI embeddings: the request', () => {
  it('posts the items as an input array to {apiBase}/embeddings and always asks for base64', () => {
    const built = embeddings.buildRequest({
      request: { ...request, dimensions: 256, user: 'user-7' },
      items: ['a', 'b'],
      provider,
      headers: undefined,
    });
    expect(built.url).toBe(`${UNREACHABLE_API_BASE}/embeddings`);
    expect(built.method).toBe('POST');
    expect(built.body).toEqual({
      model: 'text-embedding-3-small',
      input: ['a', 'b'],
      encoding_format: 'base64',
      dimensions: 256,
      user: 'user-7',
    });
  });

  it('sends a single item as a one-element array, and token lists as they are', () => {
    const text = embeddings.buildRequest({ request, items: ['only'], provider, headers: {} });
    expect(text.body.input).toEqual(['only']);
    const tokens = embeddings.buildRequest({ request, items: [[1, 2, 3]], provider, headers: {} });
    expect(tokens.body.input).toEqual([[1, 2, 3]]);
  });

  it("passes other parameters through, but never the caller's model, input or encoding_format", () => {
    const built = embeddings.buildRequest({
      request: {
        ...request,
        encoding_format: 'float',
        input_type: 'query',
        extra: { nested: true },
        skipped: undefined,
      },
      items: ['x'],
      provider,
      headers: undefined,
    });
    expect(built.body).toEqual({
      model: 'text-embedding-3-small',
      input: ['x'],
      encoding_format: 'base64',
      input_type: 'query',
      extra: { nested: true },
    });
  });

  it('leaves out an own __proto__ key of a parsed request instead of setting the body prototype', () => {
    const parsed = wire('{"model":"openai/m","input":"x","__proto__":{"polluted":true}}');
    const built = embeddings.buildRequest({
      request: parsed as typeof request,
      items: ['x'],
      provider,
      headers: undefined,
    });
    expect(Object.getPrototypeOf(built.body)).toBe(Object.prototype);
    expect((built.body as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(built.body)).toEqual(['model', 'input', 'encoding_format']);
  });

  it('sends JSON headers, the provider and call headers, the key as a Bearer Secret, and the organization', () => {
    const configured = embeddingTarget(
      'openai/text-embedding-3-large',
      { apiKey: undefined },
      {
        openai: {
          apiKey: TEST_KEY,
          headers: { 'x-team': 'search' },
          organization: 'org-1',
          project: 'proj-1',
        },
      },
    );
    const built = configured.embeddings.buildRequest({
      request,
      items: ['a'],
      provider: configured.provider,
      headers: { 'x-call': '1' },
    });
    const authorization = built.headers.authorization;
    expect(authorization).toBeInstanceOf(Secret);
    expect((authorization as Secret).reveal()).toBe(`Bearer ${TEST_KEY}`);
    expect(built.headers).toMatchObject({
      'content-type': 'application/json',
      accept: 'application/json',
      'x-team': 'search',
      'x-call': '1',
      'openai-organization': 'org-1',
      'openai-project': 'proj-1',
    });
  });

  it('declares the 2,048-input batch limit and token-id inputs', () => {
    expect(embeddings.maxBatchSize).toBe(2048);
    expect(embeddings.acceptsTokens).toBe(true);
  });

  it('gives an endpoint the client configured by name the OpenAI embeddings wire', () => {
    const local = embeddingTarget(
      'local/nomic-embed-text',
      { apiBase: undefined, apiKey: undefined },
      { local: { apiBase: 'http://127.0.0.1:9/custom/v1/' } },
    );
    const built = local.embeddings.buildRequest({
      request,
      items: ['a'],
      provider: local.provider,
      headers: undefined,
    });
    expect(built.url).toBe('http://127.0.0.1:9/custom/v1/embeddings');
    expect(built.body.model).toBe('nomic-embed-text');
    expect(built.headers.authorization).toBeUndefined();
  });
});

describe('OpenAI embeddings: reading answers', () => {
  it('decodes a base64 answer into Float32Arrays, with the prompt tokens and the model', () => {
    const batch = embeddings.parseResponse(
      fixtureJson('written-openai-embeddings-base64.json'),
      provider,
      2,
    );
    expect(batch.vectors[0]).toBeInstanceOf(Float32Array);
    expect(Array.from(batch.vectors[0] as Float32Array)).toEqual([0.5, -0.25, 0.125, 1]);
    expect(Array.from(batch.vectors[1] as Float32Array)).toEqual([-1, 0.75, 0.0625, -0.5]);
    expect(batch.promptTokens).toBe(8);
    expect(batch.model).toBe('text-embedding-3-small');
  });

  it('reads a float answer (a server that ignored base64) and orders it by index', () => {
    const batch = embeddings.parseResponse(
      fixtureJson('written-openai-embeddings-float-out-of-order.json'),
      provider,
      3,
    );
    expect(batch.vectors).toEqual([
      [0.5, -0.25, 0.125, 1],
      [-1, 0.75, 0.0625, -0.5],
      [0.25, 0.25, -0.125, 2],
    ]);
    expect(batch.promptTokens).toBe(12);
  });

  it('reads each item by its own encoding when one answer mixes base64 and floats', () => {
    const batch = embeddings.parseResponse(
      answer([entry(1, [3, 4]), entry(0, base64Of([1, 2]))]),
      provider,
      2,
    );
    expect(Array.from(batch.vectors[0] as Float32Array)).toEqual([1, 2]);
    expect(batch.vectors[1]).toEqual([3, 4]);
  });

  it('returns a fresh, aligned Float32Array that does not view Node’s shared buffer pool', () => {
    const batch = embeddings.parseResponse(answer([entry(0, base64Of([1, 2, 3]))]), provider, 1);
    const vector = batch.vectors[0] as Float32Array;
    expect(vector.byteOffset).toBe(0);
    expect(vector.buffer.byteLength).toBe(12);
  });

  it('takes total_tokens where prompt_tokens is absent or unusable, and no count where neither is', () => {
    const read = (usage: unknown) =>
      embeddings.parseResponse(answer([entry(0, [1])], { usage }), provider, 1).promptTokens;
    expect(read({ total_tokens: 9 })).toBe(9);
    expect(read({ prompt_tokens: -1, total_tokens: 9 })).toBe(9);
    expect(read({ prompt_tokens: 1.5 })).toBeUndefined();
    expect(read({ prompt_tokens: '8' })).toBeUndefined();
    expect(read({ prompt_tokens: 1e300 })).toBeUndefined();
    expect(read(null)).toBeUndefined();
    expect(read([8])).toBeUndefined();
    expect(read(undefined)).toBeUndefined();
  });

  it('reports no model when the answer names none, or names it with something else than text', () => {
    const read = (model: unknown) =>
      embeddings.parseResponse(answer([entry(0, [1])], { model }), provider, 1).model;
    expect(read(undefined)).toBeUndefined();
    expect(read(42)).toBeUndefined();
    expect(read('')).toBeUndefined();
  });
});

describe('OpenAI embeddings: hostile answers are InvalidResponseErrors naming the field', () => {
  it.each([
    ['null', null, 'the body'],
    ['an array', [], 'the body'],
    ['a string', 'ok', 'the body'],
    ['no data', { object: 'list' }, 'data: expected an array'],
    ['data as an object', { data: { 0: entry(0, [1]) } }, 'data: expected an array'],
    ['one vector too few', answer([entry(0, [1])]), 'data: expected 2 embeddings'],
    ['one vector too many', answer([entry(0, [1]), entry(1, [1]), entry(2, [1])]), 'data:'],
    ['an entry that is not an object', answer([entry(0, [1]), 7]), 'data[1]: expected an object'],
    ['an entry that is null', answer([null, entry(1, [1])]), 'data[0]: expected an object'],
  ])('refuses %s', (_name, body, field) => {
    expectMalformed(target, body, 2, field);
  });

  it.each([
    ['absurdly large', 1e9],
    ['negative', -1],
    ['fractional', 1.5],
    ['a numeric string', '0'],
    ['missing', undefined],
    ['null', null],
    ['NaN-like text', 'NaN'],
    ['one past the end', 2],
  ])('refuses an index that is %s', (_name, index) => {
    expectMalformed(target, answer([entry(0, [1]), entry(index, [1])]), 2, 'data[1].index');
  });

  it('refuses an index listed twice, naming the second entry', () => {
    const error = expectMalformed(
      target,
      answer([entry(0, [1]), entry(0, [2])]),
      2,
      'data[1]: index 0 is listed twice',
    );
    expect(error.retryable).toBe(true);
    expect(error.provider).toBe('openai');
  });

  it.each([
    ['an object', { 0: 1 }, 'data[0].embedding: expected an array of numbers'],
    ['a number', 0.5, 'data[0].embedding: expected an array of numbers'],
    ['null', null, 'data[0].embedding: expected an array of numbers'],
    ['an empty array', [], 'data[0].embedding: the vector is empty'],
    ['an array holding a string', [0.5, '0.25'], 'data[0].embedding[1]: expected a number'],
    ['an array holding null', [null], 'data[0].embedding[0]: expected a number'],
    ['an array of arrays', [[1, 2]], 'data[0].embedding[0]: expected a number'],
    ['an empty string', '', 'data[0].embedding: the vector is empty'],
    [
      'base64 with characters outside its alphabet',
      'AAAA*AAA',
      'data[0].embedding: expected base64',
    ],
    ['base64url', '_-__AAAA', 'data[0].embedding: expected base64'],
    ['base64 whose length is not a multiple of 4', 'AAAAA', 'data[0].embedding: expected base64'],
    ['base64 of 2 bytes (half a float)', 'AAA=', 'data[0].embedding: expected base64'],
    ['base64 of 6 bytes', 'AAAAAAAA', 'data[0].embedding: expected base64'],
    ['base64 with padding in the middle', 'AA==AAAA', 'data[0].embedding: expected base64'],
  ])('refuses an embedding that is %s', (_name, embedding, field) => {
    expectMalformed(target, answer([entry(0, embedding)]), 1, field);
  });

  it('reads an own __proto__ key of the answer as data, never as a prototype, and pollutes nothing', () => {
    const body = wire(
      '{"__proto__":{"data":[{"index":0,"embedding":[1]}]},"object":"list","usage":{"__proto__":{"prompt_tokens":5}}}',
    );
    expectMalformed(target, body, 1, 'data: expected an array, received nothing');
    const item = wire('{"data":[{"__proto__":{"index":0,"embedding":[1]}}]}');
    expectMalformed(target, item, 1, 'data[0].index');
    expect(({} as Record<string, unknown>).data).toBeUndefined();
    expect(({} as Record<string, unknown>).index).toBeUndefined();
  });
});

describe('decodeFloat32Base64', () => {
  it('reads little-endian float32 values, including non-finite ones', () => {
    expect(Array.from(decodeFloat32Base64(base64Of([1, -2])) ?? [])).toEqual([1, -2]);
    const special = decodeFloat32Base64(base64Of([Number.NaN, Number.POSITIVE_INFINITY]));
    expect(Number.isNaN(special?.[0])).toBe(true);
    expect(special?.[1]).toBe(Number.POSITIVE_INFINITY);
  });

  it('answers undefined for text that is not whole float32 values in standard base64', () => {
    expect(decodeFloat32Base64('AAA=')).toBeUndefined();
    expect(decodeFloat32Base64('AAAA AAA')).toBeUndefined();
    expect(decodeFloat32Base64('AAAAAAA')).toBeUndefined();
    expect(decodeFloat32Base64('')).toEqual(new Float32Array(0));
  });
});

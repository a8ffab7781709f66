/**
 * Embedding answers for the fake providers: deterministic vectors, and the bodies each
 * provider sends them in (OpenAI's base64 or floats, Gemini's batch, Ollama's /api/embed).
 */
import { expect } from 'vitest';
import { InvalidResponseError } from '../../src/errors/invalid-response-error.js';
import type {
  EmbeddingAdapter,
  ProviderOptions,
  ResolvedProvider,
} from '../../src/providers/provider.js';
import { resolveProvider } from '../../src/providers/registry.js';
import { Secret } from '../../src/secrets/secret.js';
import { type FakeReply, fixture, type ReceivedRequest } from './fake-provider.js';

/** The key the adapter tests resolve providers with. */
export const TEST_KEY = 'sk-embeddings-test-key';

/** A base URL nothing listens on: the adapter tests build requests, they never send them. */
export const UNREACHABLE_API_BASE = 'http://127.0.0.1:9/v1';

/** A provider resolved for `model` and its embeddings adapter. */
export interface EmbeddingTarget {
  provider: ResolvedProvider;
  embeddings: EmbeddingAdapter;
}

/**
 * Resolves `model` as a call would, with {@link UNREACHABLE_API_BASE} and {@link TEST_KEY}
 * unless `options` says otherwise (an explicit `undefined` leaves one out), and no environment.
 */
export function embeddingTarget(
  model: string,
  options: { apiBase?: string | undefined; apiKey?: string | undefined; apiVersion?: string } = {},
  configured: Record<string, ProviderOptions> = {},
): EmbeddingTarget {
  const apiBase = 'apiBase' in options ? options.apiBase : UNREACHABLE_API_BASE;
  const apiKey = 'apiKey' in options ? options.apiKey : TEST_KEY;
  const provider = resolveProvider(
    model,
    {
      ...(apiBase === undefined ? {} : { apiBase }),
      ...(apiKey === undefined ? {} : { apiKey: new Secret(apiKey) }),
      ...(options.apiVersion === undefined ? {} : { apiVersion: options.apiVersion }),
    },
    configured,
    {},
  );
  const embeddings = provider.adapter.embeddings;
  if (embeddings === undefined) throw new Error(`${provider.name} has no embeddings adapter`);
  return { provider, embeddings };
}

/** What `work` throws; fails the test when it throws nothing. */
export function thrownBy(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw, and nothing was thrown');
}

/** A fixture of `test/fixtures/providers/`, parsed. */
export function fixtureJson(name: string): unknown {
  return JSON.parse(fixture(name));
}

/** JSON text parsed as a server's body is: a `__proto__` key becomes an own key. */
export function wire(text: string): unknown {
  return JSON.parse(text);
}

/** Expects `body` (holding `count` vectors) to be refused as malformed, naming `field`. */
export function expectMalformed(
  target: EmbeddingTarget,
  body: unknown,
  count: number,
  field: string,
): InvalidResponseError {
  const error = thrownBy(() => target.embeddings.parseResponse(body, target.provider, count));
  expect(error).toBeInstanceOf(InvalidResponseError);
  expect((error as Error).message).toContain(field);
  return error as InvalidResponseError;
}

/** A deterministic vector for `text`: `width` float32-exact values that depend on the text and the position. */
export function vectorFor(text: string, width: number): number[] {
  let seed = 0;
  for (const character of text) seed = (seed * 31 + (character.codePointAt(0) ?? 0)) % 1000;
  return Array.from({ length: width }, (_unused, index) => ((seed + index) % 256) / 256 - 0.5);
}

/** The float32 little-endian bytes of `vector` in base64, as OpenAI sends them. */
export function base64Of(vector: readonly number[]): string {
  return Buffer.from(Float32Array.from(vector).buffer).toString('base64');
}

/** The texts of an OpenAI-format embeddings request. */
export function inputsOf(request: ReceivedRequest): string[] {
  const input = request.body.input;
  return (Array.isArray(input) ? input : [input]).map((item) =>
    typeof item === 'string' ? item : JSON.stringify(item),
  );
}

/** How the fake answers: the width, the encoding, the tokens each input counts, the model it names. */
export interface EmbeddingsBodyOptions {
  width?: number;
  encoding?: 'base64' | 'float';
  tokensEach?: number;
  model?: string;
}

/** An OpenAI `/v1/embeddings` body for `texts`: base64 or floats, listed in reverse to check the ordering by index. */
export function openAIEmbeddingsBody(
  texts: readonly string[],
  options: EmbeddingsBodyOptions = {},
): string {
  const width = options.width ?? 8;
  const data = texts.map((text, index) => ({
    object: 'embedding',
    index,
    embedding:
      options.encoding === 'float' ? vectorFor(text, width) : base64Of(vectorFor(text, width)),
  }));
  const tokens = texts.length * (options.tokensEach ?? 5);
  return JSON.stringify({
    object: 'list',
    data: data.reverse(),
    model: options.model ?? 'text-embedding-3-small',
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  });
}

/** A fake reply that answers each OpenAI-format embeddings request with one vector per input. */
export function openAIEmbeddingsReply(options: EmbeddingsBodyOptions = {}): FakeReply {
  return {
    headers: { 'content-type': 'application/json' },
    respond: (request) => ({
      body: openAIEmbeddingsBody(inputsOf(request), {
        ...options,
        // Like OpenAI: the width asked for, unless the test fixes one.
        width: options.width ?? (request.body.dimensions as number | undefined) ?? 8,
      }),
    }),
  };
}

/**
 * The vectors of the `written-*-embeddings*.json` fixtures by index, as their README states:
 * float32-exact values, so that tests compare them exactly.
 */
export const WRITTEN_VECTORS: readonly (readonly number[])[] = [
  [0.5, -0.25, 0.125, 1],
  [-1, 0.75, 0.0625, -0.5],
  [0.25, 0.25, -0.125, 2],
];

/** The texts of a Gemini `batchEmbedContents` request, one per item of its `requests`. */
export function geminiInputsOf(request: ReceivedRequest): string[] {
  const items = request.body.requests as Array<{ content: { parts: Array<{ text: string }> } }>;
  return items.map((item) => item.content.parts.map((part) => part.text).join(''));
}

/**
 * A fake reply that answers each Gemini `batchEmbedContents` request with one vector per text
 * in request order, and no usage (Gemini reports none for this method).
 */
export function geminiEmbeddingsReply(options: { width?: number } = {}): FakeReply {
  return {
    respond: (request) => {
      const items = request.body.requests as Array<{ outputDimensionality?: number }>;
      const width = options.width ?? items[0]?.outputDimensionality ?? 8;
      return {
        body: JSON.stringify({
          embeddings: geminiInputsOf(request).map((text) => ({ values: vectorFor(text, width) })),
        }),
      };
    },
  };
}

/**
 * A fake reply that answers each Ollama `/api/embed` request with one vector per text, in
 * input order, and `prompt_eval_count` of `tokensEach` (default 5) per text.
 */
export function ollamaEmbeddingsReply(
  options: { width?: number; tokensEach?: number } = {},
): FakeReply {
  return {
    respond: (request) => {
      const texts = inputsOf(request);
      const width = options.width ?? (request.body.dimensions as number | undefined) ?? 8;
      return {
        body: JSON.stringify({
          model: request.body.model,
          embeddings: texts.map((text) => vectorFor(text, width)),
          total_duration: 1000,
          load_duration: 100,
          prompt_eval_count: texts.length * (options.tokensEach ?? 5),
        }),
      };
    },
  };
}

import { type CallbackKwargs, type CallRecord, createClient } from 'shallot';
import { describe, expect, it } from 'vitest';
import { inputsOf, openAIEmbeddingsReply, vectorFor } from '../../support/embeddings.js';
import { useFakeProvider } from '../../support/fake-provider.js';
import { itWithRedis, type TestCacheKind, useTestCaches } from '../../support/redis.js';

const fake = useFakeProvider({ reply: openAIEmbeddingsReply({ tokensEach: 3 }) });
const model = 'openai/text-embedding-3-small';

const freshCache = useTestCaches();

type Kind = TestCacheKind;

/** A client with a fresh cache of this kind, keeping each success event's kwargs. */
function cachedClient(kind: Kind) {
  const cache = freshCache(kind);
  const client = createClient({ providers: { openai: { apiKey: 'sk-test', apiBase: fake.url } } });
  client.cache = cache;
  const successes: CallbackKwargs[] = [];
  client.successCallback = [(kwargs: CallbackKwargs) => successes.push(kwargs)];
  const record = (index: number) => successes[index]?.standard_logging_object as CallRecord;
  return { client, successes, record };
}

const texts = (count: number, from = 0) =>
  Array.from({ length: count }, (_unused, index) => `text ${from + index}`);

describe.each<Kind>(['local', 'redis'])('the cache on embedding calls, %s store', (kind) => {
  const test: typeof itWithRedis = kind === 'redis' ? itWithRedis : it;

  test('caches per input: 90 of 100 cached sends only the 10 others, and returns all 100 in order', async () => {
    const { client, successes, record } = cachedClient(kind);
    await client.embedding({ model, input: texts(90) });
    await client.flush();
    const sent = fake.requests.length;
    const mixed = texts(100).reverse();
    const answer = await client.embedding({ model, input: mixed });
    await client.flush();
    expect(fake.requests.length).toBe(sent + 1);
    expect(inputsOf(fake.requests.at(-1) as never)).toEqual(texts(10, 90).reverse());
    expect(answer.data.map((item) => item.embedding)).toEqual(
      mixed.map((text) => vectorFor(text, 8)),
    );
    expect(answer.data.map((item) => item.index)).toEqual(mixed.map((_text, index) => index));
    // Only the ten inputs sent were paid for.
    expect(answer.usage.prompt_tokens).toBe(30);
    expect(successes[1]?.cache_hit).toBe(false);
    expect(record(1).embedding).toMatchObject({ inputs: 100, cached_inputs: 90, input_tokens: 30 });
    expect(successes[1]?.response_cost).toBeCloseTo(30 * 2e-8, 15);
  });

  test('answers a call whose every input is cached without the provider: a hit, cost 0, and what it saved', async () => {
    const { client, successes, record } = cachedClient(kind);
    await client.embedding({ model, input: ['a', 'b'] });
    await client.flush();
    const sent = fake.requests.length;
    const pre: string[] = [];
    client.inputCallback = [() => pre.push('pre')];
    const answer = await client.embedding({ model, input: ['b', 'a'], encodingFormat: 'float32' });
    await client.flush();
    expect(fake.requests.length).toBe(sent);
    expect(pre).toEqual([]);
    expect(Array.from(answer.data[0]?.embedding ?? [])).toEqual(vectorFor('b', 8));
    expect(answer.data[1]?.embedding).toBeInstanceOf(Float32Array);
    expect(successes[1]?.cache_hit).toBe(true);
    expect(successes[1]?.response_cost).toBe(0);
    expect(record(1).saved_cost).toBeCloseTo(6 * 2e-8, 15);
    expect(record(1).embedding?.cached_inputs).toBe(2);
  });

  test('keys by model, dimensions and provider parameters, not by the encoding asked for', async () => {
    const { client } = cachedClient(kind);
    await client.embedding({ model, input: 'a', dimensions: 4 });
    await client.flush();
    const sent = fake.requests.length;
    await client.embedding({ model, input: 'a', dimensions: 4, encodingFormat: 'base64' });
    expect(fake.requests.length).toBe(sent);
    await client.embedding({ model, input: 'a', dimensions: 6 });
    await client.embedding({ model, input: 'a', dimensions: 4, input_type: 'query' });
    await client.embedding({ model: 'openai/text-embedding-3-large', input: 'a', dimensions: 4 });
    expect(fake.requests.length).toBe(sent + 3);
  });

  test('reads nothing with noCache and stores nothing with noStore', async () => {
    const { client } = cachedClient(kind);
    await client.embedding({ model, input: 'a', cache: { noStore: true } });
    await client.flush();
    await client.embedding({ model, input: 'a' });
    await client.flush();
    const sent = fake.requests.length;
    await client.embedding({ model, input: 'a', cache: { noCache: true } });
    expect(fake.requests.length).toBe(sent + 1);
  });
});

describe('the cache and mockResponse on embedding calls', () => {
  it('answers a partly cached call wholly from the mock, which stands for the whole input', async () => {
    const { client, record } = cachedClient('local');
    await client.embedding({ model, input: 'a', mockResponse: [[1, 1]] });
    await client.flush();
    const answer = await client.embedding({
      model,
      input: ['a', 'b'],
      mockResponse: [
        [2, 2],
        [3, 3],
      ],
    });
    await client.flush();
    expect(answer.data.map((item) => item.embedding)).toEqual([
      [2, 2],
      [3, 3],
    ]);
    expect(record(1).embedding?.cached_inputs).toBe(0);
    const cached = await client.embedding({ model, input: 'a', mockResponse: [[9, 9]] });
    expect(cached.data[0]?.embedding).toEqual([2, 2]);
  });
});

describe('the cache and fallbacks on embedding calls', () => {
  it('does not store the vectors a fallback model made under the model asked for', async () => {
    const { client } = cachedClient('local');
    fake.reply({ status: 500, body: '{"error":{"message":"down"}}' }, openAIEmbeddingsReply());
    await client.embedding({ model, input: 'a', fallbacks: ['openai/text-embedding-3-large'] });
    await client.flush();
    const sent = fake.requests.length;
    await client.embedding({ model, input: 'a' });
    expect(fake.requests.length).toBe(sent + 1);
  });
});

import { createClient, embedding, InvalidResponseError, ValidationError } from 'shallot';
import { describe, expect, it } from 'vitest';
import { base64Of, openAIEmbeddingsReply, vectorFor } from '../../support/embeddings.js';
import { useFakeProvider } from '../../support/fake-provider.js';

const fake = useFakeProvider({ reply: openAIEmbeddingsReply() });

function newClient() {
  return createClient({ providers: { openai: { apiKey: 'sk-test', apiBase: fake.url } } });
}

const model = 'openai/text-embedding-3-small';

describe('client.embedding()', () => {
  it('embeds one text: an OpenAI-format list with one vector, asked for in base64 and returned as numbers', async () => {
    const answer = await newClient().embedding({ model, input: 'a cat' });
    expect(fake.requests[0]?.path).toBe('/v1/embeddings');
    expect(fake.requests[0]?.body).toEqual({
      model: 'text-embedding-3-small',
      input: ['a cat'],
      encoding_format: 'base64',
    });
    expect(answer).toEqual({
      object: 'list',
      data: [{ object: 'embedding', index: 0, embedding: vectorFor('a cat', 8) }],
      model: 'text-embedding-3-small',
      usage: { prompt_tokens: 5, total_tokens: 5 },
    });
  });

  it('returns the vectors of a list of texts in input order, whatever order the server lists them in', async () => {
    const texts = ['one', 'two', 'three'];
    const answer = await newClient().embedding({ model, input: texts });
    expect(answer.data.map((item) => item.index)).toEqual([0, 1, 2]);
    expect(answer.data.map((item) => item.embedding)).toEqual(
      texts.map((text) => vectorFor(text, 8)),
    );
  });

  it('sends token-id input as OpenAI takes it: one list is one input, a list of lists is one input each', async () => {
    const client = newClient();
    await client.embedding({ model, input: [1, 2, 3] });
    await client.embedding({ model, input: [[1, 2], [3]] });
    expect(fake.requests.map((request) => request.body.input)).toEqual([
      [[1, 2, 3]],
      [[1, 2], [3]],
    ]);
  });

  it('reads a server that ignores base64 and answers floats (as Ollama’s and some vLLM builds do)', async () => {
    fake.reply(openAIEmbeddingsReply({ encoding: 'float' }));
    const answer = await newClient().embedding({ model, input: ['x', 'y'] });
    expect(answer.data[1]?.embedding).toEqual(vectorFor('y', 8));
  });

  it('gives Float32Array vectors with encodingFormat float32, and base64 strings with base64', async () => {
    const client = newClient();
    const floats = await client.embedding({ model, input: 'x', encodingFormat: 'float32' });
    expect(floats.data[0]?.embedding).toBeInstanceOf(Float32Array);
    expect(Array.from(floats.data[0]?.embedding ?? [])).toEqual(vectorFor('x', 8));
    const text = await client.embedding({ model, input: 'x', encoding_format: 'base64' });
    expect(text.data[0]?.embedding).toBe(base64Of(vectorFor('x', 8)));
    // The wire is base64 whatever the caller asked for.
    expect(fake.requests.map((request) => request.body.encoding_format)).toEqual([
      'base64',
      'base64',
    ]);
  });

  it('sends dimensions, and refuses a vector of another width as an InvalidResponseError', async () => {
    const answer = await newClient().embedding({ model, input: 'x', dimensions: 4 });
    expect(fake.requests[0]?.body.dimensions).toBe(4);
    expect(answer.data[0]?.embedding).toHaveLength(4);
    fake.reply(openAIEmbeddingsReply({ width: 6 }));
    const failure = await newClient()
      .embedding({ model, input: 'x', dimensions: 4 })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(InvalidResponseError);
    expect((failure as Error).message).toContain('6 wide where dimensions is 4');
  });

  it('passes provider parameters through and sends user', async () => {
    await newClient().embedding({ model, input: 'x', user: 'u-1', input_type: 'query' });
    expect(fake.requests[0]?.body).toMatchObject({ user: 'u-1', input_type: 'query' });
  });

  it('splits more than 2,048 inputs into batches, sends them, and merges them in order with the usage summed', async () => {
    const texts = Array.from({ length: 4100 }, (_unused, index) => `text ${index}`);
    const answer = await newClient().embedding({ model, input: texts });
    expect(fake.requests.map((request) => (request.body.input as string[]).length).sort()).toEqual(
      [2048, 2048, 4].sort(),
    );
    expect(answer.data).toHaveLength(4100);
    expect(answer.data[4099]?.embedding).toEqual(vectorFor('text 4099', 8));
    expect(answer.data[2048]?.embedding).toEqual(vectorFor('text 2048', 8));
    expect(answer.usage.prompt_tokens).toBe(4100 * 5);
  });

  it('refuses bad input before any network call, naming the field and the fix', async () => {
    const client = newClient();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ model, input: '' }, 'input'],
      [{ model, input: [] }, 'input'],
      [{ model, input: [1, 'a'] }, 'input'],
      [{ model, input: 'x', dimensions: 0 }, 'dimensions'],
      [{ model, input: 'x', encodingFormat: 'utf8' }, 'encodingFormat'],
      [{ model, messages: [{ role: 'user', content: 'x' }] }, 'messages'],
      [{ model, input: 'x', stream: true }, 'stream'],
      [{ model, input: 'x', numRetry: 2 }, 'numRetry'],
      [{ model: 'anthropic/claude-haiku-4-5', input: 'x', apiKey: 'k' }, 'model'],
    ];
    for (const [params, field] of cases) {
      const failure = await client
        .embedding(params as unknown as Parameters<typeof client.embedding>[0])
        .catch((error: unknown) => error);
      expect(failure, JSON.stringify(params)).toBeInstanceOf(ValidationError);
      expect((failure as ValidationError).issues.map((issue) => issue.field)).toContain(field);
    }
    expect(fake.requests).toHaveLength(0);
  });

  it('answers from mockResponse, a list of vectors or a whole response, with no network', async () => {
    const vectors = await embedding({
      model,
      input: ['a', 'b'],
      mockResponse: [
        [1, 2],
        [3, 4],
      ],
    });
    expect(vectors.data.map((item) => item.embedding)).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(vectors.usage.prompt_tokens).toBeGreaterThan(0);
    const given = {
      object: 'list' as const,
      data: [{ object: 'embedding' as const, index: 0, embedding: [0.5] }],
      model: 'mine',
      usage: { prompt_tokens: 1, total_tokens: 1 },
    };
    expect(await embedding({ model, input: 'a', mockResponse: given })).toEqual(given);
    const failure = await embedding({ model, input: ['a', 'b'], mockResponse: [[1]] }).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ValidationError);
    expect(fake.requests).toHaveLength(0);
  });

  it('resolves a bare embedding model name through the price table to its provider (voyage-3.5 to Voyage)', async () => {
    const client = createClient();
    const providers: Array<string | null> = [];
    client.successCallback = [
      (kwargs: { litellm_params: { custom_llm_provider: string | null } }) =>
        providers.push(kwargs.litellm_params.custom_llm_provider),
    ];
    await client.embedding({ model: 'voyage-3.5', input: 'a', mockResponse: [[1, 2]] });
    await client.embedding({ model: 'text-embedding-3-small', input: 'a', mockResponse: [[1, 2]] });
    await client.flush();
    expect(providers).toEqual(['voyage', 'openai']);
  });
});

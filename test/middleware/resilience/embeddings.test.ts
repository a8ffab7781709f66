import {
  AllFallbacksFailedError,
  type CallbackKwargs,
  createClient,
  InvalidResponseError,
} from 'shallot';
import { describe, expect, it } from 'vitest';
import { openAIEmbeddingsReply, vectorFor } from '../../support/embeddings.js';
import { useFakeProvider } from '../../support/fake-provider.js';

const fake = useFakeProvider();
const model = 'openai/text-embedding-3-small';
const rateLimited = {
  status: 429,
  headers: { 'retry-after-ms': '1' },
  body: JSON.stringify({ error: { message: 'slow down', type: 'rate_limit_exceeded' } }),
};

function newClient() {
  const client = createClient({
    providers: { openai: { apiKey: 'sk-test', apiBase: fake.url } },
    retry: { baseDelayMs: 1, maxDelayMs: 1 },
  });
  const events: Array<{ type: string; model: string; willRetry: boolean }> = [];
  const keep = (type: string) => (kwargs: CallbackKwargs) => {
    events.push({ type, model: kwargs.model, willRetry: kwargs.will_retry });
  };
  client.successCallback = [keep('success')];
  client.failureCallback = [keep('failure')];
  return { client, events };
}

describe('retries and fallbacks on embedding calls', () => {
  it('retries a 429 and answers from the next attempt, with one terminal event', async () => {
    fake.reply(rateLimited, openAIEmbeddingsReply());
    const { client, events } = newClient();
    const answer = await client.embedding({ model, input: ['a', 'b'], numRetries: 2 });
    await client.flush();
    expect(fake.requests).toHaveLength(2);
    expect(answer.data[1]?.embedding).toEqual(vectorFor('b', 8));
    expect(events).toEqual([
      { type: 'failure', model: 'text-embedding-3-small', willRetry: true },
      { type: 'success', model: 'text-embedding-3-small', willRetry: false },
    ]);
  });

  it('falls back to another model when the first fails', async () => {
    fake.reply(
      { status: 503, body: '{"error":{"message":"overloaded"}}' },
      openAIEmbeddingsReply(),
    );
    const { client, events } = newClient();
    const answer = await client.embedding({
      model,
      input: 'a',
      fallbacks: ['openai/text-embedding-3-large'],
    });
    await client.flush();
    expect(fake.requests.map((request) => request.body.model)).toEqual([
      'text-embedding-3-small',
      'text-embedding-3-large',
    ]);
    expect(answer.data).toHaveLength(1);
    expect(events.at(-1)).toEqual({
      type: 'success',
      model: 'text-embedding-3-large',
      willRetry: false,
    });
  });

  it('fails rather than mix widths: a fallback whose vectors are not `dimensions` wide is refused', async () => {
    fake.reply(
      { status: 503, body: '{"error":{"message":"overloaded"}}' },
      openAIEmbeddingsReply({ width: 12 }),
    );
    const { client, events } = newClient();
    const failure = await client
      .embedding({ model, input: 'a', dimensions: 8, fallbacks: ['openai/other-embedder'] })
      .catch((error: unknown) => error);
    await client.flush();
    expect(failure).toBeInstanceOf(AllFallbacksFailedError);
    const last = (failure as AllFallbacksFailedError).cause;
    expect(last).toBeInstanceOf(InvalidResponseError);
    expect((last as Error).message).toContain('12 wide where dimensions is 8');
    expect(events.filter((event) => !event.willRetry)).toEqual([
      { type: 'failure', model: 'other-embedder', willRetry: false },
    ]);
  });
});

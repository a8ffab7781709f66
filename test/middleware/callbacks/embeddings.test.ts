import {
  AuthenticationError,
  type CallbackKwargs,
  CustomLogger,
  createClient,
  type EmbeddingResponse,
} from 'shallot';
import { describe, expect, it } from 'vitest';
import { openAIEmbeddingsReply } from '../../support/embeddings.js';
import { useFakeProvider } from '../../support/fake-provider.js';

const fake = useFakeProvider({ reply: openAIEmbeddingsReply({ tokensEach: 4 }) });
const model = 'openai/text-embedding-3-small';

interface Seen {
  event: string;
  kwargs: CallbackKwargs;
  response?: unknown;
  messages?: unknown;
}

/** A handler that keeps every event it gets, in order. */
class Keeper extends CustomLogger {
  readonly seen: Seen[] = [];
  override logPreApiCall(_model: string, messages: unknown, kwargs: CallbackKwargs) {
    this.seen.push({ event: 'pre', kwargs, messages });
  }
  override logPostApiCall(kwargs: CallbackKwargs, response: unknown) {
    this.seen.push({ event: 'post', kwargs, response });
  }
  override async asyncLogSuccessEvent(kwargs: CallbackKwargs, response: unknown) {
    this.seen.push({ event: 'success', kwargs, response });
  }
  override async asyncLogFailureEvent(kwargs: CallbackKwargs) {
    this.seen.push({ event: 'failure', kwargs });
  }
}

function clientWith(handler: Keeper) {
  const client = createClient({
    providers: { openai: { apiKey: 'sk-secret-1234', apiBase: fake.url } },
  });
  client.callbacks = [handler];
  return client;
}

describe('callbacks on an embedding call', () => {
  it('fire pre, post and success with call_type aembedding, the input, the body sent, the cost and the response', async () => {
    const handler = new Keeper();
    const client = clientWith(handler);
    const answer = await client.embedding({
      model,
      input: ['alpha', 'beta'],
      metadata: { team: 'search' },
    });
    await client.flush();
    expect(handler.seen.map((item) => item.event)).toEqual(['pre', 'post', 'success']);
    for (const { kwargs } of handler.seen) {
      expect(kwargs.call_type).toBe('aembedding');
      expect(kwargs.input).toEqual(['alpha', 'beta']);
      expect(kwargs.litellm_params.metadata).toEqual({ team: 'search' });
      expect(kwargs.additional_args.complete_input_dict).toEqual({
        model: 'text-embedding-3-small',
        input: ['alpha', 'beta'],
        encoding_format: 'base64',
      });
      expect(kwargs.api_key).not.toContain('secret');
      expect(kwargs.stream).toBe(false);
    }
    // LiteLLM logs an embedding's input where a completion's messages go.
    expect(handler.seen[0]?.messages).toEqual(['alpha', 'beta']);
    const success = handler.seen[2] as Seen;
    expect(success.response).toEqual(answer);
    expect(success.kwargs.response_cost).toBeCloseTo(8 * 2e-8, 15);
    expect(success.kwargs.cache_hit).toBeNull();
    expect(success.kwargs.original_response).toContain('"object":"list"');
    const record = success.kwargs.standard_logging_object;
    expect(record?.call_type).toBe('embedding');
    expect(record?.embedding).toEqual({
      inputs: 2,
      cached_inputs: 0,
      input_tokens: 8,
      estimated_tokens: false,
      dimensions: null,
      width: 8,
    });
    expect(record?.messages).toBeNull();
    expect(record?.response).toBeNull();
  });

  it('give each callback its own copy of the response: one callback’s edits never reach another or the caller', async () => {
    const edits = new Keeper();
    const reader = new Keeper();
    const client = clientWith(edits);
    client.successCallback = [
      (_kwargs: CallbackKwargs, response: EmbeddingResponse) => {
        (response.data[0]?.embedding as number[])[0] = 42;
      },
    ];
    client.callbacks.push(reader);
    const answer = await client.embedding({ model, input: 'alpha' });
    const first = answer.data[0]?.embedding[0];
    await client.flush();
    expect(first).not.toBe(42);
    expect(answer.data[0]?.embedding[0]).toBe(first);
    const seen = reader.seen.find((item) => item.event === 'success')
      ?.response as EmbeddingResponse;
    expect(seen.data[0]?.embedding[0]).toBe(first);
  });

  it('fire one failure event for a 401, with the error typed and the key masked', async () => {
    fake.reply({
      status: 401,
      body: JSON.stringify({
        error: {
          message: 'Incorrect API key provided: sk-secret-1234',
          type: 'invalid_request_error',
        },
      }),
    });
    const handler = new Keeper();
    const client = clientWith(handler);
    const failure = await client
      .embedding({ model, input: 'alpha' })
      .catch((error: unknown) => error);
    await client.flush();
    expect(failure).toBeInstanceOf(AuthenticationError);
    expect((failure as Error).message).not.toContain('sk-secret-1234');
    expect(handler.seen.map((item) => item.event)).toEqual(['pre', 'post', 'failure']);
    const failed = handler.seen[2]?.kwargs as CallbackKwargs;
    expect(failed.call_type).toBe('aembedding');
    expect(failed.exception).toBeInstanceOf(AuthenticationError);
    expect(failed.standard_logging_object?.error?.code).toBe('authentication');
    expect(JSON.stringify(failed.standard_logging_object)).not.toContain('sk-secret-1234');
  });

  it('keep a 2,048-input call’s record small: counts, never vectors or inputs', async () => {
    const handler = new Keeper();
    const client = clientWith(handler);
    const texts = Array.from({ length: 2048 }, (_unused, index) => `document number ${index}`);
    await client.embedding({ model, input: texts, dimensions: 256 });
    await client.flush();
    const record = handler.seen.find((item) => item.event === 'success')?.kwargs
      .standard_logging_object;
    expect(record?.embedding).toMatchObject({ inputs: 2048, width: 256, dimensions: 256 });
    expect(JSON.stringify(record).length).toBeLessThan(3000);
  });
});

import {
  type CallRecord,
  callRecordOf,
  callRecordSchema,
  createClient,
  type Middleware,
  setDefaultRedaction,
} from 'shallot';
import { afterEach, describe, expect, it } from 'vitest';
import { collect } from '../../support/streams.js';

const KEY = 'sk-record-0123456789abcdef';
const messages = [{ role: 'user' as const, content: 'What is in an onion?' }];

/** A client whose calls' records are kept. */
function recordingClient(options: Parameters<typeof createClient>[0] = {}) {
  const records: CallRecord[] = [];
  const keep: Middleware = async (ctx, next) => {
    ctx.onEnd(() => records.push(callRecordOf(ctx)));
    await next();
  };
  return { client: createClient({ ...options, middleware: [keep] }), records };
}

afterEach(() => {
  setDefaultRedaction({ messages: false, response: false });
});

describe('the call record', () => {
  it('is valid against its schema for a plain call, a stream and a failure, and JSON-serialisable', async () => {
    const { client, records } = recordingClient();
    await client.completion({
      model: 'gpt-4o-mini',
      messages,
      mockResponse: 'Layers.',
      metadata: { user: 'u-1', tags: ['demo'] },
    });
    await collect(
      await client.completion({
        model: 'gpt-4o-mini',
        messages,
        stream: true,
        mockResponse: 'Layers.',
      }),
    );
    await client
      .completion({ model: 'gpt-4o-mini', messages, mockResponse: new Error('boom') })
      .catch(() => {});
    expect(records.map((record) => record.status)).toEqual(['success', 'success', 'failure']);
    for (const record of records) {
      expect(callRecordSchema.parse(JSON.parse(JSON.stringify(record)))).toEqual(record);
    }
    expect(records[0]).toMatchObject({
      model: 'gpt-4o-mini',
      provider: 'openai',
      tags: ['demo'],
      metadata: { user: 'u-1', tags: ['demo'] },
      finish_reason: 'stop',
      usage: { prompt_tokens: 5, completion_tokens: 2 },
    });
    expect(records[0]?.response_cost).toBeGreaterThan(0);
    expect(records[1]?.time_to_first_token_ms).not.toBeNull();
    expect(records[2]?.error).toMatchObject({
      class: 'InternalServerError',
      code: 'internal_server',
      status: 500,
      retryable: true,
    });
  });

  it('never holds the key: metadata under credential names is masked, and the raw key nowhere', async () => {
    const { client, records } = recordingClient();
    await client.completion({
      model: 'gpt-4o-mini',
      messages,
      apiKey: KEY,
      mockResponse: 'ok',
      metadata: { api_key: KEY, note: `key ${KEY}` },
    });
    await client
      .completion({
        model: 'gpt-4o-mini',
        messages,
        apiKey: KEY,
        mockResponse: new Error(`bad key ${KEY}`),
      })
      .catch(() => {});
    const text = JSON.stringify(records);
    expect(text).not.toContain(KEY);
    expect(records[0]?.metadata).toEqual({ api_key: 'sk-r****cdef', note: 'key sk-r****cdef' });
  });

  it('keeps the answer’s logprob tokens as they are, while the key is masked in the answer too', async () => {
    const { client, records } = recordingClient();
    const logprobs = {
      content: [
        { token: 'Layers', logprob: -0.1, bytes: null, top_logprobs: [{ token: 'Rings' }] },
      ],
    };
    await client.completion({
      model: 'gpt-4o-mini',
      messages,
      apiKey: KEY,
      mockResponse: {
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: `Layers, and ${KEY}` },
            logprobs,
            finish_reason: 'stop',
          },
        ],
      },
    });
    const response = records[0]?.response as
      | { choices: Array<Record<string, unknown>> }
      | undefined;
    const choice = response?.choices[0];
    expect(choice?.logprobs).toEqual(logprobs);
    expect(JSON.stringify(records)).not.toContain(KEY);
  });

  it('redacts messages and response per call, over the client, over the process default', async () => {
    setDefaultRedaction({ response: true });
    const { client, records } = recordingClient({ redact: { messages: true } });
    await client.completion({ model: 'gpt-4o-mini', messages, mockResponse: 'secret answer' });
    await client.completion({
      model: 'gpt-4o-mini',
      messages,
      mockResponse: 'secret answer',
      redact: { messages: false, response: false },
    });
    expect(records[0]).toMatchObject({ messages: '[redacted]', response: '[redacted]' });
    expect(records[1]?.messages).toEqual(messages);
    expect(JSON.stringify(records[1]?.response)).toContain('secret answer');
    const plain = recordingClient();
    await plain.client.completion({
      model: 'gpt-4o-mini',
      messages,
      mockResponse: 'secret answer',
    });
    expect(plain.records[0]?.messages).toEqual(messages);
    expect(plain.records[0]?.response).toBe('[redacted]');
  });

  it('redacts on the failure path too', async () => {
    const { client, records } = recordingClient({ redact: { messages: true, response: true } });
    await client
      .completion({ model: 'gpt-4o-mini', messages, mockResponse: new Error('boom') })
      .catch(() => {});
    expect(records[0]).toMatchObject({ status: 'failure', messages: '[redacted]', response: null });
  });
});

import type { Client } from 'shallot';
import { type FakeProvider, fixture } from './fake-provider.js';
import { collect } from './streams.js';

const messages = [{ role: 'user' as const, content: 'Keep my key out of the logs.' }];

/**
 * The calls every logging sink's key test makes, each with `key` in its metadata: from a mock,
 * an answer and a failure that names the key (both with `key` as the call's key); then from
 * `fake`, a plain answer, a stream, and a 401 whose message quotes the key. Records come out
 * as success, failure, success, success, failure. Failures are caught: the sinks are under
 * test, not the caller. The client must send to `fake` with `key`.
 */
export async function callsWithKey(
  client: Client,
  fake: FakeProvider,
  key: string,
  metadata: Record<string, unknown> = { api_key: key },
): Promise<void> {
  const mocked = { model: 'openai/gpt-4o-mini', messages, apiKey: key, metadata };
  await client.completion({ ...mocked, mockResponse: 'Paris.' });
  await client
    .completion({ ...mocked, mockResponse: new Error(`the key ${key} was refused`) })
    .catch(() => {});
  fake.reply({ body: fixture('openai-chat.json') });
  await client.completion({ model: 'gpt-4.1-nano', messages, metadata });
  fake.reply({ body: fixture('openai-chat-stream-usage.sse') });
  await collect(await client.completion({ model: 'gpt-4o', messages, metadata, stream: true }));
  fake.reply({
    status: 401,
    body: JSON.stringify({
      error: { message: `Incorrect API key provided: ${key}`, code: 'invalid_api_key' },
    }),
  });
  await client.completion({ model: 'gpt-4o', messages, metadata }).catch(() => {});
}

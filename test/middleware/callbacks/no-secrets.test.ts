import { inspect } from 'node:util';
import { type CallbackKwargs, CustomLogger, createClient } from 'shallot';
import { describe, expect, it } from 'vitest';
import { fixture, useFakeProvider } from '../../support/fake-provider.js';
import { collect } from '../../support/streams.js';

const KEY = 'sk-proj-SECRETsecretSECRET0123456789';
const messages = [{ role: 'user' as const, content: 'Hi' }];

const fake = useFakeProvider();

/** Everything a callback can receive, in every form it can be turned into text. */
function serialise(value: unknown): string {
  const json = JSON.stringify(value, (_key, item: unknown) =>
    item instanceof Error
      ? { ...item, message: item.message, stack: item.stack, cause: String(item.cause) }
      : item,
  );
  return `${json}\n${inspect(value, { depth: 12, showHidden: true })}`;
}

describe('secrets in callbacks', () => {
  it('no raw API key appears anywhere in what callbacks receive, on success, stream and failure', async () => {
    const received: unknown[] = [];
    class Everything extends CustomLogger {
      override logPreApiCall(model: string, msgs: unknown, kwargs: CallbackKwargs) {
        received.push(model, msgs, kwargs);
      }
      override logPostApiCall(...args: unknown[]) {
        received.push(args);
      }
      override logStreamEvent(...args: unknown[]) {
        received.push(args);
      }
      override logSuccessEvent(...args: unknown[]) {
        received.push(args);
      }
      override logFailureEvent(...args: unknown[]) {
        received.push(args);
      }
    }
    const client = createClient({
      providers: { openai: { apiKey: KEY, apiBase: fake.url, headers: { 'x-api-key': KEY } } },
    });
    client.callbacks = [new Everything(), (...args: unknown[]) => received.push(args)];
    client.inputCallback = [(...args: unknown[]) => received.push(args)];
    client.successCallback = [(...args: unknown[]) => received.push(args)];
    client.failureCallback = [(...args: unknown[]) => received.push(args)];

    fake.reply({ body: fixture('openai-chat.json') });
    await client.completion({ model: 'gpt-4.1-nano', messages, metadata: { api_key: KEY } });
    fake.reply({ body: fixture('openai-chat-stream-usage.sse') });
    await collect(await client.completion({ model: 'gpt-4o', messages, stream: true }));
    fake.reply({
      status: 401,
      body: JSON.stringify({
        error: { message: `Incorrect API key provided: ${KEY}`, code: 'invalid_api_key' },
      }),
    });
    await client.completion({ model: 'gpt-4o', messages }).catch(() => {});
    await client.flush();

    expect(received.length).toBeGreaterThan(20);
    const text = serialise(received);
    expect(text).not.toContain(KEY);
    expect(text).not.toContain('SECRETsecretSECRET');
    expect(text).toContain('sk-p****6789');
  });
});

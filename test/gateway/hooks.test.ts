import OpenAI from 'openai';
import {
  type ChatCompletion,
  type ChatCompletionChunk,
  CustomLogger,
  createClient,
  type ProxyRequestData,
  type UserApiKeyDict,
} from 'shallot';
import { createGateway, type Gateway } from 'shallot/gateway';
import { afterEach, describe, expect, it } from 'vitest';
import { fixture, useFakeProvider } from '../support/fake-provider.js';

const fake = useFakeProvider({ reply: { body: fixture('openai-chat.json') } });
const gateways: Gateway[] = [];
afterEach(async () => {
  for (const gateway of gateways.splice(0)) await gateway.close({ graceMs: 100 });
});

async function gatewayWith(handler: CustomLogger) {
  const client = createClient({
    providers: { openai: { apiKey: 'sk-upstream', apiBase: fake.url } },
  });
  client.callbacks = [handler];
  const gateway = createGateway({
    client,
    authenticate: () => ({ metadata: { user_id: 'u-1', team_id: 't-1' } }),
  });
  gateways.push(gateway);
  const url = await gateway.listen();
  return {
    client,
    openai: new OpenAI({ apiKey: 'sk-caller', baseURL: `${url}/v1`, maxRetries: 0 }),
  };
}

const messages = [{ role: 'user' as const, content: 'Hello' }];

describe('the proxy hooks, through the gateway', () => {
  it('lets a pre-call hook change the request, with the caller’s key as user_api_key_dict', async () => {
    const seen: UserApiKeyDict[] = [];
    class AddSystem extends CustomLogger {
      override async asyncPreCallHook(
        caller: UserApiKeyDict,
        _cache: unknown,
        data: ProxyRequestData,
      ) {
        seen.push(caller);
        const messages = data.messages as Array<{ role: string; content: string }>;
        return { ...data, messages: [{ role: 'system', content: 'Be brief.' }, ...messages] };
      }
    }
    const { openai } = await gatewayWith(new AddSystem());
    await openai.chat.completions.create({ model: 'gpt-4.1-nano', messages });
    expect((fake.requests[0]?.body.messages as unknown[] | undefined)?.[0]).toEqual({
      role: 'system',
      content: 'Be brief.',
    });
    expect(seen[0]).toMatchObject({ user_id: 'u-1', team_id: 't-1' });
  });

  it('refuses with a 400 when a pre-call hook returns a string or throws, before any request', async () => {
    class Refuse extends CustomLogger {
      override async asyncPreCallHook() {
        return 'no questions on Sundays';
      }
    }
    const { openai } = await gatewayWith(new Refuse());
    const failure = await openai.chat.completions
      .create({ model: 'gpt-4.1-nano', messages })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.BadRequestError);
    expect((failure as Error).message).toContain('no questions on Sundays');
    expect(fake.requests).toHaveLength(0);
  });

  it('fails the request when a moderation hook throws, even one that runs alongside the call', async () => {
    class Moderate extends CustomLogger {
      override async asyncModerationHook(data: ProxyRequestData) {
        const text = JSON.stringify(data.messages);
        if (text.includes('forbidden')) throw new Error('flagged by moderation');
      }
    }
    const { openai } = await gatewayWith(new Moderate());
    const failure = await openai.chat.completions
      .create({
        model: 'gpt-4.1-nano',
        messages: [{ role: 'user', content: 'something forbidden' }],
      })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.BadRequestError);
    const fine = await openai.chat.completions.create({ model: 'gpt-4.1-nano', messages });
    expect(fine.choices).toHaveLength(1);
  });

  it('runs the success hook on the answer (which it may change), the failure hook on a failure, and the streaming hook on every chunk', async () => {
    const events: string[] = [];
    class Observe extends CustomLogger {
      override async asyncPostCallSuccessHook(
        _data: ProxyRequestData,
        _caller: UserApiKeyDict,
        response: unknown,
      ) {
        events.push('success');
        const answer = response as ChatCompletion | undefined;
        if (answer?.choices) return { ...answer, id: 'changed-by-hook' };
        return undefined;
      }
      override async asyncPostCallFailureHook(_data: ProxyRequestData, error: Error) {
        events.push(`failure ${error.name}`);
      }
      override async asyncPostCallStreamingHook(
        _caller: UserApiKeyDict,
        chunk: ChatCompletionChunk,
      ) {
        events.push(`chunk ${chunk.object}`);
      }
    }
    const { openai, client } = await gatewayWith(new Observe());
    const answer = await openai.chat.completions.create({ model: 'gpt-4.1-nano', messages });
    expect(answer.id).toBe('changed-by-hook');
    fake.reply({ status: 500, body: '{"error":{"message":"down"}}' });
    await openai.chat.completions.create({ model: 'gpt-4.1-nano', messages }).catch(() => {});
    fake.reply({
      body: fixture('openai-chat-stream-usage.sse'),
      headers: { 'content-type': 'text/event-stream' },
    });
    const stream = await openai.chat.completions.create({
      model: 'gpt-4.1-nano',
      messages,
      stream: true,
    });
    for await (const _chunk of stream) {
      // read it all
    }
    await client.flush();
    expect(events.slice(0, 2)).toEqual(['success', 'failure InternalServerError']);
    expect(
      events.filter((event) => event === 'chunk chat.completion.chunk').length,
    ).toBeGreaterThan(2);
    expect(events.at(-1)).toBe('success');
  });
});

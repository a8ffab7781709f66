import { createClient, type Middleware } from 'shallot';
import { describe, expect, it } from 'vitest';
import { fixture, useFakeProvider } from '../../support/fake-provider.js';

const messages = [{ role: 'user' as const, content: 'Hi' }];

const fake = useFakeProvider();

/** A stack of recording layers: two client layers, one per-call layer, two attempt layers. */
function recordingStack() {
  const calls: string[] = [];
  const layer =
    (name: string, attemptLayer?: Middleware): Middleware =>
    async (ctx, next) => {
      calls.push(`${name}:before`);
      if (attemptLayer) ctx.useAttempt(attemptLayer);
      // The one rule: listen on the way in; listeners run innermost-first.
      ctx.onChunk(() => calls.push(`${name}:chunk`));
      ctx.onEnd(() => calls.push(`${name}:end:${ctx.status}`));
      await next();
      calls.push(`${name}:after:${ctx.status}`);
    };
  const attempt =
    (name: string): Middleware =>
    async (ctx, next) => {
      calls.push(
        `${name}:before:attempt-${ctx.attempt}:${ctx.providerRequest ? 'prepared' : 'raw'}`,
      );
      await next();
      calls.push(`${name}:after`);
    };
  const client = createClient({
    middleware: [layer('a'), layer('b', attempt('y'))],
    attemptMiddleware: [attempt('x')],
    providers: { openai: { apiKey: 'sk-test', apiBase: fake.url } },
  });
  return { client, calls, perCall: layer('c') };
}

describe('the onion', () => {
  it('runs call layers outermost first, then the attempt layers; a plain call ends (end listeners innermost first) before the outer layers unwind, so they see it final', async () => {
    fake.reply({ body: fixture('openai-chat.json') });
    const { client, calls, perCall } = recordingStack();
    await client.completion({ model: 'gpt-4.1-nano', messages, middleware: [perCall] });
    calls.push('caller:resolved');
    expect(calls).toEqual([
      'a:before',
      'b:before',
      'c:before',
      'x:before:attempt-1:prepared',
      'y:before:attempt-1:prepared',
      'y:after',
      'x:after',
      'c:end:success',
      'b:end:success',
      'a:end:success',
      'c:after:success',
      'b:after:success',
      'a:after:success',
      'caller:resolved',
    ]);
  });

  it('hands a stream to the caller after the layers unwind, then passes every chunk inner layer first, and ends once', async () => {
    const body = fixture('openai-chat-stream-usage.sse').split('\n\n').slice(0, 2).join('\n\n');
    const finish = JSON.stringify({
      id: 'x',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'gpt-4o',
      choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
    });
    fake.reply({ body: `${body}\n\ndata: ${finish}\n\ndata: [DONE]\n\n` });
    const { client, calls, perCall } = recordingStack();
    const stream = await client.completion({
      model: 'gpt-4o',
      messages,
      stream: true,
      middleware: [perCall],
    });
    calls.push('caller:resolved');
    for await (const _chunk of stream) calls.push('caller:chunk');
    calls.push('caller:done');
    const chunk = ['c:chunk', 'b:chunk', 'a:chunk', 'caller:chunk'];
    expect(calls).toEqual([
      'a:before',
      'b:before',
      'c:before',
      'x:before:attempt-1:prepared',
      'y:before:attempt-1:prepared',
      'y:after',
      'x:after',
      'c:after:streaming',
      'b:after:streaming',
      'a:after:streaming',
      'caller:resolved',
      ...chunk,
      ...chunk,
      ...chunk,
      'c:end:success',
      'b:end:success',
      'a:end:success',
      'caller:done',
    ]);
  });

  it('lets a layer change the request on the way in and read the response on the way out', async () => {
    fake.reply({ body: fixture('openai-chat.json') });
    const seen: Array<string | null | undefined> = [];
    const client = createClient({
      providers: { openai: { apiKey: 'sk-test', apiBase: fake.url } },
      middleware: [
        async (ctx, next) => {
          if (ctx.kind !== 'completion') return next();
          ctx.request.temperature = 0;
          ctx.request.model = 'openai/gpt-4.1-mini';
          await next();
          seen.push(ctx.response?.choices[0]?.message.content?.slice(0, 20), ctx.status);
        },
      ],
    });
    await client.completion({ model: 'gpt-4.1-nano', messages, temperature: 1 });
    expect(fake.requests.at(-1)?.body).toMatchObject({ model: 'gpt-4.1-mini', temperature: 0 });
    expect(seen).toEqual(['**Holiday Name:** Ga', 'success']);
  });

  it('shows a plain call final after await next(): status, cost (as response_cost), cache status; and a stream final in onEnd', async () => {
    fake.reply({ body: fixture('openai-chat.json') });
    const seen: Array<Record<string, unknown>> = [];
    const costs: Array<number | null> = [];
    const client = createClient({
      providers: { openai: { apiKey: 'sk-test', apiBase: fake.url } },
      middleware: [
        async (ctx, next) => {
          if (ctx.isStream) {
            ctx.onEnd(() =>
              seen.push({ where: 'onEnd', status: ctx.status, cost: ctx.cost?.total }),
            );
          }
          try {
            await next();
          } finally {
            seen.push({
              where: 'after next',
              status: ctx.status,
              cost: ctx.cost?.total,
              cacheStatus: ctx.cacheStatus,
              error: ctx.error?.name,
            });
          }
        },
      ],
    });
    client.successCallback.push((kwargs: { response_cost: number | null }) => {
      costs.push(kwargs.response_cost);
    });
    await client.completion({ model: 'gpt-4.1-nano', messages });
    fake.reply({ status: 500, body: '{"error":{"message":"down"}}' });
    await client.completion({ model: 'gpt-4.1-nano', messages }).catch(() => {});
    fake.reply({ body: fixture('openai-chat-stream-usage.sse') });
    for await (const _chunk of await client.completion({
      model: 'gpt-4o',
      messages,
      stream: true,
    })) {
      // read through
    }
    await client.flush();
    expect(seen).toEqual([
      {
        where: 'after next',
        status: 'success',
        cost: costs[0],
        cacheStatus: 'none',
        error: undefined,
      },
      {
        where: 'after next',
        status: 'failure',
        cost: null,
        cacheStatus: 'none',
        error: 'InternalServerError',
      },
      {
        where: 'after next',
        status: 'streaming',
        cost: undefined,
        cacheStatus: 'none',
        error: undefined,
      },
      { where: 'onEnd', status: 'success', cost: costs[1] },
    ]);
    expect(costs[0]).toBeGreaterThan(0);
    expect(costs[1]).toBeGreaterThan(0);
  });

  it('lets a layer answer without calling next, and no request is sent', async () => {
    const sent = fake.requests.length;
    const client = createClient({
      middleware: [
        async (ctx) => {
          ctx.response = {
            id: 'cached',
            object: 'chat.completion',
            created: 0,
            model: ctx.request.model,
            choices: [
              {
                index: 0,
                message: { role: 'assistant', content: 'from a layer' },
                finish_reason: 'stop',
              },
            ],
          };
        },
      ],
    });
    const answer = await client.completion({ model: 'gpt-4o', messages });
    expect(answer.choices[0]?.message.content).toBe('from a layer');
    expect(fake.requests.length).toBe(sent);
  });

  it('appends with use(): the later layer runs inside the earlier one', async () => {
    const calls: string[] = [];
    const client = createClient();
    client
      .use(async (_ctx, next) => {
        calls.push('first:before');
        await next();
        calls.push('first:after');
      })
      .use(async (_ctx, next) => {
        calls.push('second:before');
        await next();
        calls.push('second:after');
      });
    await client.completion({ model: 'gpt-4o', messages, mockResponse: 'ok' });
    expect(calls).toEqual(['first:before', 'second:before', 'second:after', 'first:after']);
  });

  it('refuses a second next() call in one layer, as koa-compose does', async () => {
    const client = createClient({
      middleware: [
        async (_ctx, next) => {
          await next();
          await next();
        },
      ],
    });
    await expect(
      client.completion({ model: 'gpt-4o', messages, mockResponse: 'ok' }),
    ).rejects.toThrow('next() called multiple times');
  });
});

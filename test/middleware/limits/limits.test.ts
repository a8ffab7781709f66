import {
  BudgetExceededError,
  type CallbackKwargs,
  createClient,
  PriceBook,
  RateLimitError,
  ServiceUnavailableError,
} from 'shallot';
import { type LimitRule, type LimitStore, limits } from 'shallot/middleware/limits';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fixture, useFakeProvider } from '../../support/fake-provider.js';

const messages = [{ role: 'user' as const, content: 'Hello there' }];
const fake = useFakeProvider({ reply: { body: fixture('openai-chat.json') } });

afterEach(() => {
  vi.useRealTimers();
});

/** A client limited by `rules`, on the fake provider, keeping every callback event. */
function limitedClient(rules: LimitRule[], extra: Partial<Parameters<typeof limits>[0]> = {}) {
  const layer = limits({ rules, ...extra });
  const client = createClient({
    middleware: [layer],
    providers: { openai: { apiKey: 'sk-test', apiBase: fake.url } },
  });
  const events: CallbackKwargs[] = [];
  client.callbacks = [(kwargs: CallbackKwargs) => events.push(kwargs)];
  return { client, layer, events };
}

const call = (
  client: ReturnType<typeof createClient>,
  user = 'alice',
  extra: Record<string, unknown> = {},
) => client.completion({ model: 'gpt-4.1-nano', messages, metadata: { user }, ...extra });

describe('limits()', () => {
  it('admits exactly rpm calls of a scope in a minute, refuses the rest before any request with a final RateLimitError, and counts each scope apart', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-06T10:00:00Z'));
    const { client, events } = limitedClient([{ name: 'per-user', scope: 'user', rpm: 3 }]);
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => call(client)));
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(3);
    const refused = results.find((result) => result.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(RateLimitError);
    expect(refused.reason.final).toBe(true);
    expect(refused.reason.message).toContain('per-user:alice');
    expect(refused.reason.retryAfterMs).toBe(60_000);
    expect(fake.requests).toHaveLength(3);
    await call(client, 'bob');
    expect(fake.requests).toHaveLength(4);
    await client.flush();
    const failures = events.filter((kwargs) => kwargs.log_event_type === 'failed_api_call');
    expect(failures).toHaveLength(2);
    expect(failures[0]?.exception).toBeInstanceOf(RateLimitError);
  });

  it('frees the window as its buckets age: a sliding minute in five-second steps', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-06T10:00:00Z'));
    const { client } = limitedClient([{ scope: 'user', rpm: 2 }]);
    await call(client);
    vi.advanceTimersByTime(30_000);
    await call(client);
    const refused = await call(client).catch((error: unknown) => error);
    expect((refused as RateLimitError).retryAfterMs).toBe(30_000);
    vi.advanceTimersByTime(30_000);
    await call(client); // the first call's bucket has left the window
    await expect(call(client)).rejects.toBeInstanceOf(RateLimitError);
  });

  it('never lets a fifth call in flight with maxParallel 4, and frees a slot when a call ends', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    fake.reply({ body: fixture('openai-chat.json'), gate });
    const { client } = limitedClient([{ scope: () => 'everyone', maxParallel: 4 }]);
    const held = Array.from({ length: 6 }, () => call(client));
    const settled = await Promise.allSettled(held.slice(4));
    expect(settled.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    await vi.waitFor(() => expect(fake.requests).toHaveLength(4));
    release();
    await Promise.all(held.slice(0, 4));
    fake.reply({ body: fixture('openai-chat.json') });
    await call(client);
    expect(fake.requests).toHaveLength(5);
  });

  it('reserves tokens before the call and settles them to the usage after it', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { client, layer } = limitedClient([{ scope: 'user', tpm: 5000 }], {
      defaultOutputTokens: 1000,
    });
    await call(client);
    const [usage] = await layer.usage('alice');
    // The fixture's usage: 379 tokens, whatever was reserved.
    expect(usage?.tpm).toEqual({ limit: 5000, used: 379, remaining: 4621 });
  });

  it('keeps concurrent calls within a budget: with $0.45 and calls reserving $0.15 each, three of five are admitted, and the spend settles to their real cost', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-06T10:00:00Z'));
    // Each call reserves 512 output tokens at $0.15 / 512 a token: $0.15; input is free.
    const price = {
      'gpt-4.1-nano': { input_cost_per_token: 0, output_cost_per_token: 0.15 / 512 },
    };
    const prices = new PriceBook();
    prices.register(price);
    const { client, layer, events } = limitedClient(
      [{ name: 'team', scope: 'team', budget: { usd: 0.45, period: 'day' } }],
      { prices },
    );
    client.registerModel(price);
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () =>
        client.completion({ model: 'gpt-4.1-nano', messages, metadata: { team: 'search' } }),
      ),
    );
    await client.flush();
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(3);
    const refused = results.find((result) => result.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(BudgetExceededError);
    expect(refused.reason).toMatchObject({
      scope: 'team:search',
      limitUsd: 0.45,
      spentUsd: 0.45,
      resetsAt: new Date('2026-12-07T00:00:00Z'),
    });
    const costs = events
      .filter((kwargs) => kwargs.log_event_type === 'successful_api_call')
      .map((kwargs) => kwargs.response_cost ?? 0);
    const spent = costs.reduce((sum, cost) => sum + cost, 0);
    const [usage] = await layer.usage('search');
    expect(usage?.budget?.spentUsd).toBeCloseTo(spent, 6);
    expect(usage?.budget?.spentUsd).toBeLessThanOrEqual(0.45);
    expect(usage?.budget?.resetsAt).toEqual(new Date('2026-12-07T00:00:00Z'));
  });

  it('gives back what a failed call reserved', async () => {
    fake.reply({ status: 500, body: '{"error":{"message":"down"}}' });
    const { client, layer } = limitedClient([
      { scope: 'user', tpm: 10_000, budget: { usd: 1, period: 'month' } },
    ]);
    await call(client).catch(() => {});
    const [usage] = await layer.usage('alice');
    expect(usage?.tpm?.used).toBe(0);
    expect(usage?.budget?.spentUsd).toBe(0);
  });

  it('resets a calendar budget at midnight of its time zone', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    // 22:30 UTC is 23:30 in Paris (winter): midnight there is 23:00 UTC.
    vi.setSystemTime(new Date('2026-12-06T22:30:00Z'));
    const price = {
      'gpt-4.1-nano': { input_cost_per_token: 0, output_cost_per_token: 0.15 / 512 },
    };
    const prices = new PriceBook();
    prices.register(price);
    const { client, layer } = limitedClient(
      [{ scope: 'user', budget: { usd: 0.15, period: 'day', timeZone: 'Europe/Paris' } }],
      { prices },
    );
    client.registerModel(price);
    const [before] = await layer.usage('alice');
    expect(before?.budget?.resetsAt).toEqual(new Date('2026-12-06T23:00:00Z'));
    await call(client);
    await expect(call(client)).rejects.toBeInstanceOf(BudgetExceededError);
    vi.setSystemTime(new Date('2026-12-06T23:00:01Z'));
    await call(client);
    const [after] = await layer.usage('alice');
    expect(after?.budget?.resetsAt).toEqual(new Date('2026-12-07T23:00:00Z'));
  });

  it('writes into the metadata, and so the record, which rules applied and what they had left', async () => {
    const { client, events } = limitedClient([
      { name: 'per-user', scope: 'user', rpm: 10, tpm: 100_000 },
      { name: 'per-team', scope: 'team', rpm: 100 },
    ]);
    await call(client);
    await client.flush();
    const success = events.find((kwargs) => kwargs.log_event_type === 'successful_api_call');
    const expected = [
      {
        rule: 'per-user',
        scope: 'alice',
        rpm: { limit: 10, remaining: 9 },
        tpm: { limit: 100_000, remaining: 100_000 - 379 },
      },
    ];
    expect(success?.litellm_params.metadata.limits).toEqual(expected);
    expect(success?.standard_logging_object?.metadata.limits).toEqual(expected);
  });

  it('fails open by default when its store fails: the call goes, counted in this process, reported once', async () => {
    const broken: LimitStore = {
      reserve: () => Promise.reject(new Error('store down')),
      settle: () => Promise.reject(new Error('store down')),
      read: () => Promise.reject(new Error('store down')),
    };
    const reports: unknown[] = [];
    const { client } = limitedClient([{ scope: 'user', rpm: 2 }], { store: broken });
    client.onCallbackError = (error) => reports.push(error);
    await call(client);
    await call(client);
    await expect(call(client)).rejects.toBeInstanceOf(RateLimitError);
    expect(fake.requests).toHaveLength(2);
    expect(reports).toHaveLength(1);
  });

  it('fails closed when asked: no call goes while the store fails', async () => {
    const broken: LimitStore = {
      reserve: () => new Promise(() => {}),
      settle: () => Promise.resolve(),
      read: () => Promise.resolve([]),
    };
    const { client } = limitedClient([{ scope: 'user', rpm: 2 }], {
      store: broken,
      failOpen: false,
      storeTimeoutMs: 20,
    });
    const failure = await call(client).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ServiceUnavailableError);
    expect((failure as ServiceUnavailableError).final).toBe(true);
    expect(fake.requests).toHaveLength(0);
  });

  it('does not retry or fall back from the caller’s own limit', async () => {
    const { client } = limitedClient([{ scope: 'user', rpm: 1 }]);
    await call(client);
    const failure = await call(client, 'alice', {
      numRetries: 3,
      fallbacks: ['openai/gpt-4o-mini'],
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RateLimitError);
    expect(fake.requests).toHaveLength(1);
  });

  it('lets a call through that has no value for any rule’s scope', async () => {
    const { client } = limitedClient([{ scope: 'user', rpm: 1 }]);
    for (let index = 0; index < 3; index++) {
      await client.completion({ model: 'gpt-4.1-nano', messages });
    }
    expect(fake.requests).toHaveLength(3);
  });

  it('reads a limit from each call: every scope value with its own rpm, none where the function gives none', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-06T10:00:00Z'));
    const rpmOf: Record<string, number> = { alice: 1, bob: 2 };
    const { client, layer } = limitedClient([
      { name: 'per-user', scope: 'user', rpm: (ctx) => rpmOf[String(ctx.metadata.user)] },
    ]);
    await call(client, 'alice');
    await expect(call(client, 'alice')).rejects.toThrow(
      /per-user:alice: over its limit of 1 requests per minute/,
    );
    await call(client, 'bob');
    await call(client, 'bob');
    await expect(call(client, 'bob')).rejects.toBeInstanceOf(RateLimitError);
    for (let index = 0; index < 3; index++) await call(client, 'carol');
    expect(fake.requests).toHaveLength(6);
    // Outside a call there is no number to report: usage() leaves such a limit out.
    expect(await layer.usage('alice')).toEqual([{ rule: 'per-user', scope: 'alice' }]);
  });

  it('fails a call whose limit function gives something other than a positive whole number', async () => {
    const { client } = limitedClient([{ name: 'per-user', scope: 'user', tpm: () => -5 }]);
    await expect(call(client)).rejects.toThrow(
      /limits options\.rules\[0\]\.tpm: expected a function that gives a positive whole number or undefined for each call, received number -5/,
    );
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses bad rules when created, naming the field', () => {
    expect(() => limits({ rules: [] })).toThrow(/rules/);
    expect(() => limits({ rules: [{ scope: 'user' }] })).toThrow(/rules\[0\]/);
    expect(() => limits({ rules: [{ scope: 'user', rpm: 0 }] })).toThrow(/rules\[0\]\.rpm/);
    expect(() => limits({ rules: [{ scope: 'user', maxParallel: '2' as never }] })).toThrow(
      /rules\[0\]\.maxParallel: expected a positive whole number, or a function of the call/,
    );
    expect(() => limits({ rules: [{ scope: 3 as never, rpm: 1 }] })).toThrow(/rules\[0\]\.scope/);
    expect(() =>
      limits({ rules: [{ scope: 'user', budget: { usd: 1, period: 'week' as never } }] }),
    ).toThrow(/budget\.period/);
    expect(() =>
      limits({
        rules: [{ scope: 'user', budget: { usd: 1, period: 'day', timeZone: 'Mars/Olympus' } }],
      }),
    ).toThrow(/timeZone/);
  });
});

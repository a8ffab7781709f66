import {
  type CallbackKwargs,
  type Client,
  type Context,
  createClient,
  type Middleware,
  NoDeploymentAvailableError,
  TimeoutError,
} from 'shallot';
import { type DeploymentOptions, type RouterOptions, router } from 'shallot/middleware/router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openAIEmbeddingsReply } from '../../support/embeddings.js';
import { type FakeProvider, fixture, useFakeProvider } from '../../support/fake-provider.js';
import { seededRandom } from '../../support/seeded-random.js';

const messages = [{ role: 'user' as const, content: 'Hello' }];
const east = useFakeProvider({ reply: { body: fixture('openai-chat.json') } });
const west = useFakeProvider({ reply: { body: fixture('openai-chat.json') } });
const north = useFakeProvider({ reply: { body: fixture('openai-chat.json') } });

afterEach(() => {
  vi.useRealTimers();
});

const failing = (status: number, headers: Record<string, string> = {}) => ({
  status,
  headers,
  body: JSON.stringify({ error: { message: `failed with ${status}`, type: 'server_error' } }),
});

/** Three deployments of the group `gpt-4o`, one per fake server. */
function deployments(extra: Partial<DeploymentOptions> = {}): DeploymentOptions[] {
  return [
    {
      modelName: 'gpt-4o',
      model: 'openai/gpt-4o',
      apiBase: east.url,
      apiKey: 'sk-east',
      id: 'east',
      ...extra,
    },
    {
      modelName: 'gpt-4o',
      model: 'openai/gpt-4o',
      apiBase: west.url,
      apiKey: 'sk-west',
      id: 'west',
      ...extra,
    },
    {
      modelName: 'gpt-4o',
      model: 'openai/gpt-4o',
      apiBase: north.url,
      apiKey: 'sk-north',
      id: 'north',
      ...extra,
    },
  ];
}

/** A deployment `id` of the group `g` on `fake`, with `settings` of its own (limits, order). */
function inGroupG(
  id: string,
  fake: FakeProvider,
  settings: Partial<DeploymentOptions> = {},
): DeploymentOptions {
  return {
    modelName: 'g',
    model: 'openai/gpt-4o',
    apiBase: fake.url,
    apiKey: 'k',
    id,
    ...settings,
  };
}

/** A client routed over `modelList`, keeping every callback event's kwargs. */
function routedClient(options: Partial<RouterOptions> = {}, numRetries = 0) {
  const layer = router({ modelList: deployments(), ...options });
  const client = createClient({ middleware: [layer], numRetries, retry: { baseDelayMs: 0 } });
  const events: CallbackKwargs[] = [];
  client.callbacks = [(kwargs: CallbackKwargs) => events.push(kwargs)];
  return { client, layer, events };
}

/** The id of the deployment a call (or an attempt) was routed to. */
const deploymentIdOf = (ctx: Context) => (ctx.metadata.model_info as { id: string }).id;

/** The deployment ids of `client`'s calls from now on, in the order they end. */
function picksOf(client: Client): string[] {
  const picks: string[] = [];
  client.use(async (ctx, next) => {
    await next();
    picks.push(deploymentIdOf(ctx));
  });
  return picks;
}

const servedBy = () => ({
  east: east.requests.length,
  west: west.requests.length,
  north: north.requests.length,
});

describe('router()', () => {
  it('sends a call for a group to one of its deployments, with its key and base URL, and lets any other model through', async () => {
    const { client, events } = routedClient({ random: seededRandom(1) });
    await client.completion({ model: 'gpt-4o', messages });
    await client.flush();
    const served = Object.entries(servedBy()).filter(([, count]) => count === 1);
    expect(served).toHaveLength(1);
    const [name] = served[0] as [string, number];
    const fake = { east, west, north }[name as 'east'];
    expect(fake.requests[0]?.headers.authorization).toBe(`Bearer sk-${name}`);
    expect(fake.requests[0]?.body.model).toBe('gpt-4o');
    const success = events.find((kwargs) => kwargs.log_event_type === 'successful_api_call');
    expect(success?.litellm_params.metadata).toMatchObject({
      model_group: 'gpt-4o',
      deployment: 'openai/gpt-4o',
      model_info: { id: name },
      api_base: fake.url,
    });
    expect(success?.standard_logging_object).toMatchObject({
      model_group: 'gpt-4o',
      model_id: name,
    });
    const unrouted = await client.completion({
      model: 'openai/gpt-4o-mini',
      messages,
      mockResponse: 'hi',
    });
    expect(unrouted.choices[0]?.message.content).toBe('hi');
  });

  it('shuffles by weight: 10,000 picks with a fixed seed land within 1.5 points of each share', async () => {
    // Without a weight, the rpm is the weight: 1, 2 and 5000.
    const modelList = [
      { modelName: 'g', model: 'openai/gpt-4o-mini', id: 'a', weight: 1 },
      { modelName: 'g', model: 'openai/gpt-4o-mini', id: 'b', weight: 2 },
      { modelName: 'g', model: 'openai/gpt-4o-mini', id: 'c', rpm: 5000 },
    ];
    const client = createClient({ middleware: [router({ modelList, random: seededRandom(42) })] });
    const picks = picksOf(client);
    for (let call = 0; call < 1000; call++) {
      await client.completion({ model: 'g', messages, mockResponse: 'ok', apiKey: 'sk-test' });
    }
    expect(picks.filter((id) => id === 'c').length / 1000).toBeGreaterThan(0.98);
    const modelList2 = [
      { modelName: 'g', model: 'openai/gpt-4o-mini', id: 'a', weight: 1 },
      { modelName: 'g', model: 'openai/gpt-4o-mini', id: 'b', weight: 2 },
      { modelName: 'g', model: 'openai/gpt-4o-mini', id: 'c', weight: 7 },
    ];
    const second = createClient({
      middleware: [router({ modelList: modelList2, random: seededRandom(7) })],
    });
    const secondPicks = picksOf(second);
    for (let call = 0; call < 10_000; call++) {
      await second.completion({ model: 'g', messages, mockResponse: 'ok', apiKey: 'sk-test' });
    }
    const shareOf = (id: string) => secondPicks.filter((picked) => picked === id).length / 10_000;
    expect(Math.abs(shareOf('a') - 0.1)).toBeLessThan(0.015);
    expect(Math.abs(shareOf('b') - 0.2)).toBeLessThan(0.015);
    expect(Math.abs(shareOf('c') - 0.7)).toBeLessThan(0.015);
  });

  it('least busy never picks a busier deployment: calls held open spread one per deployment', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    for (const fake of [east, west, north]) fake.reply({ body: fixture('openai-chat.json'), gate });
    const { client } = routedClient({ strategy: 'least-busy', random: seededRandom(3) });
    const held = [0, 1, 2].map(() => client.completion({ model: 'gpt-4o', messages }));
    await vi.waitFor(() =>
      expect(east.requests.length + west.requests.length + north.requests.length).toBe(3),
    );
    expect(servedBy()).toEqual({ east: 1, west: 1, north: 1 });
    release();
    await Promise.all(held);
  });

  it('lowest latency tries each deployment once, then sends to the fastest', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const latency: Record<string, number> = { a: 300, b: 40, c: 120 };
    const slow: Middleware = async (ctx, next) => {
      vi.advanceTimersByTime(latency[deploymentIdOf(ctx)] ?? 0);
      await next();
    };
    const modelList = ['a', 'b', 'c'].map((id) => ({
      modelName: 'g',
      model: 'openai/gpt-4o-mini',
      id,
    }));
    const client = createClient({
      middleware: [
        router({ modelList, strategy: 'latency-based-routing', random: seededRandom(5) }),
      ],
      attemptMiddleware: [slow],
    });
    const picks = picksOf(client);
    for (let call = 0; call < 8; call++) {
      await client.completion({ model: 'g', messages, mockResponse: 'ok', apiKey: 'sk-test' });
    }
    expect(new Set(picks.slice(0, 3))).toEqual(new Set(['a', 'b', 'c']));
    expect(picks.slice(3)).toEqual(['b', 'b', 'b', 'b', 'b']);
  });

  it('lowest latency takes a timeout as a bad sample, and moves away from the deployment that timed out', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    let aTimesOut = false;
    const clock: Middleware = async (ctx, next) => {
      const id = deploymentIdOf(ctx);
      if (id === 'a' && aTimesOut) {
        vi.advanceTimersByTime(5000);
        throw new TimeoutError({ message: 'a: no answer within the timeout' });
      }
      vi.advanceTimersByTime(id === 'a' ? 10 : 50);
      await next();
    };
    const modelList = ['a', 'b'].map((id) => ({ modelName: 'g', model: 'openai/gpt-4o-mini', id }));
    const client = createClient({
      middleware: [
        router({ modelList, strategy: 'latency-based-routing', random: seededRandom(9) }),
      ],
      attemptMiddleware: [clock],
      numRetries: 1,
      retry: { baseDelayMs: 0 },
    });
    const picks = picksOf(client);
    const call = () => client.completion({ model: 'g', messages, mockResponse: 'ok', apiKey: 'k' });
    for (let index = 0; index < 4; index++) await call();
    expect(picks.slice(2)).toEqual(['a', 'a']);
    aTimesOut = true;
    await call(); // a times out, the retry goes to b
    for (let index = 0; index < 3; index++) await call();
    expect(picks.slice(4)).toEqual(['b', 'b', 'b', 'b']);
  });

  it('usage-based routing sends to the deployment with the most of its limits left this minute', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-06T10:00:10Z'));
    const modelList = [
      inGroupG('small', east, { tpm: 2000 }),
      inGroupG('large', west, { tpm: 20_000 }),
    ];
    const client = createClient({
      middleware: [router({ modelList, strategy: 'usage-based-routing', random: seededRandom(4) })],
    });
    // Each call uses the fixture's 379 tokens: large stays the less used by share for 10 calls.
    for (let call = 0; call < 6; call++) await client.completion({ model: 'g', messages });
    expect(east.requests.length).toBeLessThanOrEqual(1);
    expect(west.requests.length).toBeGreaterThanOrEqual(5);
  });

  it('cools a deployment that only fails within allowedFails + 1 calls, sends it nothing while it cools, and takes it back after', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    east.reply(failing(500));
    const { client } = routedClient({
      allowedFails: 2,
      cooldownMs: 10_000,
      modelList: deployments().slice(0, 2),
      strategy: 'least-busy',
      random: () => 0,
    });
    // least-busy with ties broken by `random() = 0`: east (first listed) until it cools.
    for (let call = 0; call < 3; call++) {
      await client.completion({ model: 'gpt-4o', messages }).catch(() => {});
    }
    expect(east.requests).toHaveLength(3);
    for (let call = 0; call < 20; call++) await client.completion({ model: 'gpt-4o', messages });
    expect(east.requests).toHaveLength(3);
    expect(west.requests).toHaveLength(20);
    vi.advanceTimersByTime(10_001);
    east.reply({ body: fixture('openai-chat.json') });
    await client.completion({ model: 'gpt-4o', messages });
    expect(east.requests).toHaveLength(4);
  });

  it('cools at once on a 401, and for at least a 429’s retry-after', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    east.reply(failing(401));
    west.reply(failing(429, { 'retry-after': '30' }));
    const { client, layer } = routedClient({
      cooldownMs: 1000,
      modelList: deployments().slice(0, 2),
    });
    await client.completion({ model: 'gpt-4o', messages }).catch(() => {});
    await client.completion({ model: 'gpt-4o', messages }).catch(() => {});
    const health = await layer.health();
    const byId = Object.fromEntries(health.map((item) => [item.id, item]));
    expect(byId.east?.state).toBe('cooling');
    expect(byId.west?.state).toBe('cooling');
    expect(byId.west?.coolingUntil?.getTime()).toBeGreaterThanOrEqual(Date.now() + 30_000);
    vi.advanceTimersByTime(1001);
    const after = Object.fromEntries((await layer.health()).map((item) => [item.id, item.state]));
    expect(after).toEqual({ east: 'healthy', west: 'cooling' });
  });

  it('sends a retry to another deployment, and every attempt’s events carry the group and the deployment id', async () => {
    east.reply(failing(503));
    west.reply(failing(503));
    north.reply(failing(503));
    const { client, events } = routedClient({ random: seededRandom(11) }, 2);
    const failure = await client
      .completion({ model: 'gpt-4o', messages })
      .catch((error: unknown) => error);
    await client.flush();
    expect(failure).toMatchObject({ code: 'service_unavailable' });
    expect(servedBy()).toEqual({ east: 1, west: 1, north: 1 });
    const ids = events
      .filter((kwargs) => kwargs.log_event_type === 'pre_api_call')
      .map((kwargs) => (kwargs.litellm_params.metadata.model_info as { id: string }).id);
    expect(new Set(ids)).toEqual(new Set(['east', 'west', 'north']));
    const failures = events.filter((kwargs) => kwargs.log_event_type === 'failed_api_call');
    expect(failures).toHaveLength(3);
    for (const kwargs of failures) {
      expect(kwargs.litellm_params.metadata.model_group).toBe('gpt-4o');
      expect(kwargs.standard_logging_object?.model_group).toBe('gpt-4o');
    }
  });

  it('fails at once, without a network call, when every deployment cools, naming the group and when one is back', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    for (const fake of [east, west, north]) fake.reply(failing(401));
    const { client } = routedClient({ cooldownMs: 5000 });
    for (let call = 0; call < 3; call++)
      await client.completion({ model: 'gpt-4o', messages }).catch(() => {});
    const sent = east.requests.length + west.requests.length + north.requests.length;
    expect(sent).toBe(3);
    vi.advanceTimersByTime(1000);
    const failure = await client
      .completion({ model: 'gpt-4o', messages })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(NoDeploymentAvailableError);
    expect((failure as NoDeploymentAvailableError).modelGroup).toBe('gpt-4o');
    expect((failure as NoDeploymentAvailableError).retryAfterMs).toBe(4000);
    expect(east.requests.length + west.requests.length + north.requests.length).toBe(sent);
  });

  it('falls back to another group when this one has no deployment', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const modelList = [
      { modelName: 'big', model: 'openai/gpt-4o', apiBase: east.url, apiKey: 'sk-east', id: 'big' },
      {
        modelName: 'small',
        model: 'openai/gpt-4o-mini',
        apiBase: west.url,
        apiKey: 'sk-west',
        id: 'small',
      },
    ];
    east.reply(failing(401));
    const client = createClient({ middleware: [router({ modelList })] });
    await client.completion({ model: 'big', messages }).catch(() => {});
    const answer = await client.completion({ model: 'big', messages, fallbacks: ['small'] });
    expect(answer.choices).toHaveLength(1);
    expect(east.requests).toHaveLength(1);
    expect(west.requests).toHaveLength(1);
  });

  it('routes a fallback to a group from a call for a model that is none', async () => {
    east.reply(failing(500));
    const modelList = [
      {
        modelName: 'backup',
        model: 'openai/gpt-4o-mini',
        apiBase: west.url,
        apiKey: 'sk-west',
        id: 'backup',
      },
    ];
    const client = createClient({ middleware: [router({ modelList })] });
    const answer = await client.completion({
      model: 'openai/gpt-4o',
      apiBase: east.url,
      apiKey: 'sk-east',
      messages,
      fallbacks: ['backup'],
    });
    expect(answer.choices).toHaveLength(1);
    expect(east.requests).toHaveLength(1);
    expect(west.requests[0]?.headers.authorization).toBe('Bearer sk-west');
    expect(west.requests[0]?.body.model).toBe('gpt-4o-mini');
  });

  it('routes embedding calls too: a group of embedding deployments', async () => {
    west.reply(openAIEmbeddingsReply());
    const modelList = [
      {
        modelName: 'embedder',
        model: 'openai/text-embedding-3-small',
        apiBase: west.url,
        apiKey: 'k',
        id: 'e1',
      },
    ];
    const client = createClient({ middleware: [router({ modelList })] });
    const records: Array<CallbackKwargs['standard_logging_object']> = [];
    client.successCallback = [
      (kwargs: CallbackKwargs) => records.push(kwargs.standard_logging_object),
    ];
    const answer = await client.embedding({ model: 'embedder', input: ['a', 'b'] });
    await client.flush();
    expect(answer.data).toHaveLength(2);
    expect(west.requests[0]?.path).toBe('/v1/embeddings');
    expect(records[0]).toMatchObject({
      call_type: 'embedding',
      model_group: 'embedder',
      model_id: 'e1',
    });
  });

  it('skips a deployment whose context window is too small for the request, before sending anything', async () => {
    const modelList = [
      inGroupG('small', east, { maxInputTokens: 50 }),
      inGroupG('large', west, { maxInputTokens: 100_000 }),
    ];
    const client = createClient({ middleware: [router({ modelList, random: () => 0 })] });
    const long = [{ role: 'user' as const, content: 'word '.repeat(400) }];
    for (let call = 0; call < 5; call++) await client.completion({ model: 'g', messages: long });
    expect(east.requests).toHaveLength(0);
    expect(west.requests).toHaveLength(5);
    const tooLong = [{ role: 'user' as const, content: 'word '.repeat(200_000) }];
    const failure = await client
      .completion({ model: 'g', messages: tooLong })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(NoDeploymentAvailableError);
    expect((failure as Error).message).toContain('context window');
  });

  it('keeps a deployment to its rpm within the minute, and sends the rest elsewhere', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-06T10:00:00Z'));
    const modelList = [
      inGroupG('limited', east, { rpm: 3, order: 0 }),
      inGroupG('spare', west, { order: 1 }),
    ];
    const client = createClient({ middleware: [router({ modelList })] });
    for (let call = 0; call < 5; call++) await client.completion({ model: 'g', messages });
    expect(east.requests).toHaveLength(3);
    expect(west.requests).toHaveLength(2);
    vi.setSystemTime(new Date('2026-12-06T10:01:00Z'));
    await client.completion({ model: 'g', messages });
    expect(east.requests).toHaveLength(4);
  });

  it('gives a deployment the same id in every router made from the same settings, and never shows its key in it', async () => {
    const list = (key: string) => [
      { modelName: 'g', model: 'openai/gpt-4o', apiBase: east.url, apiKey: key },
    ];
    const ids = async (key: string) =>
      (await router({ modelList: list(key) }).health()).map((item) => item.id);
    const first = await ids('sk-secret-one');
    expect(await ids('sk-secret-one')).toEqual(first);
    expect(await ids('sk-secret-two')).not.toEqual(first);
    expect(first[0]).toMatch(/^[0-9a-f]{16}$/);
    expect(first[0]).not.toContain('secret');
  });

  it('refuses bad options when created, naming the option', () => {
    expect(() => router({ modelList: [] })).toThrow(/modelList/);
    expect(() => router({ modelList: [{ modelName: 'g' } as DeploymentOptions] })).toThrow(
      /modelList\[0\]\.model/,
    );
    expect(() => router({ modelList: deployments(), strategy: 'fastest' as never })).toThrow(
      /strategy/,
    );
    expect(() => router({ modelList: deployments({ rpm: -1 }) })).toThrow(/modelList\[0\]\.rpm/);
    expect(() =>
      router({ modelList: [...deployments(), { modelName: 'g', model: 'openai/x', id: 'east' }] }),
    ).toThrow(/id/);
  });
});

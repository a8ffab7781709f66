import {
  type CallbackKwargs,
  type CallCost,
  type ChatCompletion,
  createClient,
  type Middleware,
} from 'shallot';
import { callbacks } from 'shallot/middleware/callbacks';
import { cost } from 'shallot/middleware/cost';
import { describe, expect, it, vi } from 'vitest';
import { fixture, fixtureEvents, sse, useFakeProvider } from '../../support/fake-provider.js';
import { collect } from '../../support/streams.js';

const messages = [{ role: 'user' as const, content: 'What is the weather?' }];

const fake = useFakeProvider();

/** A client on the fake provider that keeps every call's cost and success kwargs. */
function costClient(options: Parameters<typeof createClient>[0] = {}) {
  const costs: Array<CallCost | undefined> = [];
  const kwargs: CallbackKwargs[] = [];
  const client = createClient({
    providers: { openai: { apiKey: 'sk-test', apiBase: fake.url } },
    ...options,
    middleware: [
      async (ctx, next) => {
        ctx.onEnd(() => costs.push(ctx.cost));
        await next();
      },
      ...(options.middleware ?? []),
    ],
  });
  client.successCallback = [(seen: CallbackKwargs) => kwargs.push(seen)];
  return { client, costs, kwargs };
}

describe('the cost layer', () => {
  it('prices a plain call and sets ctx.cost, kwargs.response_cost and the record', async () => {
    fake.reply({ body: fixture('openai-chat.json') });
    const { client, costs, kwargs } = costClient();
    await client.completion({ model: 'gpt-4.1-nano', messages });
    await client.flush();
    // gpt-4.1-nano: $0.10/M in, $0.40/M out; 16 prompt and 363 completion tokens
    const expected = 16 * 1e-7 + 363 * 4e-7;
    expect(costs[0]?.total).toBeCloseTo(expected, 15);
    expect(costs[0]).toMatchObject({ saved: null, estimated: false, reason: null });
    expect(kwargs[0]?.response_cost).toBe(costs[0]?.total);
    expect(kwargs[0]?.standard_logging_object?.response_cost).toBe(costs[0]?.total);
    expect(kwargs[0]?.standard_logging_object?.saved_cost).toBeNull();
  });

  it('prices a stream from its final usage chunk, the same as the same answer unstreamed', async () => {
    fake.reply({ body: fixture('openai-chat-stream-usage.sse') });
    const { client, costs } = costClient();
    const stream = await client.completion({ model: 'gpt-4o', messages, stream: true });
    await collect(stream);
    const assembled: ChatCompletion = await stream.finalResponse();
    fake.reply({ body: JSON.stringify(assembled) });
    await client.completion({ model: 'gpt-4o', messages });
    const usage = fixtureEvents<{ usage?: { prompt_tokens: number; completion_tokens: number } }>(
      'openai-chat-stream-usage.sse',
    ).at(-1)?.usage;
    // gpt-4o: $2.50/M in, $10/M out
    const expected = (usage?.prompt_tokens ?? 0) * 2.5e-6 + (usage?.completion_tokens ?? 0) * 1e-5;
    expect(costs[0]?.total).toBeCloseTo(expected, 15);
    expect(costs[1]?.total).toBe(costs[0]?.total);
    expect(costs[0]?.estimated).toBe(false);
  });

  it('estimates a stream that sent no usage with a tokenizer, and marks it estimated', async () => {
    const chunk = (delta: object, finish: string | null) => ({
      id: 'c',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'gpt-4o',
      choices: [{ index: 0, delta, finish_reason: finish }],
    });
    fake.reply({
      body: sse(
        chunk({ role: 'assistant', content: 'Sunny and warm.' }, null),
        chunk({}, 'stop'),
        '[DONE]',
      ),
    });
    const { client, costs } = costClient();
    await collect(await client.completion({ model: 'gpt-4o', messages, stream: true }));
    const estimate = costs[0];
    expect(estimate?.estimated).toBe(true);
    // o200k_base: "Sunny and warm." is 4 tokens; "What is the weather?" is 5 and "user" 1,
    // so the prompt is 3 (reply priming) + 3 (per message) + 1 + 5 = 12
    expect(estimate?.breakdown?.usage).toMatchObject({ promptTokens: 12, completionTokens: 4 });
    expect(estimate?.total).toBeCloseTo(12 * 2.5e-6 + 4 * 1e-5, 15);
  });

  it('costs 0 on a cache hit and records what it saved', async () => {
    const stored = new Map<string, ChatCompletion>();
    const stubCache: Middleware = async (ctx, next) => {
      if (ctx.kind !== 'completion') return next();
      const hit = stored.get(ctx.request.model);
      if (hit) {
        ctx.cacheStatus = 'hit';
        ctx.response = hit;
        return;
      }
      await next();
      if (ctx.response) stored.set(ctx.request.model, ctx.response);
    };
    fake.reply({ body: fixture('openai-chat.json') });
    const seen: CallbackKwargs[] = [];
    // A composed stack: callbacks outside cost, and a stand-in cache inside it, where the
    // cache layer goes.
    const client = createClient({
      providers: { openai: { apiKey: 'sk-test', apiBase: fake.url } },
      middleware: [
        callbacks({ successCallback: [(kwargs: CallbackKwargs) => seen.push(kwargs)] }),
        cost(),
        stubCache,
      ],
    });
    await client.completion({ model: 'gpt-4.1-nano', messages });
    await client.completion({ model: 'gpt-4.1-nano', messages });
    await client.flush();
    const full = 16 * 1e-7 + 363 * 4e-7;
    expect(seen.map((kwargs) => kwargs.cache_hit)).toEqual([null, true]);
    expect(seen[0]?.response_cost).toBeCloseTo(full, 15);
    expect(seen[1]?.response_cost).toBe(0);
    expect(seen[1]?.standard_logging_object?.response_cost).toBe(0);
    expect(seen[1]?.standard_logging_object?.saved_cost).toBeCloseTo(full, 15);
  });

  it('gives an unknown model a null cost with a reason and one warning, and the call succeeds', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    fake.reply({
      body: fixture('openai-chat.json').replace('gpt-4.1-nano-2025-04-14', 'acme-llm-9'),
    });
    const { client, costs } = costClient();
    const answer = await client.completion({ model: 'acme-llm-9', messages });
    await client.completion({ model: 'acme-llm-9', messages });
    expect(answer.choices[0]?.message.content).toContain('Holiday');
    expect(costs[1]).toMatchObject({
      total: null,
      reason: expect.stringContaining('no price for "acme-llm-9"'),
    });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[0]).toContain('registerModel');
    warn.mockRestore();
  });

  it('prices an OpenAI fine-tune at its base’s ft: entry, sending the bare ft: name to OpenAI', async () => {
    const model = 'ft:gpt-4o-mini-2024-07-18:my-org:support:9xYzAbC1';
    fake.reply({ body: fixture('openai-chat.json').replace('gpt-4.1-nano-2025-04-14', model) });
    const { client, costs, kwargs } = costClient();
    await client.completion({ model, messages });
    await client.flush();
    expect(fake.requests.at(-1)?.body).toMatchObject({ model });
    // ft:gpt-4o-mini-2024-07-18: $0.30/M in, $1.20/M out; 16 prompt and 363 completion tokens
    const expected = 16 * 3e-7 + 363 * 1.2e-6;
    expect(costs[0]).toMatchObject({ estimated: false, reason: null });
    expect(costs[0]?.total).toBeCloseTo(expected, 15);
    expect(costs[0]?.breakdown?.priceKey).toBe('ft:gpt-4o-mini-2024-07-18');
    expect(kwargs[0]?.response_cost).toBe(costs[0]?.total);
    expect(kwargs[0]?.litellm_params.custom_llm_provider).toBe('openai');
  });

  it('gives a fine-tune of a base with no ft: entry a null cost and one warning naming it', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const model = 'openai/ft:gpt-4o-2024-05-13:my-org::9xYz';
    fake.reply({
      body: fixture('openai-chat.json').replace('gpt-4.1-nano-2025-04-14', model.slice(7)),
    });
    const { client, costs, kwargs } = costClient();
    await client.completion({ model, messages });
    await client.completion({ model, messages });
    await client.flush();
    expect(costs[1]).toMatchObject({
      total: null,
      reason: expect.stringContaining('"ft:gpt-4o-2024-05-13" entry'),
    });
    expect(kwargs.map((seen) => seen.response_cost)).toEqual([null, null]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[0]).toContain(`no price for "${model}"`);
    warn.mockRestore();
  });

  it('uses per-call prices and a client’s registered models, never another client’s', async () => {
    fake.reply({ body: fixture('openai-chat.json') });
    const { client, costs } = costClient({
      pricing: { 'acme-llm-9': { inputCostPerToken: 1e-6, outputCostPerToken: 1e-6 } },
    });
    await client.completion({ model: 'acme-llm-9', messages });
    client.registerModel({
      'acme-llm-10': { input_cost_per_token: 2e-6, output_cost_per_token: 2e-6 },
    });
    await client.completion({ model: 'acme-llm-10', messages });
    await client.completion({
      model: 'gpt-4.1-nano',
      messages,
      inputCostPerToken: 0,
      outputCostPerToken: 1e-6,
    });
    expect(costs.map((entry) => entry?.total)).toEqual([
      expect.closeTo(379e-6, 15),
      expect.closeTo(758e-6, 15),
      expect.closeTo(363e-6, 15),
    ]);
    fake.reply({
      body: fixture('openai-chat.json').replace('gpt-4.1-nano-2025-04-14', 'acme-llm-9'),
    });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const other = costClient();
    await other.client.completion({ model: 'acme-llm-9', messages });
    expect(other.costs[0]?.total).toBeNull();
    warn.mockRestore();
  });

  it('prices an abandoned stream for what it consumed, estimated, and leaves a call that failed before any answer unpriced', async () => {
    fake.reply({ body: fixture('openai-chat-stream-usage.sse'), holdOpen: true });
    const { client, costs } = costClient();
    const stream = await client.completion({ model: 'gpt-4o', messages, stream: true });
    let read = 0;
    for await (const _chunk of stream) if (++read === 4) break;
    expect(costs[0]?.estimated).toBe(true);
    expect(costs[0]?.breakdown?.usage.completionTokens).toBeGreaterThan(0);
    expect(costs[0]?.total).toBeGreaterThan(0);

    fake.reply({ status: 429, body: fixture('openai-error-429-insufficient-quota.json') });
    await client.completion({ model: 'gpt-4o', messages }).catch(() => {});
    expect(costs[1]).toMatchObject({
      total: null,
      reason: 'the call failed before any usage was known',
    });
  });

  it('prices a stream cut mid-way from the usage it had already reported', async () => {
    const chunk = (content: string) => ({
      id: 'c',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'gpt-4o',
      choices: [{ index: 0, delta: { content }, finish_reason: null }],
      usage: { prompt_tokens: 50, completion_tokens: 2, total_tokens: 52 },
    });
    const body = sse(chunk('Hello'), chunk(' there'));
    fake.reply({ body: `${body}data: {"id":"c"`, cutAfterBytes: body.length + 10 });
    const { client, costs } = costClient();
    await collect(await client.completion({ model: 'gpt-4o', messages, stream: true })).catch(
      () => {},
    );
    expect(costs[0]).toMatchObject({ estimated: false });
    expect(costs[0]?.total).toBeCloseTo(50 * 2.5e-6 + 2 * 1e-5, 15);
  });

  it('prices a model on a local runtime (Ollama) at 0, without a warning', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    fake.reply({ body: fixture('written-ollama-chat.json') });
    const { client, costs } = costClient({ providers: { ollama: { apiBase: fake.url } } });
    await client.completion({ model: 'ollama/llama3.2', messages });
    expect(costs[0]).toMatchObject({ total: 0, estimated: false, reason: null });
    expect(costs[0]?.breakdown?.priceKey).toBe('ollama/*');
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });
});

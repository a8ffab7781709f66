/**
 * What a call costs (docs/cost.md): usage read in every provider's shape, price entries read
 * as LiteLLM writes them, the names a model is looked up by, per-call prices, and `null` with a
 * reason rather than a silent 0. Expectations are worked out by hand from the prices given.
 */
import {
  type CallCost,
  type CostBreakdown,
  type CostResult,
  completionCost,
  createClient,
  formatUsd,
  PRICE_TABLE_SOURCE,
  PriceBook,
  ValidationError,
} from 'shallot';
import { describe, expect, it } from 'vitest';
import { fixture, useFakeProvider } from '../support/fake-provider.js';
import { rejectionOf } from '../support/streams.js';

function priced(result: CostResult): CostBreakdown {
  if (result.total === null) throw new Error(`expected a price, got: ${result.reason}`);
  return result;
}

const INPUT = 1e-6;
const OUTPUT = 4e-6;
const CACHE_READ = 1e-7;
const pricing = {
  input_cost_per_token: INPUT,
  output_cost_per_token: OUTPUT,
  cache_read_input_token_cost: CACHE_READ,
};

/** The breakdown of `usage` at the prices above. */
function costOf(usage: unknown): CostBreakdown {
  return priced(completionCost({ model: 'acme/any', usage }, { pricing }));
}

describe('usage, in each provider’s shape', () => {
  it('OpenAI Chat: cached tokens are part of prompt_tokens, reasoning part of completion_tokens', () => {
    const cost = costOf({
      prompt_tokens: 100,
      completion_tokens: 50,
      prompt_tokens_details: { cached_tokens: 40 },
      completion_tokens_details: { reasoning_tokens: 30 },
    });
    expect(cost.usage).toEqual({
      promptTokens: 100,
      completionTokens: 50,
      cachedTokens: 40,
      cacheWriteTokens: 0,
      cacheWrite1hTokens: 0,
      reasoningTokens: 30,
    });
    expect(cost.input).toBeCloseTo(60 * INPUT, 15);
    expect(cost.cachedInput).toBeCloseTo(40 * CACHE_READ, 15);
  });

  it('OpenAI Chat with completion tokens alone, or prompt tokens alone, is still read', () => {
    expect(costOf({ completion_tokens: 5 }).output).toBeCloseTo(5 * OUTPUT, 15);
    expect(costOf({ prompt_tokens: 7 }).input).toBeCloseTo(7 * INPUT, 15);
  });

  it('DeepSeek: prompt_cache_hit_tokens are the cached part of prompt_tokens', () => {
    const cost = costOf({ prompt_tokens: 100, completion_tokens: 1, prompt_cache_hit_tokens: 60 });
    expect(cost.usage.cachedTokens).toBe(60);
    expect(cost.input).toBeCloseTo(40 * INPUT, 15);
  });

  it('OpenAI Responses: input_tokens include their cached tokens; output_tokens their reasoning', () => {
    const cost = costOf({
      input_tokens: 100,
      output_tokens: 50,
      total_tokens: 150,
      input_tokens_details: { cached_tokens: 40 },
      output_tokens_details: { reasoning_tokens: 30 },
    });
    expect(cost.usage).toMatchObject({
      promptTokens: 100,
      completionTokens: 50,
      cachedTokens: 40,
      reasoningTokens: 30,
    });
  });

  it('OpenAI Responses is told from Anthropic by its total alone, or by its input details alone', () => {
    const byTotal = costOf({
      input_tokens: 10,
      output_tokens: 20,
      total_tokens: 30,
      output_tokens_details: { reasoning_tokens: 5 },
    });
    expect(byTotal.usage.reasoningTokens).toBe(5);
    const byDetails = costOf({
      input_tokens: 10,
      output_tokens: 20,
      input_tokens_details: { cached_tokens: 4 },
    });
    expect(byDetails.usage).toMatchObject({ promptTokens: 10, cachedTokens: 4 });
  });

  it('Anthropic: input_tokens exclude cache reads and writes, so the prompt is their sum', () => {
    const cost = costOf({
      input_tokens: 10,
      cache_read_input_tokens: 300,
      cache_creation_input_tokens: 200,
      cache_creation: { ephemeral_1h_input_tokens: 50 },
      output_tokens: 20,
      output_tokens_details: { thinking_tokens: 8 },
    });
    expect(cost.usage).toEqual({
      promptTokens: 510,
      completionTokens: 20,
      cachedTokens: 300,
      cacheWriteTokens: 150,
      cacheWrite1hTokens: 50,
      reasoningTokens: 8,
    });
  });

  it('Anthropic is recognised by a cache write alone, by a cache read alone, and by bare input and output tokens', () => {
    expect(costOf({ input_tokens: 10, cache_creation_input_tokens: 5 }).usage.promptTokens).toBe(
      15,
    );
    expect(costOf({ input_tokens: 10, cache_read_input_tokens: 5 }).usage.promptTokens).toBe(15);
    expect(costOf({ output_tokens: 9 }).usage).toMatchObject({
      promptTokens: 0,
      completionTokens: 9,
    });
    expect(
      costOf({ input_tokens: 3, output_tokens: 4, output_tokens_details: { thinking_tokens: 2 } })
        .usage,
    ).toMatchObject({ promptTokens: 3, completionTokens: 4, reasoningTokens: 2 });
  });

  it('Gemini: tool-use prompt tokens add to the prompt; thoughts add to the output and are its reasoning', () => {
    const cost = costOf({
      promptTokenCount: 100,
      toolUsePromptTokenCount: 20,
      cachedContentTokenCount: 30,
      candidatesTokenCount: 40,
      thoughtsTokenCount: 10,
    });
    expect(cost.usage).toEqual({
      promptTokens: 120,
      completionTokens: 50,
      cachedTokens: 30,
      cacheWriteTokens: 0,
      cacheWrite1hTokens: 0,
      reasoningTokens: 10,
    });
    expect(costOf({ candidatesTokenCount: 6 }).usage.completionTokens).toBe(6);
  });

  it('counts a negative, infinite, non-numeric or missing count, or a details field that is null, as 0', () => {
    const cost = costOf({
      prompt_tokens: Number.POSITIVE_INFINITY,
      completion_tokens: '12',
      prompt_tokens_details: null,
      completion_tokens_details: { reasoning_tokens: -3 },
    });
    expect(cost.usage).toEqual({
      promptTokens: 0,
      completionTokens: 0,
      cachedTokens: 0,
      cacheWriteTokens: 0,
      cacheWrite1hTokens: 0,
      reasoningTokens: 0,
    });
    expect(cost.total).toBe(0);
  });

  it('has no price without usage: null, a string, or an object of no known shape', () => {
    for (const usage of [null, undefined, 'lots', { tokens: 10 }]) {
      const result = completionCost({ model: 'gpt-4o', usage });
      expect(result.total).toBeNull();
      expect(result.total === null && result.reason).toBe(
        'gpt-4o: no usage to price. Pass usage, or a chat.completion that has it.',
      );
    }
  });
});

describe('price entries, as LiteLLM writes them', () => {
  const usage = { prompt_tokens: 1000, completion_tokens: 100 };

  it('ignores a negative, infinite or non-numeric price instead of billing it', () => {
    const cost = priced(
      completionCost(
        { model: 'acme/odd', usage },
        {
          pricing: {
            input_cost_per_token: -1,
            output_cost_per_token: OUTPUT,
            cache_read_input_token_cost: Number.POSITIVE_INFINITY,
            output_cost_per_reasoning_token: '0.1',
          },
        },
      ),
    );
    expect(cost.input).toBe(0);
    expect(cost.output).toBeCloseTo(100 * OUTPUT, 15);
  });

  it('prices an entry with an input price alone, or an output price alone', () => {
    const inputOnly = priced(
      completionCost({ model: 'acme/in', usage }, { pricing: { input_cost_per_token: INPUT } }),
    );
    expect(inputOnly.total).toBeCloseTo(1000 * INPUT, 15);
    const outputOnly = priced(
      completionCost({ model: 'acme/out', usage }, { pricing: { output_cost_per_token: OUTPUT } }),
    );
    expect(outputOnly.total).toBeCloseTo(100 * OUTPUT, 15);
  });

  it('reads fields it has no use for (context sizes, the provider, the mode) without complaint', () => {
    const cost = priced(
      completionCost(
        { model: 'acme/full', usage },
        {
          pricing: {
            ...pricing,
            litellm_provider: 'acme',
            max_input_tokens: 128_000,
            max_output_tokens: 16_384,
            mode: 'chat',
            supports_vision: true,
          },
        },
      ),
    );
    expect(cost.total).toBeCloseTo(1000 * INPUT + 100 * OUTPUT, 15);
  });

  it('takes DeepSeek’s input_cost_per_token_cache_hit as the cache-read price, unless the entry names one', () => {
    const cached = {
      prompt_tokens: 1000,
      completion_tokens: 0,
      prompt_tokens_details: { cached_tokens: 1000 },
    };
    const deepseek = priced(
      completionCost(
        { model: 'deepseek/x', usage: cached },
        { pricing: { input_cost_per_token: INPUT, input_cost_per_token_cache_hit: 2e-7 } },
      ),
    );
    expect(deepseek.cachedInput).toBeCloseTo(1000 * 2e-7, 15);
    const both = priced(
      completionCost(
        { model: 'deepseek/y', usage: cached },
        {
          pricing: {
            input_cost_per_token: INPUT,
            cache_read_input_token_cost: CACHE_READ,
            input_cost_per_token_cache_hit: 2e-7,
          },
        },
      ),
    );
    expect(both.cachedInput).toBeCloseTo(1000 * CACHE_READ, 15);
  });

  it('applies the highest long-context tier a prompt passes, whatever order the entry lists them in', () => {
    const tiered = {
      input_cost_per_token: 1e-6,
      output_cost_per_token: 1e-6,
      input_cost_per_token_above_200k_tokens: 3e-6,
      input_cost_per_token_above_128k_tokens: 2e-6,
    };
    const usageOf = (prompt: number) => ({ prompt_tokens: prompt, completion_tokens: 0 });
    const above200k = priced(
      completionCost({ model: 'acme/t', usage: usageOf(300_000) }, { pricing: tiered }),
    );
    expect(above200k.tierAbove).toBe(200_000);
    expect(above200k.input).toBeCloseTo(300_000 * 3e-6, 9);
    const above128k = priced(
      completionCost({ model: 'acme/t', usage: usageOf(150_000) }, { pricing: tiered }),
    );
    expect(above128k.tierAbove).toBe(128_000);
    const below = priced(
      completionCost({ model: 'acme/t', usage: usageOf(128_000) }, { pricing: tiered }),
    );
    expect(below.tierAbove).toBeNull();
    expect(below.input).toBeCloseTo(128_000 * 1e-6, 9);
  });

  it('bills a flex answer at the flex prices, its cache reads at the flex cache-read price', () => {
    const cost = priced(
      completionCost(
        {
          model: 'acme/flex',
          usage: {
            prompt_tokens: 1000,
            completion_tokens: 10,
            prompt_tokens_details: { cached_tokens: 100 },
          },
          serviceTier: 'flex',
        },
        {
          pricing: {
            ...pricing,
            input_cost_per_token_flex: INPUT / 2,
            output_cost_per_token_flex: OUTPUT / 2,
            cache_read_input_token_cost_flex: CACHE_READ / 2,
          },
        },
      ),
    );
    expect(cost.serviceTier).toBe('flex');
    expect(cost.input).toBeCloseTo(900 * (INPUT / 2), 15);
    expect(cost.cachedInput).toBeCloseTo(100 * (CACHE_READ / 2), 15);
  });

  it('takes a long-context tier’s own cache-read price over the entry’s', () => {
    const cost = priced(
      completionCost(
        {
          model: 'acme/tier-cache',
          usage: {
            prompt_tokens: 300_000,
            completion_tokens: 0,
            prompt_tokens_details: { cached_tokens: 100_000 },
          },
        },
        {
          pricing: {
            ...pricing,
            input_cost_per_token_above_200k_tokens: 2 * INPUT,
            cache_read_input_token_cost_above_200k_tokens: 2 * CACHE_READ,
          },
        },
      ),
    );
    expect(cost.cachedInput).toBeCloseTo(100_000 * 2 * CACHE_READ, 12);
  });

  it('refuses an entry that is not an object, or that has no per-token price, naming the model', () => {
    const book = new PriceBook();
    for (const entry of [null, 'cheap', { mode: 'chat' }]) {
      expect(() => book.register({ 'acme/bad': entry as never })).toThrow(ValidationError);
      expect(() => book.register({ 'acme/bad': entry as never })).toThrow('pricing["acme/bad"]');
    }
  });
});

describe('the names a model’s price is looked up by', () => {
  const usage = { prompt_tokens: 1000, completion_tokens: 0 };
  const answerOf = (model: string) => ({
    id: 'chatcmpl-1',
    object: 'chat.completion' as const,
    created: 1,
    model,
    choices: [],
    usage,
  });

  /** A book with `name` alone at INPUT per token. */
  function bookWith(name: string): PriceBook {
    const prices = new PriceBook();
    prices.register({ [name]: { inputCostPerToken: INPUT, outputCostPerToken: OUTPUT } });
    return prices;
  }

  it('finds `provider/model` for a model named with its provider', () => {
    const cost = priced(
      completionCost(
        { model: 'acme/m-1', usage },
        { prices: bookWith('acme/m-1'), provider: 'acme' },
      ),
    );
    expect(cost.priceKey).toBe('acme/m-1');
  });

  it('finds the bare model of `provider/model` when only it has a price', () => {
    const cost = priced(
      completionCost({ model: 'acme/m-2', usage }, { prices: bookWith('m-2'), provider: 'acme' }),
    );
    expect(cost.priceKey).toBe('m-2');
    const otherProvider = priced(
      completionCost({ model: 'other/m-2', usage }, { prices: bookWith('m-2'), provider: 'acme' }),
    );
    expect(otherProvider.priceKey).toBe('m-2');
  });

  it('finds a dated snapshot by its family, with and without its provider, in both date forms', () => {
    const withProvider = priced(
      completionCost(answerOf('m-3-2025-01-31'), {
        prices: bookWith('acme/m-3'),
        provider: 'acme',
      }),
    );
    expect(withProvider.priceKey).toBe('acme/m-3');
    const bare = priced(completionCost(answerOf('m-3-20250131'), { prices: bookWith('m-3') }));
    expect(bare.priceKey).toBe('m-3');
    const responseWithProvider = priced(
      completionCost(answerOf('m-3-2025-01-31'), {
        prices: bookWith('acme/m-3-2025-01-31'),
        provider: 'acme',
      }),
    );
    expect(responseWithProvider.priceKey).toBe('acme/m-3-2025-01-31');
  });

  it('does not take a date-like part that is not at the end of the name, or not a date, for a snapshot', () => {
    for (const model of [
      'm-4-2025-01-31-preview',
      'm-4-25-01-31',
      'm-4-2025-1-31',
      'm-4-1234567',
    ]) {
      expect(completionCost(answerOf(model), { prices: bookWith('m-4') }).total).toBeNull();
    }
  });

  it('prices a chat.completion by its own service tier', () => {
    const prices = new PriceBook();
    prices.register({
      'acme/tiered': {
        input_cost_per_token: INPUT,
        output_cost_per_token: OUTPUT,
        input_cost_per_token_priority: 3 * INPUT,
      },
    });
    const cost = priced(
      completionCost({ ...answerOf('acme/tiered'), service_tier: 'priority' }, { prices }),
    );
    expect(cost.serviceTier).toBe('priority');
    expect(cost.input).toBeCloseTo(1000 * 3 * INPUT, 15);
  });

  it('says which table it looked in when a model has no price, and how to register one', () => {
    const result = completionCost({ model: 'acme/unknown-model', usage });
    expect(result.total).toBeNull();
    const reason = result.total === null ? result.reason : '';
    expect(reason).toBe(
      `no price for "acme/unknown-model" in the bundled table (${PRICE_TABLE_SOURCE.file} of ${PRICE_TABLE_SOURCE.date}). Register it with registerModel({ "acme/unknown-model": { inputCostPerToken, outputCostPerToken } }), or pass inputCostPerToken and outputCostPerToken to the call.`,
    );
  });

  it('names the base model’s entry to register for a fine-tune that has no price, and a bare ft: name has none', () => {
    const result = completionCost({ model: 'openai/ft:acme-base-1:org::abc', usage });
    const reason = result.total === null ? result.reason : '';
    expect(reason).toContain('a fine-tune is priced by its base model\'s "ft:acme-base-1" entry');
    expect(reason).toContain('registerModel({ "ft:acme-base-1":');
    expect(completionCost({ model: 'ft:acme-base-2', usage }).total).toBeNull();
  });
});

describe('per-call prices over the entry', () => {
  const usage = { prompt_tokens: 1000, completion_tokens: 100 };

  it('an output price alone keeps the entry’s input price; an input price alone keeps its output price', () => {
    const table = priced(completionCost({ model: 'gpt-4o', usage }));
    const outputOnly = priced(
      completionCost({ model: 'gpt-4o', usage }, { outputCostPerToken: 1e-3 }),
    );
    expect(outputOnly.input).toBe(table.input);
    expect(outputOnly.output).toBeCloseTo(100 * 1e-3, 12);
    const inputOnly = priced(
      completionCost({ model: 'gpt-4o', usage }, { inputCostPerToken: 1e-3 }),
    );
    expect(inputOnly.output).toBe(table.output);
    expect(inputOnly.input).toBeCloseTo(1000 * 1e-3, 12);
  });

  it('prices a model that has no entry, under its own name', () => {
    const cost = priced(
      completionCost(
        { model: 'acme/unlisted', usage },
        { inputCostPerToken: INPUT, outputCostPerToken: OUTPUT },
      ),
    );
    expect(cost.priceKey).toBe('acme/unlisted');
    expect(cost.total).toBeCloseTo(1000 * INPUT + 100 * OUTPUT, 15);
  });
});

describe('ctx.cost of a call through a client', () => {
  const fake = useFakeProvider();
  const messages = [{ role: 'user' as const, content: 'Hi' }];

  /** A chat.completion from `model` with this usage. */
  function answerFrom(
    model: string,
    usage: object = { prompt_tokens: 1000, completion_tokens: 100 },
  ) {
    return {
      body: JSON.stringify({
        id: 'chatcmpl-cost',
        object: 'chat.completion',
        created: 1,
        model,
        choices: [
          { index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' },
        ],
        usage,
      }),
    };
  }

  function costedClient(options: Parameters<typeof createClient>[0] = {}) {
    const client = createClient({
      providers: { openai: { apiKey: 'sk-cost-0123456789', apiBase: fake.url } },
      ...options,
    });
    const costs: Array<CallCost | undefined> = [];
    client.use(async (ctx, next) => {
      ctx.onEnd(() => costs.push(ctx.cost));
      await next();
    });
    return { client, costs };
  }

  it('prices a call with its own pricing, inputCostPerToken or outputCostPerToken, each on its own', async () => {
    fake.reply(answerFrom('acme-unlisted'));
    const { client, costs } = costedClient();
    const base = { model: 'acme-unlisted', messages };

    await client.completion({ ...base, pricing: { input_cost_per_token: INPUT } });
    await client.completion({ ...base, inputCostPerToken: INPUT });
    await client.completion({ ...base, outputCostPerToken: OUTPUT });
    await client.completion(base);

    expect(costs.map((cost) => cost?.total)).toEqual([
      1000 * INPUT,
      1000 * INPUT,
      100 * OUTPUT,
      null,
    ]);
  });

  it('prices a model by the name the response gives it when the name called has no price', async () => {
    fake.reply(answerFrom('gpt-4o-mini-2099-01-01'));
    const { client, costs } = costedClient();

    await client.completion({ model: 'my-deployment-alias', messages });

    expect(costs[0]?.total).not.toBeNull();
    expect(costs[0]?.breakdown?.priceKey).toBe('gpt-4o-mini');
  });

  it('prices a model on an endpoint the client named only by that name, never by a table entry of the same model', async () => {
    fake.reply(answerFrom('gpt-4o'));
    const { client, costs } = costedClient({ providers: { acme: { apiBase: fake.url } } });
    client.registerModel({ 'acme/own': { inputCostPerToken: INPUT, outputCostPerToken: OUTPUT } });

    await client.completion({ model: 'acme/gpt-4o', messages });
    await client.completion({ model: 'acme/gpt-4o', messages, outputCostPerToken: OUTPUT });
    await client.completion({ model: 'acme/own', messages });

    expect(costs[0]?.total).toBeNull();
    expect(costs[0]?.reason).toContain('no price for "acme/gpt-4o"');
    expect(costs[1]?.breakdown?.input).toBe(0);
    expect(costs[1]?.total).toBeCloseTo(100 * OUTPUT, 15);
    expect(costs[2]?.total).toBeCloseTo(1000 * INPUT + 100 * OUTPUT, 15);
  });

  it('costs 0 on a local runtime that has no price (Ollama), under the runtime’s name', async () => {
    fake.reply({ body: fixture('written-ollama-chat.json') });
    const { client, costs } = costedClient({
      providers: { ollama: { apiBase: fake.url.replace(/\/v1$/, '') } },
    });

    await client.completion({ model: 'ollama/acme-local-model', messages });

    expect(costs[0]?.total).toBe(0);
    expect(costs[0]?.breakdown?.priceKey).toBe('ollama/*');
  });

  it('has no cost, not an estimate, for a call that failed before any answer', async () => {
    fake.reply({
      status: 401,
      body: JSON.stringify({ error: { message: 'bad key', code: 'invalid_api_key' } }),
    });
    const { client, costs } = costedClient();

    await rejectionOf(client.completion({ model: 'gpt-4o', messages }));

    expect(costs[0]).toEqual({
      total: null,
      saved: null,
      estimated: false,
      breakdown: null,
      reason: 'the call failed before any usage was known',
    });
  });
});

describe('formatUsd()', () => {
  it('prints an amount that rounds to nothing, negative or not, as $0', () => {
    expect(formatUsd(-1e-12)).toBe('$0');
    expect(formatUsd(1e-12)).toBe('$0');
  });

  it('prints what is not a finite number as it is', () => {
    expect(formatUsd(Number.POSITIVE_INFINITY)).toBe('$Infinity');
    expect(formatUsd(Number.NaN)).toBe('$NaN');
  });
});

/**
 * Missing prices fall back as docs/cost.md says: a cache read, a cache write and a 1-hour
 * write to the input price (a 1-hour write to the 5-minute write price first), reasoning to
 * the output price; never to 0. Prices are per token; expectations are worked out by hand.
 */
import {
  type CallCost,
  type CostBreakdown,
  type CostResult,
  completionCost,
  createClient,
  PriceBook,
} from 'shallot';
import { describe, expect, it } from 'vitest';
import { useFakeProvider } from '../support/fake-provider.js';

/** The breakdown of a priced result; fails the test for an unpriced one. */
function priced(result: CostResult): CostBreakdown {
  if (result.total === null) throw new Error(`expected a price, got: ${result.reason}`);
  return result;
}

const fake = useFakeProvider();

const INPUT = 2e-6;
const OUTPUT = 8e-6;

/** OpenAI-style usage: 1,000 prompt tokens, 400 of them read from the prompt cache. */
const CACHED_USAGE = {
  prompt_tokens: 1000,
  completion_tokens: 100,
  prompt_tokens_details: { cached_tokens: 400 },
};

describe('a price entry without a cache-read price', () => {
  it('bills cached prompt tokens at the input price', () => {
    const cost = priced(
      completionCost(
        { model: 'acme/no-cache-price', usage: CACHED_USAGE },
        { pricing: { input_cost_per_token: INPUT, output_cost_per_token: OUTPUT } },
      ),
    );

    expect(cost.cachedInput).toBeCloseTo(400 * INPUT, 15);
    expect(cost.input).toBeCloseTo(600 * INPUT, 15);
    expect(cost.output).toBeCloseTo(100 * OUTPUT, 15);
    expect(cost.total).toBeCloseTo(1000 * INPUT + 100 * OUTPUT, 15);
  });

  it('bills them at the cache-read price once the entry has one', () => {
    const cost = priced(
      completionCost(
        { model: 'acme/cache-price', usage: CACHED_USAGE },
        {
          pricing: {
            input_cost_per_token: INPUT,
            output_cost_per_token: OUTPUT,
            cache_read_input_token_cost: INPUT / 10,
          },
        },
      ),
    );

    expect(cost.cachedInput).toBeCloseTo(400 * (INPUT / 10), 15);
  });

  it('bills an Anthropic cache read at the input price of a registered model', () => {
    const prices = new PriceBook();
    prices.register({
      'anthropic/acme-claude': { inputCostPerToken: 3e-6, outputCostPerToken: 15e-6 },
    });

    const cost = priced(
      completionCost(
        {
          model: 'anthropic/acme-claude',
          usage: { input_tokens: 100, cache_read_input_tokens: 5_000, output_tokens: 10 },
        },
        { prices },
      ),
    );

    expect(cost.cachedInput).toBeCloseTo(5_000 * 3e-6, 15);
    expect(cost.input).toBeCloseTo(100 * 3e-6, 15);
  });

  it('bills cached tokens above a long-context threshold at that tier’s input price', () => {
    const cost = priced(
      completionCost(
        {
          model: 'acme/long',
          usage: {
            prompt_tokens: 300_000,
            completion_tokens: 10,
            prompt_tokens_details: { cached_tokens: 100_000 },
          },
        },
        {
          pricing: {
            input_cost_per_token: 1e-6,
            output_cost_per_token: 4e-6,
            input_cost_per_token_above_200k_tokens: 2e-6,
            output_cost_per_token_above_200k_tokens: 8e-6,
          },
        },
      ),
    );

    expect(cost.tierAbove).toBe(200_000);
    expect(cost.cachedInput).toBeCloseTo(100_000 * 2e-6, 12);
    expect(cost.input).toBeCloseTo(200_000 * 2e-6, 12);
    expect(cost.output).toBeCloseTo(10 * 8e-6, 15);
  });

  it('bills cached tokens of a priority answer at the priority input price', () => {
    const cost = priced(
      completionCost(
        { model: 'acme/tiered', usage: CACHED_USAGE, serviceTier: 'priority' },
        {
          pricing: {
            input_cost_per_token: INPUT,
            output_cost_per_token: OUTPUT,
            input_cost_per_token_priority: 2 * INPUT,
            output_cost_per_token_priority: 2 * OUTPUT,
          },
        },
      ),
    );

    expect(cost.serviceTier).toBe('priority');
    expect(cost.cachedInput).toBeCloseTo(400 * 2 * INPUT, 15);
    expect(cost.input).toBeCloseTo(600 * 2 * INPUT, 15);
  });

  it('costs what the call cost through a client: ctx.cost counts the cached tokens at the input price', async () => {
    fake.reply({
      body: JSON.stringify({
        id: 'chatcmpl-cached',
        object: 'chat.completion',
        created: 1,
        model: 'acme-cached',
        choices: [
          { index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' },
        ],
        usage: { ...CACHED_USAGE, total_tokens: 1100 },
      }),
    });
    const client = createClient({ providers: { acme: { apiBase: fake.url } } });
    client.registerModel({
      'acme/acme-cached': { input_cost_per_token: INPUT, output_cost_per_token: OUTPUT },
    });
    let cost: CallCost | undefined;
    client.use(async (ctx, next) => {
      await next();
      cost = ctx.cost;
    });

    await client.completion({
      model: 'acme/acme-cached',
      messages: [{ role: 'user', content: 'Hi' }],
    });

    expect(cost?.breakdown?.cachedInput).toBeCloseTo(400 * INPUT, 15);
    expect(cost?.total).toBeCloseTo(1000 * INPUT + 100 * OUTPUT, 15);
  });
});

describe('the other fallbacks', () => {
  it('bills cache writes at the input price, 1-hour writes at the 5-minute write price, when the entry has none', () => {
    const usage = {
      input_tokens: 10,
      cache_creation_input_tokens: 300,
      cache_creation: { ephemeral_5m_input_tokens: 200, ephemeral_1h_input_tokens: 100 },
      output_tokens: 1,
    };
    const bare = priced(
      completionCost(
        { model: 'anthropic/acme-bare', usage },
        { pricing: { input_cost_per_token: INPUT, output_cost_per_token: OUTPUT } },
      ),
    );
    expect(bare.cacheWrite).toBeCloseTo(300 * INPUT, 15);

    const withWrite = priced(
      completionCost(
        { model: 'anthropic/acme-write', usage },
        {
          pricing: {
            input_cost_per_token: INPUT,
            output_cost_per_token: OUTPUT,
            cache_creation_input_token_cost: 3 * INPUT,
          },
        },
      ),
    );
    expect(withWrite.cacheWrite).toBeCloseTo(300 * 3 * INPUT, 15);
  });

  it('bills reasoning tokens at the output price when the entry has no reasoning price, and at its own when it has one', () => {
    const usage = {
      prompt_tokens: 10,
      completion_tokens: 1000,
      completion_tokens_details: { reasoning_tokens: 800 },
    };
    const pricing = { input_cost_per_token: INPUT, output_cost_per_token: OUTPUT };

    const plain = priced(completionCost({ model: 'acme/think', usage }, { pricing }));
    const own = priced(
      completionCost(
        { model: 'acme/think', usage },
        { pricing: { ...pricing, output_cost_per_reasoning_token: 3 * OUTPUT } },
      ),
    );

    expect(plain.reasoning).toBeCloseTo(800 * OUTPUT, 15);
    expect(plain.output).toBeCloseTo(200 * OUTPUT, 15);
    expect(own.reasoning).toBeCloseTo(800 * 3 * OUTPUT, 15);
  });
});

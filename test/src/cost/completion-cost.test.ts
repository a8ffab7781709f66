import { type CostBreakdown, type CostResult, completionCost, PriceBook } from 'shallot';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../support/fake-provider.js';

/** The breakdown of a priced result; fails the test for an unpriced one. */
function priced(result: CostResult): CostBreakdown {
  if (result.total === null) throw new Error(`expected a price, got: ${result.reason}`);
  return result;
}

// Every expectation is computed by hand from the bundled table's per-token rates, quoted in
// the comments as dollars per million tokens.
describe('completionCost() against the bundled price table', () => {
  it('OpenAI gpt-4o: cached tokens are part of prompt_tokens and billed at the cache-read rate', () => {
    // input $2.50/M, cache read $1.25/M, output $10/M
    const cost = priced(
      completionCost({
        model: 'gpt-4o',
        usage: {
          prompt_tokens: 1000,
          completion_tokens: 500,
          prompt_tokens_details: { cached_tokens: 400 },
        },
      }),
    );
    expect(cost.input).toBeCloseTo(600 * 2.5e-6, 15);
    expect(cost.cachedInput).toBeCloseTo(400 * 1.25e-6, 15);
    expect(cost.output).toBeCloseTo(500 * 1e-5, 15);
    expect(cost.total).toBeCloseTo(0.007, 12);
    expect(cost.priceKey).toBe('gpt-4o');
  });

  it('OpenAI o3: reasoning tokens are part of completion_tokens, billed at the output rate', () => {
    // input $2/M, output $8/M, no separate reasoning rate
    const cost = priced(
      completionCost({
        model: 'openai/o3',
        usage: {
          prompt_tokens: 2000,
          completion_tokens: 3000,
          completion_tokens_details: { reasoning_tokens: 2500 },
        },
      }),
    );
    expect(cost.output).toBeCloseTo(500 * 8e-6, 15);
    expect(cost.reasoning).toBeCloseTo(2500 * 8e-6, 15);
    expect(cost.total).toBeCloseTo(0.004 + 0.004 + 0.02, 12);
  });

  it('OpenAI gpt-5-mini: a priority response is billed at the priority rates', () => {
    // priority: input $0.45/M, output $3.60/M (default: $0.25/M, $2/M)
    const usage = { prompt_tokens: 1000, completion_tokens: 100 };
    const priority = priced(
      completionCost({ model: 'gpt-5-mini', usage, serviceTier: 'priority' }),
    );
    expect(priority.total).toBeCloseTo(1000 * 4.5e-7 + 100 * 3.6e-6, 15);
    expect(priority.serviceTier).toBe('priority');
    const standard = priced(completionCost({ model: 'gpt-5-mini', usage, serviceTier: 'default' }));
    expect(standard.total).toBeCloseTo(1000 * 2.5e-7 + 100 * 2e-6, 15);
  });

  it('OpenAI gpt-4.1-nano: the recorded chat.completion is priced from its own usage', () => {
    // input $0.10/M, output $0.40/M; the fixture reports 16 prompt and 363 completion tokens
    const cost = priced(completionCost(JSON.parse(fixture('openai-chat.json'))));
    expect(cost.priceKey).toBe('gpt-4.1-nano-2025-04-14');
    expect(cost.total).toBeCloseTo(16 * 1e-7 + 363 * 4e-7, 15);
  });

  it('Anthropic claude-sonnet-4-5: input_tokens exclude cache reads and writes; 5-minute and 1-hour writes are priced apart', () => {
    // input $3/M, cache read $0.30/M, 5m write $3.75/M, 1h write $6/M, output $15/M
    const cost = priced(
      completionCost({
        model: 'anthropic/claude-sonnet-4-5',
        usage: {
          input_tokens: 100,
          cache_creation_input_tokens: 2000,
          cache_read_input_tokens: 10_000,
          cache_creation: { ephemeral_5m_input_tokens: 1500, ephemeral_1h_input_tokens: 500 },
          output_tokens: 400,
        },
      }),
    );
    expect(cost.usage.promptTokens).toBe(12_100);
    expect(cost.input).toBeCloseTo(100 * 3e-6, 15);
    expect(cost.cachedInput).toBeCloseTo(10_000 * 3e-7, 15);
    expect(cost.cacheWrite).toBeCloseTo(1500 * 3.75e-6 + 500 * 6e-6, 15);
    expect(cost.output).toBeCloseTo(400 * 1.5e-5, 15);
    expect(cost.total).toBeCloseTo(0.017925, 12);
    expect(cost.tierAbove).toBeNull();
  });

  it('Anthropic claude-sonnet-4-5: the OpenAI-shaped usage shallot reports prices 1-hour writes once, as the native usage does', () => {
    const native = {
      input_tokens: 100,
      cache_creation_input_tokens: 2000,
      cache_read_input_tokens: 10_000,
      cache_creation: { ephemeral_5m_input_tokens: 1500, ephemeral_1h_input_tokens: 500 },
      output_tokens: 400,
    };
    // What the Anthropic provider hands on: every write in cache_write_tokens, the hour's apart.
    const openaiShaped = {
      prompt_tokens: 12_100,
      completion_tokens: 400,
      total_tokens: 12_500,
      prompt_tokens_details: {
        cached_tokens: 10_000,
        cache_write_tokens: 2000,
        cache_write_1h_tokens: 500,
      },
    };
    const fromNative = priced(
      completionCost({ model: 'anthropic/claude-sonnet-4-5', usage: native }),
    );
    const fromShaped = priced(
      completionCost({ model: 'anthropic/claude-sonnet-4-5', usage: openaiShaped }),
    );
    expect(fromShaped.input).toBeCloseTo(100 * 3e-6, 15);
    expect(fromShaped.cacheWrite).toBeCloseTo(1500 * 3.75e-6 + 500 * 6e-6, 15);
    expect(fromShaped.total).toBeCloseTo(fromNative.total, 15);
  });

  it('Anthropic claude-sonnet-4-5 above 200k prompt tokens: the whole request at the long-context rates', () => {
    // above 200k: input $6/M, output $22.50/M
    const cost = priced(
      completionCost({
        model: 'claude-sonnet-4-5',
        usage: { input_tokens: 250_000, output_tokens: 1000 },
      }),
    );
    expect(cost.tierAbove).toBe(200_000);
    expect(cost.total).toBeCloseTo(250_000 * 6e-6 + 1000 * 2.25e-5, 12);
  });

  it('Anthropic claude-haiku-4-5: the OpenAI-shaped usage shallot reports prices the same as the native one', () => {
    // input $1/M, cache read $0.10/M, cache write $1.25/M, output $5/M
    const openaiShaped = priced(
      completionCost({
        model: 'claude-haiku-4-5',
        usage: {
          prompt_tokens: 1200,
          completion_tokens: 50,
          prompt_tokens_details: { cached_tokens: 1000, cache_write_tokens: 100 },
        },
      }),
    );
    const native = priced(
      completionCost({
        model: 'claude-haiku-4-5',
        usage: {
          input_tokens: 100,
          cache_read_input_tokens: 1000,
          cache_creation_input_tokens: 100,
          output_tokens: 50,
        },
      }),
    );
    expect(openaiShaped.total).toBeCloseTo(
      100 * 1e-6 + 1000 * 1e-7 + 100 * 1.25e-6 + 50 * 5e-6,
      15,
    );
    expect(native.total).toBeCloseTo(openaiShaped.total, 15);
  });

  it('Gemini gemini-2.5-flash: thoughts are counted apart from candidates and billed at the reasoning rate', () => {
    // input $0.30/M, cache read $0.03/M, output $2.50/M, reasoning $2.50/M
    const cost = priced(
      completionCost({
        model: 'gemini/gemini-2.5-flash',
        usage: {
          promptTokenCount: 1000,
          cachedContentTokenCount: 200,
          candidatesTokenCount: 300,
          thoughtsTokenCount: 700,
        },
      }),
    );
    expect(cost.usage).toMatchObject({
      promptTokens: 1000,
      completionTokens: 1000,
      reasoningTokens: 700,
    });
    expect(cost.total).toBeCloseTo(800 * 3e-7 + 200 * 3e-8 + 300 * 2.5e-6 + 700 * 2.5e-6, 15);
  });

  it('Gemini gemini-2.5-pro: above 200k prompt tokens the request moves to the higher tier', () => {
    // up to 200k: input $1.25/M, output $10/M; above: input $2.50/M, output $15/M
    const small = priced(
      completionCost({
        model: 'gemini/gemini-2.5-pro',
        usage: { promptTokenCount: 200_000, candidatesTokenCount: 1000 },
      }),
    );
    expect(small.tierAbove).toBeNull();
    expect(small.total).toBeCloseTo(200_000 * 1.25e-6 + 1000 * 1e-5, 12);
    const large = priced(
      completionCost({
        model: 'gemini/gemini-2.5-pro',
        usage: { promptTokenCount: 200_001, candidatesTokenCount: 1000 },
      }),
    );
    expect(large.tierAbove).toBe(200_000);
    expect(large.total).toBeCloseTo(200_001 * 2.5e-6 + 1000 * 1.5e-5, 12);
  });

  it('Gemini: the recorded generateContent usage is read as Gemini counts it', () => {
    const { usageMetadata } = JSON.parse(fixture('gemini-generate-content-tool-call.json'));
    const cost = priced(completionCost({ model: 'gemini/gemini-2.5-flash', usage: usageMetadata }));
    expect(cost.usage.completionTokens).toBe(
      usageMetadata.candidatesTokenCount + (usageMetadata.thoughtsTokenCount ?? 0),
    );
    expect(cost.usage.reasoningTokens).toBe(usageMetadata.thoughtsTokenCount ?? 0);
  });

  it('Azure azure/gpt-4o, and a deployment priced through the model its response names', () => {
    // input $2.50/M, output $10/M
    const usage = { prompt_tokens: 1000, completion_tokens: 100 };
    expect(priced(completionCost({ model: 'azure/gpt-4o', usage })).total).toBeCloseTo(0.0035, 15);
    const fromResponse = priced(
      completionCost(
        {
          id: 'x',
          object: 'chat.completion',
          created: 0,
          model: 'gpt-4o-2024-08-06',
          choices: [],
          usage,
        },
        { provider: 'azure' },
      ),
    );
    expect(fromResponse.total).toBeCloseTo(0.0035, 15);
  });

  it('Groq groq/llama-3.3-70b-versatile, an OpenAI-compatible provider', () => {
    // input $0.59/M, output $0.79/M
    const cost = priced(
      completionCost({
        model: 'groq/llama-3.3-70b-versatile',
        usage: { prompt_tokens: 1000, completion_tokens: 1000 },
      }),
    );
    expect(cost.total).toBeCloseTo(1000 * 5.9e-7 + 1000 * 7.9e-7, 15);
  });

  it('DeepSeek deepseek/deepseek-chat: prompt_cache_hit_tokens are cache reads', () => {
    // input $0.28/M, cache hit $0.028/M, output $0.42/M
    const cost = priced(
      completionCost({
        model: 'deepseek/deepseek-chat',
        usage: {
          prompt_tokens: 1000,
          completion_tokens: 200,
          prompt_cache_hit_tokens: 600,
          prompt_cache_miss_tokens: 400,
        },
      }),
    );
    expect(cost.total).toBeCloseTo(400 * 2.8e-7 + 600 * 2.8e-8 + 200 * 4.2e-7, 15);
  });

  it('OpenAI fine-tunes: ft:<base>:<org>:<suffix>:<id> is priced at the table’s ft:<base> entry, bare or with openai/', () => {
    // ft:gpt-4o-mini-2024-07-18: input $0.30/M, cache read $0.15/M, output $1.20/M
    // (the base gpt-4o-mini-2024-07-18 is $0.15/M and $0.60/M)
    const usage = {
      prompt_tokens: 1000,
      completion_tokens: 500,
      prompt_tokens_details: { cached_tokens: 200 },
    };
    for (const model of [
      'ft:gpt-4o-mini-2024-07-18:my-org:support:9xYzAbC1',
      'openai/ft:gpt-4o-mini-2024-07-18:my-org:support:9xYzAbC1',
      'ft:gpt-4o-mini-2024-07-18:my-org::9xYzAbC1:ckpt-step-88',
    ]) {
      const cost = priced(completionCost({ model, usage }));
      expect(cost.priceKey).toBe('ft:gpt-4o-mini-2024-07-18');
      expect(cost.total).toBeCloseTo(800 * 3e-7 + 200 * 1.5e-7 + 500 * 1.2e-6, 15);
    }
    // ft:gpt-3.5-turbo: input $3/M, output $6/M
    const turbo = priced(
      completionCost({
        model: 'ft:gpt-3.5-turbo:my-org:custom_suffix:id',
        usage: { prompt_tokens: 100, completion_tokens: 10 },
      }),
    );
    expect(turbo.total).toBeCloseTo(100 * 3e-6 + 10 * 6e-6, 15);
  });

  it('returns null for a fine-tune whose base has no ft: entry, with a reason naming the key to register, never the base’s own price', () => {
    const result = completionCost({
      model: 'ft:gpt-4o-2024-05-13:my-org:support:9xYz',
      usage: { prompt_tokens: 10, completion_tokens: 10 },
    });
    expect(result.total).toBeNull();
    expect(result).toMatchObject({
      reason: expect.stringContaining(
        'no price for "ft:gpt-4o-2024-05-13:my-org:support:9xYz": a fine-tune is priced by its base model\'s "ft:gpt-4o-2024-05-13" entry',
      ),
    });
    expect(result).toMatchObject({
      reason: expect.stringContaining('registerModel({ "ft:gpt-4o-2024-05-13"'),
    });
  });

  it('returns null with a reason for an unknown model, never 0', () => {
    const result = completionCost({
      model: 'acme/unknown-1',
      usage: { prompt_tokens: 10, completion_tokens: 10 },
    });
    expect(result.total).toBeNull();
    expect(result).toMatchObject({
      reason: expect.stringContaining('registerModel({ "acme/unknown-1"'),
    });
  });

  it('returns null with a reason when there is no usage', () => {
    expect(completionCost({ model: 'gpt-4o', usage: undefined })).toMatchObject({
      total: null,
      reason: expect.stringContaining('no usage'),
    });
  });

  it('takes per-call prices over the table, and a whole entry for a model of your own, without changing the table', () => {
    const usage = { prompt_tokens: 1000, completion_tokens: 1000 };
    expect(
      priced(completionCost({ model: 'gpt-4o', usage }, { inputCostPerToken: 1e-6 })).total,
    ).toBeCloseTo(0.001 + 0.01, 15);
    expect(
      priced(
        completionCost(
          { model: 'acme/x', usage },
          { pricing: { input_cost_per_token: 2e-6, output_cost_per_token: 3e-6 } },
        ),
      ).total,
    ).toBeCloseTo(0.005, 15);
    expect(priced(completionCost({ model: 'gpt-4o', usage })).total).toBeCloseTo(0.0025 + 0.01, 15);
  });

  it('keeps registered prices in their own book', () => {
    const book = new PriceBook();
    book.register({ 'acme/llm': { inputCostPerToken: 1e-6, outputCostPerToken: 2e-6 } });
    const usage = { prompt_tokens: 100, completion_tokens: 100 };
    expect(
      priced(completionCost({ model: 'acme/llm', usage }, { prices: book })).total,
    ).toBeCloseTo(3e-4, 15);
    expect(completionCost({ model: 'acme/llm', usage }).total).toBeNull();
    expect(() => book.register({ bad: { note: 'free' } })).toThrow(
      /pricing\["bad"\]: expected per-token prices/,
    );
  });
});

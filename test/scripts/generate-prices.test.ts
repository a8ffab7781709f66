import { readFileSync } from 'node:fs';
import { PRICE_TABLE_SOURCE } from 'shallot';
import { describe, expect, it } from 'vitest';
import { unpackPrices } from '../../src/cost/packed-prices.js';
import { BUNDLED_PRICES } from '../../src/cost/price-table.generated.js';
import { compactPrices, renderPriceTable } from '../../src/cost/render-table.js';

const sample = JSON.parse(
  readFileSync(new URL('../fixtures/prices/sample-table.json', import.meta.url), 'utf8'),
);

describe('the price table generator (npm run prices)', () => {
  it('keeps token-billed chat and embedding models only, sorted, in the compact shape', () => {
    const entries = Object.fromEntries(compactPrices(sample));
    expect(Object.keys(entries)).toEqual([
      'claude-sonnet-4-5',
      'deepseek/deepseek-chat',
      'gemini/gemini-2.5-pro',
      'gpt-4o',
      'gpt-5-mini',
      'text-embedding-3-small',
    ]);
    expect(entries['gpt-4o']).toEqual({
      provider: 'openai',
      maxInput: 128000,
      input: 2.5e-6,
      output: 1e-5,
      cacheRead: 1.25e-6,
      priority: { input: 4.25e-6, output: 1.7e-5, cacheRead: 2.125e-6 },
    });
  });

  it('reads long-context tiers, 1-hour cache writes and DeepSeek’s cache-hit price', () => {
    const entries = Object.fromEntries(compactPrices(sample));
    expect(entries['claude-sonnet-4-5']).toMatchObject({
      input: 3e-6,
      output: 1.5e-5,
      cacheRead: 3e-7,
      cacheWrite: 3.75e-6,
      cacheWrite1h: 6e-6,
      tiers: [
        {
          above: 200_000,
          input: 6e-6,
          output: 2.25e-5,
          cacheRead: 6e-7,
          cacheWrite: 7.5e-6,
          cacheWrite1h: 1.2e-5,
        },
      ],
    });
    expect(entries['deepseek/deepseek-chat']?.cacheRead).toBe(2.8e-8);
  });

  it('records its source in the module it writes', () => {
    const { text, entries } = renderPriceTable(sample, {
      file: 'sample-table.json',
      date: '2026-08-01',
      sha256: 'abc',
    });
    expect(entries).toBe(6);
    expect(text).toContain(
      '"file":"sample-table.json","date":"2026-08-01","sha256":"abc","models":6',
    );
    expect(text).toContain('\n"gpt-4o":{');
    // The module's JSON text (short field names, short numbers) gives the entries back.
    const json = /JSON.parse\(`([\s\S]*)`\)/.exec(text)?.[1] ?? '';
    expect(json).toMatch(/\n"gpt-4o":\{"[a-z]":/);
    expect(unpackPrices(JSON.parse(json))).toEqual(Object.fromEntries(compactPrices(sample)));
  });

  it('the bundled table says where it came from and holds the chat models of that source', () => {
    expect(PRICE_TABLE_SOURCE).toMatchObject({
      file: 'model_prices_and_context_window.json',
      date: '2026-08-01',
    });
    expect(Object.keys(BUNDLED_PRICES)).toHaveLength(PRICE_TABLE_SOURCE.models);
    expect(PRICE_TABLE_SOURCE.models).toBeGreaterThan(2000);
    expect(BUNDLED_PRICES['gpt-4o']).toEqual(Object.fromEntries(compactPrices(sample))['gpt-4o']);
  });
});

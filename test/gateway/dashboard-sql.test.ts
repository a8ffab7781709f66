import pg from 'pg';
import type { CallRecord } from 'shallot';
import { afterAll, describe, expect, it } from 'vitest';
import { aggregate, factsOf } from '../../gateway/dashboard/aggregate.js';
import {
  type DashboardData,
  NO_GROUP,
  OTHER_GROUP,
  type RangeQuery,
  TOP_ROWS,
} from '../../gateway/dashboard/data.js';
import { binsOf, mergeBins, percentileOf } from '../../gateway/dashboard/sql/histogram.js';
import { queryDashboard, type SpendLogSource } from '../../gateway/dashboard/sql/index.js';
import { KeyStore } from '../../gateway/keys/store.js';
import { createTableSql, insertSql, rowOf } from '../../middleware/postgres-logger/table.js';
import { describeWithPostgres } from '../support/postgres.js';
import { useTestSchemas } from '../support/postgres-schema.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** The tests' day: 2026-03-10T00:00:00Z. */
const T = Date.UTC(2026, 2, 10);
const LOG = { table: 'shallot_spend_log', schema: undefined };
const HASH_A = `aaaa1111bbbb${'0'.repeat(52)}`;
const HASH_B = `bbbb2222cccc${'1'.repeat(52)}`;

/** A call as a test writes it: what it does not say is a plain, successful, unstreamed call. */
interface Call {
  at: number;
  model?: string;
  /** The router's model group: what the dashboard groups the call under, over `model`. */
  modelGroup?: string;
  status?: 'success' | 'failure';
  cost?: number | null;
  saved?: number | null;
  cacheHit?: boolean;
  latencyMs?: number;
  /** Set for a stream. */
  ttftMs?: number;
  tokens?: [number, number] | null;
  user?: string | null;
  metadata?: Record<string, unknown>;
}

let calls = 0;
/** A whole call record, as the client makes them, for the logger's own row SQL. */
function recordOf(call: Call): CallRecord {
  const id = `call-${++calls}`;
  const latency = call.latencyMs ?? 100;
  const tokens: [number, number] | null = call.tokens === undefined ? [1, 1] : call.tokens;
  return {
    schema_version: 1,
    id,
    trace_id: `trace-${id}`,
    attempt: 0,
    status: call.status ?? 'success',
    call_type: 'completion',
    model: call.model ?? 'gpt-4o',
    provider: 'openai',
    provider_model: call.model ?? 'gpt-4o',
    api_base: null,
    stream: call.ttftMs !== undefined,
    start_time: new Date(call.at).toISOString(),
    first_token_time:
      call.ttftMs === undefined ? null : new Date(call.at + call.ttftMs).toISOString(),
    end_time: new Date(call.at + latency).toISOString(),
    latency_ms: latency,
    time_to_first_token_ms: call.ttftMs ?? null,
    usage:
      tokens === null
        ? null
        : {
            prompt_tokens: tokens[0],
            completion_tokens: tokens[1],
            total_tokens: tokens[0] + tokens[1],
            cached_tokens: 0,
            cache_write_tokens: 0,
            reasoning_tokens: 0,
          },
    response_cost: call.cost === undefined ? 0.25 : call.cost,
    saved_cost: call.saved ?? null,
    cache_hit: call.cacheHit ?? false,
    cache_key_hash: null,
    metadata: call.metadata ?? {},
    tags: [],
    user: call.user ?? null,
    params: {},
    messages: [],
    response: null,
    finish_reason: 'stop',
    request_id: null,
    error: null,
    ...(call.modelGroup === undefined ? {} : { model_group: call.modelGroup }),
  };
}

const schemaOf = useTestSchemas();
const pools: pg.Pool[] = [];
afterAll(async () => {
  for (const pool of pools.splice(0)) await pool.end();
});

/** A spend log (with its rollup) in a schema of its own, and how a test fills and reads it. */
async function spendLog(purpose: string) {
  const schema = await schemaOf(purpose);
  const pool = new pg.Pool({ connectionString: schema.url, max: 6 });
  pools.push(pool);
  await pool.query(createTableSql(LOG));
  const records: CallRecord[] = [];
  return {
    url: schema.url,
    pool,
    records,
    /** Logs calls with the logger's own INSERT, in one statement (the rollup's trigger sees them at once). */
    async log(...written: Call[]) {
      const batch = written.map(recordOf);
      records.push(...batch);
      await pool.query(insertSql(LOG, batch.length), batch.flatMap(rowOf));
    },
    read(query: RangeQuery, source: Partial<SpendLogSource> = {}) {
      return queryDashboard({ pool, ...source }, query);
    },
  };
}

/** Every bucket's value 0 but those given (by index). */
function zerosWith(length: number, values: Record<number, number>): number[] {
  return Array.from({ length }, (_, index) => values[index] ?? 0);
}
function nullsWith(length: number, values: Record<number, number>): Array<number | null> {
  return Array.from({ length }, (_, index) => values[index] ?? null);
}

/** `percentile_cont(fraction)` as PostgreSQL computes it, over sorted values. */
function percentileCont(sorted: number[], fraction: number): number {
  const position = fraction * (sorted.length - 1);
  const below = Math.floor(position);
  const low = sorted[below] as number;
  return low + ((sorted[Math.ceil(position)] as number) - low) * (position - below);
}

const withoutTime = ({ generatedAt: _, ...data }: DashboardData) => data;

describeWithPostgres('queryDashboard against PostgreSQL', () => {
  it('gives every bucket of a day, the calls from `from` (inclusive) to `to` (exclusive), their sums and percentiles', async () => {
    const spend = await spendLog('dash_day');
    const from = T + 7.5 * MINUTE;
    const to = from + DAY;
    await spend.log(
      { at: T + 5 * MINUTE, cost: 100 }, // before from, in its bucket
      {
        at: from,
        cost: 0.5,
        latencyMs: 100,
        tokens: [10, 20],
        user: 'ada',
        metadata: { user_api_key_hash: HASH_A, key_alias: 'team-a-key', team_id: 'red' },
      },
      {
        at: T + 10 * MINUTE,
        status: 'failure',
        cost: null,
        latencyMs: 300,
        tokens: null,
        user: 'bob',
      },
      {
        at: T + 15 * MINUTE,
        model: 'claude-3',
        cost: 0.25,
        cacheHit: true,
        saved: 0.125,
        latencyMs: 200,
        ttftMs: 40,
        tokens: [5, 6],
        metadata: { user_api_key_hash: HASH_B },
      },
      { at: to - 1, cost: 1, latencyMs: 50, ttftMs: 10.4, tokens: [1, 2], user: 'ada' },
      { at: to, cost: 100 }, // at to: out
    );
    const data = await spend.read({ from, to, by: 'model' });
    const length = 97;
    expect(data.generatedAt).toBeGreaterThan(0);
    expect(withoutTime(data)).toEqual({
      query: { from, to, by: 'model' },
      bucketMs: 15 * MINUTE,
      buckets: Array.from({ length }, (_, index) => T + index * 15 * MINUTE),
      totals: {
        requests: 4,
        errors: 1,
        spend: 1.75,
        saved: 0.125,
        cacheHits: 1,
        promptTokens: 16,
        completionTokens: 28,
        latencyP50: percentileCont([50, 100, 200, 300], 0.5),
        latencyP99: percentileCont([50, 100, 200, 300], 0.99),
        ttftP50: 25,
      },
      spend: [
        { name: 'gpt-4o', values: zerosWith(length, { 0: 0.5, 96: 1 }) },
        { name: 'claude-3', values: zerosWith(length, { 1: 0.25 }) },
      ],
      requests: zerosWith(length, { 0: 2, 1: 1, 96: 1 }),
      errors: zerosWith(length, { 0: 1 }),
      latencyP50: nullsWith(length, { 0: 200, 1: 200, 96: 50 }),
      latencyP99: nullsWith(length, { 0: percentileCont([100, 300], 0.99), 1: 200, 96: 50 }),
      ttftP50: nullsWith(length, { 1: 40, 96: 10 }),
      cacheHits: zerosWith(length, { 1: 1 }),
      saved: zerosWith(length, { 1: 0.125 }),
      promptTokens: zerosWith(length, { 0: 10, 1: 5, 96: 1 }),
      completionTokens: zerosWith(length, { 0: 20, 1: 6, 96: 2 }),
      topKeys: [
        { name: 'team-a-key', requests: 1, spend: 0.5, maxBudget: null, budgetSpend: null },
        { name: HASH_B.slice(0, 12), requests: 1, spend: 0.25, maxBudget: null, budgetSpend: null },
      ],
      topUsers: [
        { name: 'ada', requests: 2, spend: 1.5, maxBudget: null, budgetSpend: null },
        { name: 'bob', requests: 1, spend: 0, maxBudget: null, budgetSpend: null },
      ],
    });
  });

  it('stacks spend by the top 8 groups (by spend, ties by name in code point order) and sums the rest as other, per bucket', async () => {
    const spend = await spendLog('dash_stack');
    const models: Array<[string, number, number]> = [
      ['a', 9, 0],
      ['b', 8, 0],
      ['c', 7, 0],
      ['d', 6, 0],
      ['e', 5, 0],
      ['f', 4, 0],
      ['g', 3, 0],
      ['h', 2, 0], // ties with B: B (U+0042) comes first
      ['B', 2, 0],
      ['i', 0.5, 1],
    ];
    await spend.log(
      ...models.map(([model, cost, bucket]) => ({ at: T + bucket * 15 * MINUTE, model, cost })),
      { at: T + 15 * MINUTE, model: 'h', cost: 0.25 },
    );
    const data = await spend.read({ from: T, to: T + DAY, by: 'model' });
    expect(data.spend.map((series) => series.name)).toEqual([
      'a',
      'b',
      'c',
      'd',
      'e',
      'f',
      'g',
      'h',
      OTHER_GROUP,
    ]);
    // h has 2.25 in all, so B (2) is the one cut
    expect(data.spend[7]?.values.slice(0, 2)).toEqual([2, 0.25]);
    expect(data.spend[8]?.values.slice(0, 3)).toEqual([2, 0.5, 0]);
    expect(data.spend[0]?.values.slice(0, 2)).toEqual([9, 0]);

    const eight = await spendLog('dash_eight');
    await eight.log(...models.slice(0, 8).map(([model, cost]) => ({ at: T, model, cost })));
    const kept = await eight.read({ from: T, to: T + DAY, by: 'model' });
    expect(kept.spend.map((series) => series.name)).toEqual([
      'a',
      'b',
      'c',
      'd',
      'e',
      'f',
      'g',
      'h',
    ]);
  });

  it('breaks a tie of spend by name in code point order, as COLLATE "C" does', async () => {
    const spend = await spendLog('dash_tie');
    const names = ['b', 'B', 'a', 'Z', 'é', '_'];
    await spend.log(...names.map((model) => ({ at: T, model, cost: 1 })));
    const data = await spend.read({ from: T, to: T + HOUR, by: 'model' });
    expect(data.spend.map((series) => series.name)).toEqual(['B', 'Z', '_', 'a', 'b', 'é']);
  });

  it('labels keys by alias, else the first 12 characters of the hash; calls without a key, user or team are (none)', async () => {
    const spend = await spendLog('dash_labels');
    await spend.log(
      {
        at: T,
        cost: 4,
        metadata: { user_api_key_hash: HASH_A, key_alias: 'alpha', team_id: 'red' },
        user: 'ada',
      },
      { at: T, cost: 3, metadata: { user_api_key_hash: HASH_B } },
      { at: T, cost: 2, metadata: { key_alias: 'alias-only', team_id: 'blue' }, user: 'bob' },
      { at: T, cost: 1 },
    );
    const range = { from: T, to: T + HOUR };
    const names = async (by: RangeQuery['by']) =>
      (await spend.read({ ...range, by })).spend.map((series) => [series.name, series.values[0]]);
    expect(await names('key')).toEqual([
      ['alpha', 4],
      [HASH_B.slice(0, 12), 3],
      ['alias-only', 2],
      [NO_GROUP, 1],
    ]);
    expect(await names('team')).toEqual([
      [NO_GROUP, 4],
      ['red', 4],
      ['blue', 2],
    ]);
    expect(await names('user')).toEqual([
      [NO_GROUP, 4],
      ['ada', 4],
      ['bob', 2],
    ]);
  });

  it("lists the top keys by hash with their latest alias and the keys table's budgets, and the top users", async () => {
    const spend = await spendLog('dash_top');
    const store = new KeyStore({ connectionString: spend.url });
    try {
      const one = (await store.create({ key_alias: 'k-one', max_budget: 10 })).info.token;
      const two = (await store.create({})).info.token;
      await store.addSpend(one, 2.5);
      await store.addSpend(two, 1);
      await spend.log(
        { at: T, cost: 1, metadata: { user_api_key_hash: one, key_alias: 'old-name' } },
        { at: T + MINUTE, cost: 1, metadata: { user_api_key_hash: one, key_alias: 'k-one' } },
        { at: T + 2 * MINUTE, cost: 1, metadata: { user_api_key_hash: one } },
        { at: T, cost: 0.5, metadata: { user_api_key_hash: two } },
        { at: T, cost: 3, metadata: { user_api_key_hash: HASH_A, key_alias: 'stranger' } },
        ...Array.from({ length: 12 }, (_, index) => ({
          at: T + index * MINUTE,
          cost: 0,
          tokens: [1, 1] as [number, number],
          user: `user-${String(index).padStart(2, '0')}`,
        })),
      );
      const range: RangeQuery = { from: T, to: T + HOUR, by: 'key' };
      const data = await spend.read(range, { keys: {} });
      expect(data.topKeys).toEqual([
        { name: 'k-one', requests: 3, spend: 3, maxBudget: 10, budgetSpend: 2.5 },
        { name: 'stranger', requests: 1, spend: 3, maxBudget: null, budgetSpend: null },
        { name: two.slice(0, 12), requests: 1, spend: 0.5, maxBudget: null, budgetSpend: 1 },
      ]);
      expect(data.topUsers).toHaveLength(TOP_ROWS);
      expect(data.topUsers[0]).toEqual({
        name: 'user-00',
        requests: 1,
        spend: 0,
        maxBudget: null,
        budgetSpend: null,
      });
      expect(data.topUsers.map((row) => row.name).at(-1)).toBe('user-09');
      const withoutKeys = await spend.read(range);
      expect(withoutKeys.topKeys.map((row) => [row.maxBudget, row.budgetSpend])).toEqual([
        [null, null],
        [null, null],
        [null, null],
      ]);
    } finally {
      await store.close();
    }
  });

  it('keeps hostile metadata out of the groups: a number or an object where a string belongs is no value', async () => {
    const spend = await spendLog('dash_hostile');
    const model = "gpt'; DROP TABLE shallot_spend_log; --";
    await spend.log(
      {
        at: T,
        model,
        cost: 1,
        metadata: {
          user_api_key_hash: 12345,
          key_alias: { evil: true },
          team_id: ['red'],
          user_id: { id: 1 },
        },
      },
      { at: T, cost: 0.5, metadata: { user_api_key_hash: HASH_A, key_alias: 7, team_id: 42 } },
    );
    const range = { from: T, to: T + HOUR };
    const read = async (by: RangeQuery['by']) => (await spend.read({ ...range, by })).spend;
    expect((await read('model')).map((series) => series.name)).toEqual([model, 'gpt-4o']);
    expect((await read('key')).map((series) => series.name)).toEqual([
      NO_GROUP,
      HASH_A.slice(0, 12),
    ]);
    expect((await read('team')).map((series) => series.name)).toEqual([NO_GROUP]);
    expect((await read('user')).map((series) => series.name)).toEqual([NO_GROUP]);
    const data = await spend.read({ ...range, by: 'key' });
    expect(data.topKeys.map((row) => row.name)).toEqual([HASH_A.slice(0, 12)]);
    expect(data.topUsers).toEqual([]);
  });

  it('gives a range without calls as zeros, null percentiles, no series and empty tops', async () => {
    const spend = await spendLog('dash_empty');
    const data = await spend.read({ from: T, to: T + 10 * DAY, by: 'user' });
    expect(data.bucketMs).toBe(3 * HOUR);
    expect(data.buckets).toHaveLength(80);
    expect(data.totals).toEqual({
      requests: 0,
      errors: 0,
      spend: 0,
      saved: 0,
      cacheHits: 0,
      promptTokens: 0,
      completionTokens: 0,
      latencyP50: null,
      latencyP99: null,
      ttftP50: null,
    });
    expect(data.spend).toEqual([]);
    expect(new Set(data.requests)).toEqual(new Set([0]));
    expect(new Set(data.latencyP99)).toEqual(new Set([null]));
    expect([data.topKeys, data.topUsers]).toEqual([[], []]);
  });
});

/** Calls spread over a month, with broken hours and days at both ends of the ranges read. */
function monthOfCalls(start: number): Call[] {
  const written: Call[] = [];
  const models = [
    'gpt-4o',
    'claude-3',
    'gemini',
    'mistral',
    'llama',
    'o1',
    'o3',
    'qwen',
    'phi',
    'yi',
  ];
  for (let index = 0; index < 400; index++) {
    const at = start + index * 107 * MINUTE + (index % 7) * 13_001;
    const key = index % 5 === 0 ? undefined : index % 5 === 1 ? HASH_A : HASH_B;
    written.push({
      at,
      model: models[index % models.length] as string,
      // Some calls went through a router: grouped under their model group, not their model.
      ...(index % 8 === 3 ? { modelGroup: `group-${index % 3}` } : {}),
      status: index % 11 === 0 ? 'failure' : 'success',
      cost: index % 13 === 0 ? null : (index % 9) * 0.125,
      saved: index % 6 === 0 ? 0.0625 : null,
      cacheHit: index % 6 === 0,
      // Each value a bin of its own (20% apart; bins are 9% wide), so that histograms are exact.
      latencyMs: Math.round(20 * 1.2 ** (index % 24)),
      ...(index % 3 === 0 ? { ttftMs: Math.round(5 * 1.25 ** (index % 20)) } : {}),
      tokens: index % 10 === 0 ? null : [index, index * 2],
      user: index % 4 === 0 ? null : `user-${index % 17}`,
      metadata: {
        ...(key === undefined ? {} : { user_api_key_hash: key }),
        ...(index % 2 === 0 && key !== undefined ? { key_alias: `alias-${index % 3}` } : {}),
        ...(index % 3 === 0 ? {} : { team_id: `team-${index % 5}` }),
      },
    });
  }
  return written;
}

describeWithPostgres('queryDashboard over the rollup', () => {
  const start = T - 20 * DAY;
  const ranges: Array<[string, number, number]> = [
    ['a week (hour buckets)', T - 9 * DAY + 30 * MINUTE + 123, T - 2 * DAY + 30 * MINUTE + 123],
    ['a month (6-hour buckets)', start + 17 * MINUTE, start + 30 * DAY + 3 * HOUR + 5 * MINUTE],
    ['60 days (day buckets)', start - 10 * DAY + 1, start + 50 * DAY - 1],
  ];

  /** The same calls in a log with its rollup, and in one without (read call by call). */
  async function twoLogs(purpose: string) {
    const spend = await spendLog(purpose);
    await spend.log(...monthOfCalls(start));
    await spend.pool.query(
      'CREATE TABLE plain_log (LIKE shallot_spend_log INCLUDING ALL); INSERT INTO plain_log SELECT * FROM shallot_spend_log',
    );
    const plain = (query: RangeQuery) => spend.read(query, { table: 'plain_log' });
    return { spend, plain };
  }

  it.each(ranges)(
    'reads %s from the rollup with the numbers of every call',
    async (_range, from, to) => {
      const { spend, plain } = await twoLogs('dash_rollup');
      const texts: string[] = [];
      const watched = {
        query: (text: string, values?: unknown[]) => {
          texts.push(text);
          return spend.pool.query(text, values);
        },
      };
      for (const by of ['model', 'key', 'user', 'team'] as const) {
        const query = { from, to, by };
        const everyCall = withoutTime(await plain(query));
        expect(everyCall.totals.requests).toBeGreaterThan(50);
        expect(withoutTime(await spend.read(query, { pool: watched }))).toEqual(everyCall);
        expect(texts.join('\n')).toContain('shallot_spend_log_hour_group');
        // Histograms are exact where each bin of a bucket holds one value or at most two calls.
        expect(withoutTime(await spend.read(query, { exactPercentilesUpTo: 0 }))).toEqual(
          everyCall,
        );
      }
    },
  );

  it('gives the numbers of the JavaScript aggregator for the same calls', async () => {
    const { spend } = await twoLogs('dash_same');
    for (const [, from, to] of ranges) {
      for (const by of ['model', 'key', 'user', 'team'] as const) {
        const query = { from, to, by };
        const facts = spend.records.map(factsOf).filter((fact) => fact !== undefined);
        // Top keys differ by design: the aggregator knows labels, not keys (see the report).
        const { topKeys: _memory, ...inMemory } = withoutTime(aggregate(facts, query));
        const { topKeys: _sql, ...fromSql } = withoutTime(await spend.read(query));
        expect(fromSql).toEqual(inMemory);
      }
    }
  });

  it('interpolates within a histogram bin above exactPercentilesUpTo: within the bin, not exact', async () => {
    const spend = await spendLog('dash_bins');
    // 100, 101 and 104 ms fall in one bin (98.7 to 107.6 ms)
    await spend.log(
      ...[100, 101, 104].map((latencyMs, index) => ({
        at: T + 2 * HOUR + index * MINUTE,
        latencyMs,
      })),
    );
    const query: RangeQuery = { from: T, to: T + 3 * DAY, by: 'model' };
    expect((await spend.read(query)).totals.latencyP50).toBe(101);
    const binned = await spend.read(query, { exactPercentilesUpTo: 2 });
    expect(binned.totals.latencyP50).toBe(102);
    expect(binned.latencyP50[2]).toBe(102);
    expect(binned.totals.latencyP99).toBe(102 + (104 - 102) * (0.99 * 2 - 1));
  });

  it('follows deletes and truncation of the log', async () => {
    const { spend, plain } = await twoLogs('dash_delete');
    const cut = `DELETE FROM %s WHERE start_time >= '${new Date(start + 3 * DAY).toISOString()}' AND start_time < '${new Date(start + 9 * DAY).toISOString()}'`;
    await spend.pool.query(cut.replace('%s', 'shallot_spend_log'));
    await spend.pool.query(cut.replace('%s', 'plain_log'));
    const [, from, to] = ranges[1] as [string, number, number];
    for (const by of ['model', 'key'] as const) {
      const query = { from, to, by };
      const everyCall = withoutTime(await plain(query));
      expect(withoutTime(await spend.read(query, { exactPercentilesUpTo: 0 }))).toEqual(everyCall);
    }
    await spend.pool.query('TRUNCATE shallot_spend_log');
    const emptied = await spend.read({ from, to, by: 'model' });
    expect([emptied.totals.requests, emptied.spend, emptied.topUsers]).toEqual([0, [], []]);
    const rollups = await spend.pool.query(
      'SELECT (SELECT count(*) FROM shallot_spend_log_hour_group) + (SELECT count(*) FROM shallot_spend_log_day_group) + (SELECT count(*) FROM shallot_spend_log_hour_timing) AS rows',
    );
    expect(rollups.rows).toEqual([{ rows: '0' }]);
  });
});

describe('queryDashboard arguments', () => {
  const pool = { query: async () => ({ rows: [] }) };
  const query: RangeQuery = { from: T, to: T + DAY, by: 'model' };
  const invalid: Array<[string, Partial<SpendLogSource>, RangeQuery, RegExp]> = [
    ['no pool', { pool: undefined }, query, /queryDashboard options\.pool: expected a pg Pool/],
    [
      'a table that is no plain identifier',
      { table: 'log; DROP' },
      query,
      /options\.table: expected a plain SQL identifier/,
    ],
    ['a schema in capitals', { schema: 'Public' }, query, /options\.schema/],
    ['a bad keys table', { keys: { table: 'keys"' } }, query, /options\.keys\.table/],
    [
      'a negative percentile limit',
      { exactPercentilesUpTo: -1 },
      query,
      /options\.exactPercentilesUpTo/,
    ],
    [
      'from after to',
      {},
      { ...query, from: T + DAY, to: T },
      /query\.to: expected a time after from/,
    ],
    [
      'a fraction of a millisecond',
      {},
      { ...query, from: T + 0.5 },
      /query\.from: expected a whole number/,
    ],
    [
      'an unknown grouping',
      {},
      { ...query, by: 'region' as never },
      /query\.by: expected one of model, key, user, team/,
    ],
    [
      'more than 1000 buckets',
      {},
      { ...query, from: T - 1001 * DAY },
      /query\.to: expected a range of at most 1000 buckets/,
    ],
  ];
  it.each(invalid)(
    'rejects %s with a ValidationError naming it',
    async (_case, source, range, message) => {
      await expect(queryDashboard({ pool, ...source } as SpendLogSource, range)).rejects.toThrow(
        message,
      );
    },
  );

  it('sends every value as a parameter, never in the SQL text', async () => {
    const texts: string[] = [];
    const values: unknown[] = [];
    const recording = {
      query: async (text: string, given?: unknown[]) => {
        texts.push(text);
        values.push(...(given ?? []));
        return { rows: text.includes('to_regclass') ? [{ present: true }] : [] };
      },
    };
    await queryDashboard({ pool: recording }, { from: T + 1, to: T + 30 * DAY + 7, by: 'team' });
    expect(texts.length).toBeGreaterThanOrEqual(6);
    expect(values).toContain(new Date(T + 1).toISOString());
    expect(values).toContain(NO_GROUP);
    for (const text of texts) {
      expect(text).not.toContain(new Date(T + 1).toISOString().slice(0, 10));
      expect(text).not.toContain(NO_GROUP);
      expect(text).not.toContain("'team'");
    }
  });

  it('reports a failure of PostgreSQL as a ServiceUnavailableError naming the spend log', async () => {
    const failing = { query: async () => Promise.reject(new Error('relation does not exist')) };
    await expect(queryDashboard({ pool: failing, schema: 'app' }, query)).rejects.toThrow(
      'the dashboard could not read the spend log "app"."shallot_spend_log": relation does not exist',
    );
  });
});

describe('percentiles of a histogram', () => {
  const bin = (id: number, calls: number, low: number, high: number) => ({ id, calls, low, high });

  it('is percentile_cont of the calls when each bin holds one value or at most two calls', () => {
    const bins = [bin(3, 1, 10, 10), bin(20, 2, 100, 110), bin(21, 4, 120, 120)];
    const calls = [10, 100, 110, 120, 120, 120, 120];
    for (const fraction of [0, 0.25, 0.5, 0.9, 0.99, 1]) {
      expect(percentileOf(bins, fraction)).toBe(percentileCont(calls, fraction));
    }
  });

  it('spreads the calls of a bin evenly from its lowest to its highest value', () => {
    // 100, 101 and 104 in one bin: the middle call is taken at 102
    expect(percentileOf([bin(37, 3, 100, 104)], 0.5)).toBe(102);
    expect(percentileOf([], 0.5)).toBeNull();
  });

  it('merges histograms bin by bin, in bin order', () => {
    const merged = mergeBins([[bin(5, 1, 30, 30), bin(2, 2, 3, 4)], [bin(5, 2, 28, 31)]]);
    expect(merged).toEqual([bin(2, 2, 3, 4), bin(5, 3, 28, 31)]);
  });

  it('reads only well-formed bins from a row', () => {
    expect(binsOf([[1, 2, 3, 4], [1, 0, 3, 4], [1, 2, 3], 'x', [1, 'a', 3, 4]])).toEqual([
      bin(1, 2, 3, 4),
    ]);
    expect(binsOf(null)).toEqual([]);
  });
});

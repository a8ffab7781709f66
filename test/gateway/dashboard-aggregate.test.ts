import { describe, expect, it } from 'vitest';
import { aggregate, factsOf, percentileCont } from '../../gateway/dashboard/aggregate.js';
import { type CallFacts, NO_GROUP, OTHER_GROUP } from '../../gateway/dashboard/data.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** 2026-03-01T00:00:00Z */
const T0 = Date.UTC(2026, 2, 1);

/** A call of the facts' defaults: a success of gpt-4o at T0, $0.01, 100 ms. */
function call(fields: Partial<CallFacts> = {}): CallFacts {
  return {
    start: T0,
    status: 'success',
    model: 'gpt-4o',
    key: null,
    user: null,
    team: null,
    cost: 0.01,
    saved: 0,
    cacheHit: false,
    promptTokens: 10,
    completionTokens: 5,
    latencyMs: 100,
    ttftMs: null,
    ...fields,
  };
}

/** A record as jsonlLogger writes it (the fields the dashboard reads, and a few it does not). */
function record(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schema_version: 1,
    id: 'call-1',
    trace_id: 'trace-1',
    attempt: 1,
    status: 'success',
    call_type: 'completion',
    model: 'openai/gpt-4o-mini',
    stream: false,
    start_time: '2026-03-01T10:00:00.000Z',
    first_token_time: null,
    end_time: '2026-03-01T10:00:00.250Z',
    latency_ms: 250,
    time_to_first_token_ms: null,
    usage: {
      prompt_tokens: 12,
      completion_tokens: 7,
      total_tokens: 19,
      cached_tokens: 0,
      cache_write_tokens: 0,
      reasoning_tokens: 0,
    },
    response_cost: 0.0000063,
    saved_cost: null,
    cache_hit: false,
    metadata: {},
    tags: [],
    user: null,
    messages: [],
    response: null,
    error: null,
    ...fields,
  };
}

describe('factsOf', () => {
  it('reads the facts of a call record as jsonlLogger writes it', () => {
    expect(factsOf(JSON.parse(JSON.stringify(record())))).toEqual({
      start: Date.UTC(2026, 2, 1, 10),
      status: 'success',
      model: 'openai/gpt-4o-mini',
      key: null,
      user: null,
      team: null,
      cost: 0.0000063,
      saved: 0,
      cacheHit: false,
      promptTokens: 12,
      completionTokens: 7,
      latencyMs: 250,
      ttftMs: null,
    });
  });

  it('names the key by its alias, else by the first 12 digits of its hash, never by the key', () => {
    const hash = 'a1b2c3d4e5f6a7b8c9d0';
    const keyOf = (metadata: Record<string, unknown>) => factsOf(record({ metadata }))?.key;
    expect(keyOf({ key_alias: 'search-prod', user_api_key_hash: hash })).toBe('search-prod');
    expect(keyOf({ key_alias: '', user_api_key_hash: hash })).toBe('a1b2c3d4e5f6');
    expect(keyOf({ key_alias: 42 })).toBeNull();
  });

  it('takes the user from record.user, else metadata.user, else metadata.user_id, numbers as text', () => {
    const userOf = (fields: Record<string, unknown>) => factsOf(record(fields))?.user;
    expect(userOf({ user: 'ann', metadata: { user: 'bob', user_id: 'cid' } })).toBe('ann');
    expect(userOf({ user: null, metadata: { user: 'bob', user_id: 'cid' } })).toBe('bob');
    expect(userOf({ metadata: { user_id: 'cid' } })).toBe('cid');
    expect(userOf({ metadata: { user_id: 1234 } })).toBe('1234');
    expect(userOf({ metadata: { user_id: { name: 'x' } } })).toBeNull();
    expect(factsOf(record({ metadata: { team_id: 'search' } }))?.team).toBe('search');
  });

  it('keeps the time to first token of a stream only, and counts a failure without usage or cost as 0', () => {
    const stream = record({ stream: true, time_to_first_token_ms: 40 });
    expect(factsOf(stream)?.ttftMs).toBe(40);
    expect(factsOf(record({ time_to_first_token_ms: 40 }))?.ttftMs).toBeNull();
    const failure = factsOf(record({ status: 'failure', usage: null, response_cost: null }));
    expect(failure).toMatchObject({ status: 'failure', cost: 0, promptTokens: 0 });
    expect(failure?.completionTokens).toBe(0);
    const hit = factsOf(record({ cache_hit: true, response_cost: 0, saved_cost: 0.002 }));
    expect(hit).toMatchObject({ cacheHit: true, cost: 0, saved: 0.002 });
  });

  it('refuses what is not a call record instead of guessing', () => {
    const refused = [
      null,
      'a line',
      [record()],
      record({ start_time: 'yesterday' }),
      record({ start_time: undefined }),
      record({ status: 'ok' }),
      record({ model: 7 }),
      record({ latency_ms: -1 }),
      record({ latency_ms: '250' }),
      record({ response_cost: '0.1' }),
      record({ saved_cost: Number.NaN }),
      record({ usage: 'none' }),
      record({ usage: { prompt_tokens: -3, completion_tokens: 1 } }),
      record({ metadata: ['key_alias'] }),
    ];
    for (const line of refused) expect(factsOf(line)).toBeUndefined();
  });

  it('reads only fields of the record itself, never inherited ones', () => {
    const inherited = Object.create({ key_alias: 'from-the-prototype' }) as Record<string, unknown>;
    expect(factsOf(record({ metadata: inherited }))?.key).toBeNull();
    const parsed = JSON.parse('{"__proto__": {"user": "mallory"}}') as Record<string, unknown>;
    expect(factsOf(record({ metadata: parsed }))?.user).toBeNull();
  });
});

describe('percentileCont', () => {
  it("interpolates as PostgreSQL's percentile_cont, at position (n - 1) * fraction", () => {
    expect(percentileCont([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(percentileCont([10, 20, 30], 0.5)).toBe(20);
    // (5 - 1) * 0.99 = 3.96: 40 + (1000 - 40) * 0.96
    expect(percentileCont([10, 20, 30, 40, 1000], 0.99)).toBeCloseTo(961.6, 9);
    expect(percentileCont([7], 0.99)).toBe(7);
    expect(percentileCont([], 0.5)).toBeNull();
  });
});

describe('aggregate', () => {
  const hourQuery = { from: T0, to: T0 + HOUR, by: 'model' as const };

  it('puts calls in minute buckets from the bucket of from up to the last before to, every one present', () => {
    // 1 h is 60 buckets of a minute; an unaligned from starts in its own minute's bucket.
    const data = aggregate([], { from: T0 + 30_000, to: T0 + 3 * MINUTE, by: 'model' }, 5);
    expect(data.bucketMs).toBe(MINUTE);
    expect(data.buckets).toEqual([T0, T0 + MINUTE, T0 + 2 * MINUTE]);
    expect(data.requests).toEqual([0, 0, 0]);
    expect(data.latencyP50).toEqual([null, null, null]);
    expect(data.spend).toEqual([]);
    expect(data.generatedAt).toBe(5);
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
    expect(aggregate([], { from: T0, to: T0 + 30 * 86_400_000, by: 'model' }).bucketMs).toBe(
      6 * HOUR,
    );
  });

  it('counts a call at from and leaves out one at to', () => {
    const data = aggregate(
      [call({ start: T0 - 1 }), call({ start: T0 }), call({ start: T0 + HOUR })],
      hourQuery,
    );
    expect(data.totals.requests).toBe(1);
    expect(data.requests[0]).toBe(1);
    expect(data.buckets).toHaveLength(60);
  });

  it('sums each bucket and the totals: requests, errors, cache hits, saved dollars, tokens', () => {
    const data = aggregate(
      [
        call({ start: T0 + 10_000, cost: 0.25, promptTokens: 100, completionTokens: 20 }),
        call({ start: T0 + 50_000, status: 'failure', cost: 0, promptTokens: 0 }),
        call({ start: T0 + 2 * MINUTE, cacheHit: true, cost: 0, saved: 0.5 }),
      ],
      hourQuery,
    );
    expect(data.requests.slice(0, 3)).toEqual([2, 0, 1]);
    expect(data.errors.slice(0, 3)).toEqual([1, 0, 0]);
    expect(data.cacheHits.slice(0, 3)).toEqual([0, 0, 1]);
    expect(data.saved.slice(0, 3)).toEqual([0, 0, 0.5]);
    expect(data.promptTokens.slice(0, 3)).toEqual([100, 0, 10]);
    expect(data.completionTokens.slice(0, 3)).toEqual([25, 0, 5]);
    expect(data.totals).toMatchObject({
      requests: 3,
      errors: 1,
      spend: 0.25,
      saved: 0.5,
      cacheHits: 1,
      promptTokens: 110,
      completionTokens: 30,
    });
  });

  it('takes latency percentiles per bucket and overall, and the time to first token over streams only', () => {
    const data = aggregate(
      [
        call({ latencyMs: 100, ttftMs: 30 }),
        call({ latencyMs: 200 }),
        call({ latencyMs: 400, ttftMs: 50 }),
        call({ start: T0 + MINUTE, latencyMs: 1000 }),
      ],
      hourQuery,
    );
    expect(data.latencyP50.slice(0, 3)).toEqual([200, 1000, null]);
    // (3 - 1) * 0.99 = 1.98: 200 + 200 * 0.98
    expect(data.latencyP99[0]).toBeCloseTo(396, 9);
    expect(data.ttftP50.slice(0, 2)).toEqual([40, null]);
    // 100, 200, 400, 1000: the middle two's mean; (4 - 1) * 0.99 = 2.97: 400 + 600 * 0.97
    expect(data.totals.latencyP50).toBe(300);
    expect(data.totals.latencyP99).toBeCloseTo(982, 9);
    expect(data.totals.ttftP50).toBe(40);
  });

  it('stacks spend by the eight groups that spent most, ties by name, and sums the rest as other', () => {
    const calls = Array.from({ length: 10 }, (_, index) =>
      call({ model: `m${index}`, cost: index < 2 ? 1 : 10 - index, start: T0 + index * MINUTE }),
    );
    const data = aggregate(calls, hourQuery);
    expect(data.spend.map((series) => series.name)).toEqual([
      'm2',
      'm3',
      'm4',
      'm5',
      'm6',
      'm7',
      'm8',
      'm0', // m0, m1 and m9 spent 1 each: m0 comes first by name
      OTHER_GROUP,
    ]);
    const other = data.spend[8]?.values ?? [];
    expect(other.slice(0, 10)).toEqual([0, 1, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(data.spend[0]?.values.slice(0, 3)).toEqual([0, 0, 8]);
  });

  it('keeps exactly eight groups without other, and names calls without the grouping (none)', () => {
    const calls = Array.from({ length: 7 }, (_, index) => call({ team: `t${index}`, cost: 1 }));
    const data = aggregate([...calls, call({ cost: 0.5 })], { ...hourQuery, by: 'team' });
    expect(data.spend.map((series) => series.name)).toEqual([
      't0',
      't1',
      't2',
      't3',
      't4',
      't5',
      't6',
      NO_GROUP,
    ]);
    const byKey = aggregate([call({ key: 'prod' }), call()], { ...hourQuery, by: 'key' });
    expect(byKey.spend.map((series) => series.name)).toEqual([NO_GROUP, 'prod']);
  });

  it('ranks the top keys and users by spend then name, ten at most, without budgets', () => {
    const calls = [
      ...Array.from({ length: 12 }, (_, index) =>
        call({ key: `k${String(index).padStart(2, '0')}`, cost: index % 3 }),
      ),
      call({ key: 'k05', cost: 0.5, user: 'ann' }),
      call({ user: 'bob', cost: 3 }),
      call({ user: 'ann', cost: 1 }),
    ];
    const data = aggregate(calls, hourQuery);
    expect(data.topKeys.map((row) => [row.name, row.requests, row.spend])).toEqual([
      ['k05', 2, 2.5],
      ['k02', 1, 2],
      ['k08', 1, 2],
      ['k11', 1, 2],
      ['k01', 1, 1],
      ['k04', 1, 1],
      ['k07', 1, 1],
      ['k10', 1, 1],
      ['k00', 1, 0],
      ['k03', 1, 0],
    ]);
    expect(data.topUsers).toEqual([
      { name: 'bob', requests: 1, spend: 3, maxBudget: null, budgetSpend: null },
      { name: 'ann', requests: 2, spend: 1.5, maxBudget: null, budgetSpend: null },
    ]);
  });
});

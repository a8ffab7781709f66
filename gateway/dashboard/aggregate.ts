/**
 * The dashboard's data from call records in memory (`shallot report` reads them from a JSONL
 * log). Its semantics are the SQL side's, exactly, so that one page draws both: what is in a
 * range, how calls fall into buckets, how groups are ranked and cut, how percentiles are taken.
 */
import {
  bucketMsOf,
  bucketStartOf,
  type CallFacts,
  type DashboardData,
  type GroupBy,
  keyLabelOf,
  NO_GROUP,
  OTHER_GROUP,
  type RangeQuery,
  type Series,
  TOP_GROUPS,
  TOP_ROWS,
  type TopRow,
} from './data.js';

/**
 * The facts the dashboard reads from one call record (a line of a `jsonlLogger` file, parsed),
 * or undefined when it is not a call record: the input is hostile, every field is checked.
 * The key is its alias or the start of its hash, never the key; the user is `record.user`, else
 * `metadata.user`, else `metadata.user_id`; the team is `metadata.team_id`.
 */
export function factsOf(record: unknown): CallFacts | undefined {
  if (!isObject(record)) return undefined;
  const start = Date.parse(stringAt(record, 'start_time') ?? '');
  const status = ownValue(record, 'status');
  // Behind a router, the model group the caller named (its record's `model` is the deployment's).
  const model = stringAt(record, 'model_group') || stringAt(record, 'model');
  const latencyMs = ownValue(record, 'latency_ms');
  const cost = optionalNumberAt(record, 'response_cost');
  const saved = optionalNumberAt(record, 'saved_cost');
  const usage = ownValue(record, 'usage');
  const metadata = ownValue(record, 'metadata') ?? {};
  if (
    !Number.isFinite(start) ||
    (status !== 'success' && status !== 'failure') ||
    model === undefined ||
    !isCount(latencyMs) ||
    cost === undefined ||
    saved === undefined ||
    !isObject(metadata) ||
    (usage !== null && usage !== undefined && !isObject(usage))
  ) {
    return undefined;
  }
  const promptTokens = usage ? ownValue(usage, 'prompt_tokens') : 0;
  const completionTokens = usage ? ownValue(usage, 'completion_tokens') : 0;
  if (!isCount(promptTokens) || !isCount(completionTokens)) return undefined;
  const ttft = ownValue(record, 'time_to_first_token_ms');
  return {
    start,
    status,
    model,
    key: keyLabelOf(ownValue(metadata, 'key_alias'), ownValue(metadata, 'user_api_key_hash')),
    user:
      nameOf(ownValue(record, 'user')) ??
      nameOf(ownValue(metadata, 'user')) ??
      nameOf(ownValue(metadata, 'user_id')),
    team: nameOf(ownValue(metadata, 'team_id')),
    cost,
    saved,
    cacheHit: ownValue(record, 'cache_hit') === true,
    promptTokens,
    completionTokens,
    latencyMs,
    ttftMs: ownValue(record, 'stream') === true && isCount(ttft) ? ttft : null,
  };
}

/**
 * The dashboard's data for `query` from the facts of calls: those with `from <= start < to`,
 * in epoch-aligned buckets {@link bucketMsOf} wide. Spend is stacked by the top
 * {@link TOP_GROUPS} groups (by spend, then name), the rest summed as {@link OTHER_GROUP};
 * percentiles are PostgreSQL's `percentile_cont`. Top keys and users carry no budget (a log
 * does not know the keys' budgets).
 */
export function aggregate(
  facts: Iterable<CallFacts>,
  query: RangeQuery,
  now = Date.now(),
): DashboardData {
  const bucketMs = bucketMsOf(query.from, query.to);
  const first = bucketStartOf(query.from, bucketMs);
  const buckets: number[] = [];
  for (let start = first; start < query.to; start += bucketMs) buckets.push(start);
  const zeros = () => buckets.map(() => 0);
  const requests = zeros();
  const errors = zeros();
  const cacheHits = zeros();
  const saved = zeros();
  const promptTokens = zeros();
  const completionTokens = zeros();
  const latencies = buckets.map((): number[] => []);
  const ttfts = buckets.map((): number[] => []);
  const groups = new Map<string, { spend: number; values: number[] }>();
  const keys = new Map<string, TopRow>();
  const users = new Map<string, TopRow>();

  for (const call of facts) {
    if (!(call.start >= query.from && call.start < query.to)) continue;
    const index = (bucketStartOf(call.start, bucketMs) - first) / bucketMs;
    requests[index] = (requests[index] ?? 0) + 1;
    if (call.status === 'failure') errors[index] = (errors[index] ?? 0) + 1;
    if (call.cacheHit) cacheHits[index] = (cacheHits[index] ?? 0) + 1;
    saved[index] = (saved[index] ?? 0) + call.saved;
    promptTokens[index] = (promptTokens[index] ?? 0) + call.promptTokens;
    completionTokens[index] = (completionTokens[index] ?? 0) + call.completionTokens;
    latencies[index]?.push(call.latencyMs);
    if (call.ttftMs !== null) ttfts[index]?.push(call.ttftMs);
    const name = groupOf(call, query.by) ?? NO_GROUP;
    let group = groups.get(name);
    if (group === undefined) {
      group = { spend: 0, values: zeros() };
      groups.set(name, group);
    }
    group.spend += call.cost;
    group.values[index] = (group.values[index] ?? 0) + call.cost;
    if (call.key !== null) addTo(keys, call.key, call.cost);
    if (call.user !== null) addTo(users, call.user, call.cost);
  }

  const allLatencies = latencies.flat();
  const allTtfts = ttfts.flat();
  return {
    query: { from: query.from, to: query.to, by: query.by },
    bucketMs,
    buckets,
    totals: {
      requests: sum(requests),
      errors: sum(errors),
      spend: sum([...groups.values()].map((group) => group.spend)),
      saved: sum(saved),
      cacheHits: sum(cacheHits),
      promptTokens: sum(promptTokens),
      completionTokens: sum(completionTokens),
      latencyP50: percentileCont(allLatencies, 0.5),
      latencyP99: percentileCont(allLatencies, 0.99),
      ttftP50: percentileCont(allTtfts, 0.5),
    },
    spend: stacked(groups, zeros),
    requests,
    errors,
    latencyP50: latencies.map((values) => percentileCont(values, 0.5)),
    latencyP99: latencies.map((values) => percentileCont(values, 0.99)),
    ttftP50: ttfts.map((values) => percentileCont(values, 0.5)),
    cacheHits,
    saved,
    promptTokens,
    completionTokens,
    topKeys: topRowsOf(keys),
    topUsers: topRowsOf(users),
    generatedAt: now,
  };
}

/**
 * PostgreSQL's `percentile_cont(fraction)`: the value at position `(n - 1) * fraction` of the
 * sorted values, interpolated linearly between its neighbours; null for no values.
 *
 * @example
 * percentileCont([1, 2, 3, 4], 0.5); // 2.5
 */
export function percentileCont(values: readonly number[], fraction: number): number | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const position = (sorted.length - 1) * fraction;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  const low = sorted[below] as number;
  const high = sorted[above] as number;
  return below === above ? low : low + (high - low) * (position - below);
}

/** Names compared as PostgreSQL's `COLLATE "C"` does: by code unit, not by locale. */
function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function stacked(
  groups: Map<string, { spend: number; values: number[] }>,
  zeros: () => number[],
): Series[] {
  const ranked = [...groups.entries()].sort(
    ([nameA, a], [nameB, b]) => b.spend - a.spend || byName(nameA, nameB),
  );
  const kept = ranked.slice(0, TOP_GROUPS).map(([name, group]) => ({ name, values: group.values }));
  if (ranked.length <= TOP_GROUPS) return kept;
  const other = zeros();
  for (const [, group] of ranked.slice(TOP_GROUPS)) {
    group.values.forEach((value, index) => {
      other[index] = (other[index] ?? 0) + value;
    });
  }
  return [...kept, { name: OTHER_GROUP, values: other }];
}

function topRowsOf(rows: Map<string, TopRow>): TopRow[] {
  return [...rows.values()]
    .sort((a, b) => b.spend - a.spend || byName(a.name, b.name))
    .slice(0, TOP_ROWS);
}

function addTo(rows: Map<string, TopRow>, name: string, cost: number): void {
  let row = rows.get(name);
  if (row === undefined) {
    row = { name, requests: 0, spend: 0, maxBudget: null, budgetSpend: null };
    rows.set(name, row);
  }
  row.requests += 1;
  row.spend += cost;
}

function groupOf(call: CallFacts, by: GroupBy): string | null {
  if (by === 'model') return call.model === '' ? null : call.model;
  return call[by];
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A field of the object's own: never one inherited from its prototype (`constructor`, ...). */
function ownValue(object: Record<string, unknown>, name: string): unknown {
  return Object.hasOwn(object, name) ? object[name] : undefined;
}

function stringAt(object: Record<string, unknown>, name: string): string | undefined {
  const value = ownValue(object, name);
  return typeof value === 'string' ? value : undefined;
}

/** A finite number, or null (and absent) as 0; undefined for anything else. */
function optionalNumberAt(object: Record<string, unknown>, name: string): number | undefined {
  const value = ownValue(object, name);
  if (value === null || value === undefined) return 0;
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/** A user or team name: a non-empty string, or a number written as one. */
function nameOf(value: unknown): string | null {
  if (typeof value === 'string') return value === '' ? null : value;
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : null;
}

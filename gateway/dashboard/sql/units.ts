/**
 * The rows a chart adds up, as SQL: the calls of the log and the rollup's rows, in one shape,
 * over the spans a {@link ReadPlan} reads each from. Every value is a parameter.
 */
import type { GroupBy } from '../data.js';
import type { ReadPlan, Span } from './plan.js';
import type { ResolvedSource } from './source.js';

/** The parameters of one statement: `add()` gives the placeholder of a value. */
export class SqlValues {
  readonly values: unknown[] = [];

  /** `$n` for `value`. */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  /** A time (epoch ms) as a timestamptz. */
  time(epochMs: number): string {
    return `${this.add(new Date(epochMs).toISOString())}::timestamptz`;
  }
}

/**
 * The index (from 0) of the bucket a timestamptz expression falls in. In float8 seconds, which
 * is exact enough: near today's epoch a float8 second is exact to 2.4e-7 s, and a timestamp is
 * never nearer than 1 µs to a bucket's edge (a whole minute) without being on it.
 */
export function bucketOf(time: string, plan: ReadPlan, values: SqlValues): string {
  const first = values.add((plan.buckets[0] as number) / 1000);
  const width = values.add(plan.bucketMs / 1000);
  return `floor((date_part('epoch', ${time}) - ${first}::float8) / ${width}::float8)::integer`;
}

/** A condition on a time column: inside `span`. */
export function within(column: string, span: Span, values: SqlValues): string {
  return `${column} >= ${values.time(span.start)} AND ${column} < ${values.time(span.end)}`;
}

/** `parts` as one relation (a subquery): a plan's spans always make at least one. */
function unionOf(parts: string[]): string {
  return `(${parts.join('\nUNION ALL\n')})`;
}

/**
 * The totals of calls, per unit of time (`at`): `requests, errors, cache_hits, spend, saved,
 * prompt_tokens, completion_tokens`, from the hourly rollup and from the log's calls.
 */
export function totalUnits(source: ResolvedSource, plan: ReadPlan, values: SqlValues): string {
  const columns = 'requests, errors, cache_hits, spend, saved, prompt_tokens, completion_tokens';
  const parts = plan.raw.map(
    (span) => `SELECT start_time AS at, 1 AS requests, (status <> 'success')::integer AS errors,
  cache_hit::integer AS cache_hits, coalesce(response_cost, 0) AS spend, coalesce(saved_cost, 0) AS saved,
  coalesce(prompt_tokens, 0) AS prompt_tokens, coalesce(completion_tokens, 0) AS completion_tokens
FROM ${source.log} WHERE ${within('start_time', span, values)}`,
  );
  if (plan.hours !== undefined) {
    parts.push(
      `SELECT hour AS at, ${columns} FROM ${source.rollup.hourTotal} WHERE ${within('hour', plan.hours, values)}`,
    );
  }
  return unionOf(parts);
}

/**
 * The log's columns of each grouping: the value, and the alias that labels a key. A call's
 * model is its router model group, where it went through a router (its `model` is then the
 * deployment's), as the in-memory aggregator reads a record.
 */
const GROUP_COLUMNS: Record<GroupBy, { name: string; alias: string }> = {
  model: { name: 'coalesce(model_group, model)', alias: "''" },
  key: { name: 'key_hash', alias: "coalesce(key_alias, '')" },
  user: { name: 'user_id', alias: "''" },
  team: { name: 'team_id', alias: "''" },
};

/** Which group rows to read. */
export interface GroupRead {
  by: GroupBy;
  /** `buckets` for values per bucket (hourly rollup), `range` for sums over the range (daily too). */
  over: 'buckets' | 'range';
  /** Only the groups with these values: an SQL array expression. */
  names?: string;
  /** Only calls that have the grouping's value (a key, a user). */
  named?: boolean;
}

/**
 * The calls of a grouping, per unit of time and value: `at, name, alias, requests, spend,
 * last_call`, with `''` for a call without the value (or a key without an alias), as the
 * rollup keeps them.
 */
export function groupUnits(
  source: ResolvedSource,
  plan: ReadPlan,
  values: SqlValues,
  read: GroupRead,
): string {
  // Added when a rollup part uses it: a parameter no part refers to has no type.
  let dimension: string | undefined;
  const dimensionOf = () => {
    dimension ??= values.add(read.by);
    return dimension;
  };
  const column = GROUP_COLUMNS[read.by];
  const name = `coalesce(${column.name}, '')`;
  const filters = (nameColumn: string) =>
    `${read.names === undefined ? '' : ` AND ${nameColumn} = ANY(${read.names})`}${read.named ? ` AND ${nameColumn} <> ''` : ''}`;
  const parts = plan.raw.map(
    (span) => `SELECT start_time AS at, ${name} AS name, ${column.alias} AS alias, 1 AS requests,
  coalesce(response_cost, 0) AS spend, start_time AS last_call
FROM ${source.log} WHERE ${within('start_time', span, values)}${filters(name)}`,
  );
  const rollup = (table: string, time: string, span: Span) =>
    `SELECT ${time} AS at, name, alias, requests, spend, last_call FROM ${table}
WHERE dimension = ${dimensionOf()} AND ${within(time, span, values)}${filters('name')}`;
  if (read.over === 'buckets' && plan.hours !== undefined) {
    parts.push(rollup(source.rollup.hourGroup, 'hour', plan.hours));
  }
  if (read.over === 'range') {
    for (const span of plan.rangeHours) parts.push(rollup(source.rollup.hourGroup, 'hour', span));
    if (plan.days !== undefined) parts.push(rollup(source.rollup.dayGroup, 'day', plan.days));
  }
  return unionOf(parts);
}

/** The label of a group row (`name`, `alias`), as `keyLabelOf` and `NO_GROUP` name it. */
export function labelOf(by: GroupBy, none: string): string {
  const value = `CASE WHEN name <> '' THEN name ELSE ${none} END`;
  if (by !== 'key') return value;
  return `CASE WHEN alias <> '' THEN alias WHEN name <> '' THEN left(name, 12) ELSE ${none} END`;
}

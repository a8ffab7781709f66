/**
 * The spend log's rollup: tables of hourly (and daily) sums that PostgreSQL keeps itself, by a
 * statement-level trigger on the log, so that the dashboard reads a month as a few thousand
 * rows instead of every call. Rows inserted, deleted or truncated by anyone (this logger, an
 * older one, a retention job) are counted; rows changed by UPDATE are not.
 */
import { qualifiedName, quote, type RollupNames, rollupNamesOf, type TableName } from './names.js';

/** The start of the UTC hour of a timestamptz expression, whatever the session's time zone. */
export const hourOf = (time: string) =>
  `to_timestamp(floor(extract(epoch FROM ${time}) / 3600) * 3600)`;
/** The start of the UTC day of a timestamptz expression. */
export const dayOf = (time: string) =>
  `to_timestamp(floor(extract(epoch FROM ${time}) / 86400) * 86400)`;

const TIME_OF = { hour: hourOf, day: dayOf };

/** Values below this many milliseconds have a histogram bin each. */
export const EXACT_BELOW_MS = 16;
/** Above, a bin is an eighth of an octave wide (about 9%). */
export const BINS_PER_OCTAVE = 8;

/** The histogram bin of a whole number of milliseconds (an integer expression). */
export const binOf = (value: string) =>
  `CASE WHEN ${value} < ${EXACT_BELOW_MS} THEN ${value} ELSE ${EXACT_BELOW_MS} + floor(${BINS_PER_OCTAVE} * ln(${value}::float8 / ${EXACT_BELOW_MS}) / ln(2::float8))::integer END`;

/** One rollup table: its key, its summed columns and its lowest/highest ones, and how a set of log rows adds up to it. */
interface RollupTable {
  name: string;
  /** The primary key's columns, in its order. */
  keys: readonly string[];
  /** The key column of the row's time: an hour, or a day. */
  time: 'hour' | 'day';
  sums: readonly string[];
  lowest: readonly string[];
  highest: readonly string[];
  /** A row that counts no call any more is deleted. */
  count: string;
  /** The rows `source` adds: the key columns, then the sums, lowest and highest, in that order. */
  rowsOf(source: string): string;
}

/**
 * Each call counts once per dimension: its model (the router's model group, where it went
 * through one), key (hash and alias), user and team; '' for none.
 */
const DIMENSIONS = `(VALUES ('model', coalesce(model_group, model, ''), ''), ('key', coalesce(key_hash, ''), coalesce(key_alias, '')), ('user', coalesce(user_id, ''), ''), ('team', coalesce(team_id, ''), ''))`;

function tablesOf(names: RollupNames): RollupTable[] {
  const groups = (name: string, time: 'hour' | 'day') => ({
    name,
    keys: ['dimension', time, 'name', 'alias'],
    time,
    sums: ['requests', 'spend'],
    lowest: [],
    highest: ['last_call'],
    count: 'requests',
    rowsOf: (
      source: string,
    ) => `SELECT g.dimension, ${TIME_OF[time]('start_time')}, g.name, g.alias,
  count(*), coalesce(sum(response_cost), 0), max(start_time)
FROM ${source} CROSS JOIN LATERAL ${DIMENSIONS} AS g(dimension, name, alias)
GROUP BY 1, 2, 3, 4`,
  });
  return [
    {
      name: names.hourTotal,
      keys: ['hour'],
      time: 'hour',
      sums: [
        'requests',
        'errors',
        'cache_hits',
        'spend',
        'saved',
        'prompt_tokens',
        'completion_tokens',
      ],
      lowest: [],
      highest: [],
      count: 'requests',
      rowsOf: (source) => `SELECT ${hourOf('start_time')}, count(*),
  count(*) FILTER (WHERE status <> 'success'), count(*) FILTER (WHERE cache_hit),
  coalesce(sum(response_cost), 0), coalesce(sum(saved_cost), 0),
  coalesce(sum(prompt_tokens), 0), coalesce(sum(completion_tokens), 0)
FROM ${source} GROUP BY 1`,
    },
    groups(names.hourGroup, 'hour'),
    groups(names.dayGroup, 'day'),
    {
      name: names.hourTiming,
      keys: ['hour', 'metric', 'bin'],
      time: 'hour',
      sums: ['calls'],
      lowest: ['low'],
      highest: ['high'],
      count: 'calls',
      rowsOf: (source) => `SELECT ${hourOf('start_time')}, m.metric, ${binOf('m.value')},
  count(*), min(m.value), max(m.value)
FROM ${source} CROSS JOIN LATERAL (VALUES ('latency', latency_ms), ('ttft', ttft_ms)) AS m(metric, value)
WHERE m.value IS NOT NULL GROUP BY 1, 2, 3`,
    },
  ];
}

const columnsOf = (table: RollupTable) => [
  ...table.keys,
  ...table.sums,
  ...table.lowest,
  ...table.highest,
];

/**
 * Adds the rows of `source` to a rollup table, in key order: two inserts that touch the same
 * rows lock them in the same order, and so never deadlock.
 */
function addSql(table: RollupTable, source: string): string {
  const keys = table.keys.join(', ');
  const set = [
    ...table.sums.map((column) => `${column} = kept.${column} + excluded.${column}`),
    ...table.lowest.map((column) => `${column} = least(kept.${column}, excluded.${column})`),
    ...table.highest.map((column) => `${column} = greatest(kept.${column}, excluded.${column})`),
  ];
  return `INSERT INTO ${table.name} AS kept (${columnsOf(table).join(', ')})
${table.rowsOf(source)} ORDER BY ${table.keys.map((_, index) => index + 1).join(', ')}
ON CONFLICT (${keys}) DO UPDATE SET ${set.join(', ')}`;
}

/**
 * Takes the rows of `source` off a rollup table, then deletes the rows that count no call any
 * more. The lowest and highest values (and a key's last call) stay as they were: bounds only.
 */
function removeSql(table: RollupTable, source: string): string {
  const columns = columnsOf(table);
  const set = table.sums.map((column) => `${column} = kept.${column} - gone.${column}`);
  const match = table.keys.map((column) => `kept.${column} = gone.${column}`).join(' AND ');
  return `UPDATE ${table.name} AS kept SET ${set.join(', ')}
FROM (${table.rowsOf(source)}) AS gone (${columns.join(', ')}) WHERE ${match};
DELETE FROM ${table.name} WHERE ${table.count} <= 0
  AND ${table.time} IN (SELECT DISTINCT ${TIME_OF[table.time]('start_time')} FROM ${source})`;
}

/** The rollup tables and the index the dashboard reads the top groups' rows by. */
function createTablesSql(names: RollupNames, log: TableName): string {
  const constraint = (suffix: string) => quote(`${log.table}_${suffix}`);
  const groups = (name: string, time: string, suffix: string) => `CREATE TABLE ${name} (
  dimension text NOT NULL, ${time} timestamptz NOT NULL, name text NOT NULL, alias text NOT NULL,
  requests bigint NOT NULL, spend numeric NOT NULL, last_call timestamptz NOT NULL,
  CONSTRAINT ${constraint(`${suffix}_pk`)} PRIMARY KEY (dimension, ${time}, name, alias)
)`;
  return [
    `CREATE TABLE ${names.hourTotal} (
  hour timestamptz NOT NULL, requests bigint NOT NULL, errors bigint NOT NULL,
  cache_hits bigint NOT NULL, spend numeric NOT NULL, saved numeric NOT NULL,
  prompt_tokens bigint NOT NULL, completion_tokens bigint NOT NULL,
  CONSTRAINT ${constraint('hour_total_pk')} PRIMARY KEY (hour)
)`,
    groups(names.hourGroup, 'hour', 'hour_group'),
    // A chart's top groups are read by name over a range.
    `CREATE INDEX ${constraint('hour_group_idx')} ON ${names.hourGroup} (dimension, name, hour)`,
    groups(names.dayGroup, 'day', 'day_group'),
    `CREATE TABLE ${names.hourTiming} (
  metric text NOT NULL, hour timestamptz NOT NULL, bin integer NOT NULL,
  calls bigint NOT NULL, low integer NOT NULL, high integer NOT NULL,
  CONSTRAINT ${constraint('hour_timing_pk')} PRIMARY KEY (hour, metric, bin)
)`,
  ].join(';\n');
}

/**
 * The rollup of a spend log, after the log's own statements: its trigger function (replaced on
 * every start, so that a new version's takes over), then, once, its tables, filled from the rows
 * already logged while inserts wait, and the triggers. The function runs with the search_path
 * it was made with, so that any session's writes reach the same rollup.
 */
export function rollupSql(log: TableName): string {
  const names = rollupNamesOf(log);
  const tables = tablesOf(names);
  const logName = qualifiedName(log);
  const each = (statement: (table: RollupTable) => string) =>
    tables.map((table) => `    ${statement(table)};`).join('\n');
  const trigger = (suffix: string, event: string, transition: string) =>
    `CREATE TRIGGER ${quote(`${log.table}_rollup_${suffix}`)} AFTER ${event} ON ${logName}${transition} FOR EACH STATEMENT EXECUTE FUNCTION ${names.rollup}()`;
  return `CREATE OR REPLACE FUNCTION ${names.rollup}() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $rollup$
BEGIN
  IF TG_OP = 'INSERT' THEN
${each((table) => addSql(table, 'added'))}
  ELSIF TG_OP = 'DELETE' THEN
${each((table) => removeSql(table, 'removed'))}
  ELSIF TG_OP = 'TRUNCATE' THEN
    TRUNCATE ${tables.map((table) => table.name).join(', ')};
  END IF;
  RETURN NULL;
END
$rollup$;
DO $migrate$
BEGIN
  IF to_regclass('${names.hourTotal}') IS NULL THEN
    LOCK TABLE ${logName} IN SHARE ROW EXCLUSIVE MODE;
    ${createTablesSql(names, log)};
${each((table) => addSql(table, logName))}
    ${trigger('add', 'INSERT', ' REFERENCING NEW TABLE AS added')};
    ${trigger('remove', 'DELETE', ' REFERENCING OLD TABLE AS removed')};
    ${trigger('clear', 'TRUNCATE', '')};
  END IF;
END
$migrate$`;
}

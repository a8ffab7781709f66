import type { CallRecord } from '../../src/kit/index.js';
import { qualifiedName, quote, rollupNamesOf, type TableName } from './names.js';
import { rollupSql } from './rollup.js';

/** The spend log's columns, in insert order, with their SQL types. */
const COLUMNS = [
  ['id', 'text PRIMARY KEY'],
  ['trace_id', 'text'],
  ['start_time', 'timestamptz NOT NULL'],
  ['end_time', 'timestamptz'],
  ['status', 'text'],
  ['model', 'text'],
  ['provider', 'text'],
  ['provider_model', 'text'],
  ['stream', 'boolean'],
  ['prompt_tokens', 'integer'],
  ['completion_tokens', 'integer'],
  ['total_tokens', 'integer'],
  ['cached_tokens', 'integer'],
  ['reasoning_tokens', 'integer'],
  ['response_cost', 'numeric(20,10)'],
  ['saved_cost', 'numeric(20,10)'],
  ['cache_hit', 'boolean'],
  ['latency_ms', 'integer'],
  ['user_id', 'text'],
  ['tags', 'text[]'],
  ['metadata', 'jsonb'],
  ['error_class', 'text'],
  ['error_message', 'text'],
  ['record', 'jsonb'],
  // Added after the first release: tables made before are given them by ADD COLUMN (null in old rows).
  ['key_hash', 'text'],
  ['key_alias', 'text'],
  ['team_id', 'text'],
  ['model_group', 'text'],
  ['model_id', 'text'],
  ['ttft_ms', 'integer'],
  ['call_type', 'text'],
] as const;

/** The columns a table made by an earlier version may lack: added at start, if missing. */
const ADDED_COLUMNS = COLUMNS.slice(COLUMNS.findIndex(([column]) => column === 'key_hash'));

/** The indexed columns: spend is queried by time, by model and by user. */
const INDEXED = ['start_time', 'model', 'user_id'] as const;

/**
 * The dashboard's covering indexes, by name suffix: a read of a range is an index-only scan of
 * one of them, never of the table and its wide `record`. Neither holds more than three text
 * columns of at most {@link MAX_TEXT} characters, so that an index row always fits a btree page.
 */
const COVERING = [
  [
    'charts_idx',
    'status, response_cost, saved_cost, cache_hit, prompt_tokens, completion_tokens, latency_ms, ttft_ms, model, model_group, user_id',
  ],
  ['charts_key_idx', 'key_hash, key_alias, team_id, response_cost'],
] as const;

/** Values per row of an INSERT: PostgreSQL allows 65,535 parameters per statement. */
export const COLUMN_COUNT = COLUMNS.length;

/**
 * The table, its indexes and its rollup, if missing, as one multi-statement query: PostgreSQL
 * runs it in one implicit transaction, so a failure leaves nothing half made, and under an
 * advisory lock, so that processes starting together migrate one after the other. A table made
 * by an earlier version is given the columns it lacks (null in its old rows), the dashboard's
 * indexes and its rollup (built from the rows already there).
 */
export function createTableSql(name: TableName): string {
  const table = qualifiedName(name);
  const columns = COLUMNS.map(([column, type]) => `  ${column} ${type}`).join(',\n');
  const added = ADDED_COLUMNS.map(([column, type]) => `ADD COLUMN IF NOT EXISTS ${column} ${type}`);
  const index = (suffix: string) =>
    `CREATE INDEX IF NOT EXISTS ${quote(`${name.table}_${suffix}`)}`;
  return [
    `SELECT pg_advisory_xact_lock(hashtext('shallot spend log ${table}'))`,
    `CREATE TABLE IF NOT EXISTS ${table} (\n${columns}\n)`,
    `ALTER TABLE ${table} ${added.join(', ')}`,
    ...INDEXED.map((column) => `${index(`${column}_idx`)} ON ${table} (${column})`),
    ...COVERING.map(
      ([suffix, included]) => `${index(suffix)} ON ${table} (start_time) INCLUDE (${included})`,
    ),
    rollupSql(name),
  ].join(';\n');
}

/** One parameterised INSERT of `rows` rows; a call logged twice keeps its first row. */
export function insertSql(name: TableName, rows: number): string {
  const values: string[] = [];
  for (let row = 0; row < rows; row++) {
    const first = row * COLUMN_COUNT + 1;
    values.push(`(${COLUMNS.map((_, column) => `$${first + column}`).join(', ')})`);
  }
  const columns = COLUMNS.map(([column]) => column).join(', ');
  return `INSERT INTO ${qualifiedName(name)} (${columns}) VALUES ${values.join(', ')} ON CONFLICT (id) DO NOTHING`;
}

/** The parameters of one row, in column order. */
export function rowOf(record: CallRecord): unknown[] {
  const usage = record.usage;
  const metadata = record.metadata;
  return [
    record.id,
    record.trace_id,
    record.start_time,
    record.end_time,
    record.status,
    textOf(record.model),
    record.provider,
    record.provider_model,
    record.stream,
    usage?.prompt_tokens ?? null,
    usage?.completion_tokens ?? null,
    usage?.total_tokens ?? null,
    usage?.cached_tokens ?? null,
    usage?.reasoning_tokens ?? null,
    record.response_cost,
    record.saved_cost,
    record.cache_hit,
    Math.round(record.latency_ms),
    textOf(userOf(record)),
    record.tags,
    jsonOf(metadata),
    record.error?.class ?? null,
    record.error?.message ?? null,
    jsonOf(record),
    textOf(metadata.user_api_key_hash),
    textOf(metadata.key_alias),
    textOf(metadata.team_id),
    textOf(record.model_group),
    textOf(record.model_id),
    // A plain call's first token is its whole answer: the dashboard's ttft is of streams.
    record.stream ? millisecondsOf(record.time_to_first_token_ms) : null,
    textOf(record.call_type),
  ].map(withoutNul);
}

/** The longest text the dashboard's columns hold (a virtual key's alias may be this long). */
const MAX_TEXT = 256;

/**
 * A text column's value: a non-empty string, cut at {@link MAX_TEXT} characters (without
 * splitting a surrogate pair), so that a row always fits the dashboard's indexes; anything
 * else (metadata is the caller's: a number, an object) is null.
 */
function textOf(value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return null;
  if (value.length <= MAX_TEXT) return value;
  const cut = value.slice(0, MAX_TEXT);
  const last = cut.charCodeAt(MAX_TEXT - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}

/** A duration in whole milliseconds, or null. */
function millisecondsOf(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? Math.round(value) : null;
}

/** The call's user: the request's `user`, else `metadata.user`, else `metadata.user_id`. */
function userOf(record: CallRecord): string | null {
  const candidates = [record.user, record.metadata.user, record.metadata.user_id];
  for (const candidate of candidates) {
    if (typeof candidate === 'string' && candidate !== '') return candidate;
    if (typeof candidate === 'number' && Number.isFinite(candidate)) return String(candidate);
  }
  return null;
}

// PostgreSQL rejects NUL in text and `\u0000` in jsonb; one such string would fail a whole batch.
const NUL = '\u0000';
const REPLACEMENT = '\uFFFD';

function jsonOf(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    typeof item === 'string' ? item.replaceAll(NUL, REPLACEMENT) : item,
  );
}

function withoutNul(value: unknown): unknown {
  if (typeof value === 'string') return value.replaceAll(NUL, REPLACEMENT);
  if (Array.isArray(value)) return value.map(withoutNul);
  return value;
}

/**
 * Drops a spend log and what it keeps beside it (its rollup tables and trigger function), if
 * they exist: one multi-statement query.
 */
export function dropTableSql(name: TableName): string {
  const rollup = rollupNamesOf(name);
  const tables = [
    qualifiedName(name),
    rollup.hourTotal,
    rollup.hourGroup,
    rollup.dayGroup,
    rollup.hourTiming,
  ];
  return `DROP TABLE IF EXISTS ${tables.join(', ')};\nDROP FUNCTION IF EXISTS ${rollup.rollup}()`;
}

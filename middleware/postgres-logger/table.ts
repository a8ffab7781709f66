import type { CallRecord } from '../../src/kit/index.js';

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
] as const;

/** The indexed columns: spend is queried by time, by model and by user. */
const INDEXED = ['start_time', 'model', 'user_id'] as const;

/** Values per row of an INSERT: PostgreSQL allows 65,535 parameters per statement. */
export const COLUMN_COUNT = COLUMNS.length;

/** Where the spend log lives, quoted for SQL. */
export interface TableName {
  /** The unqualified name; index names derive from it. */
  table: string;
  schema: string | undefined;
}

const quote = (identifier: string) => `"${identifier}"`;

/** `"schema"."table"`, or `"table"` on the connection's search_path. */
export function qualifiedName({ table, schema }: TableName): string {
  return schema === undefined ? quote(table) : `${quote(schema)}.${quote(table)}`;
}

/**
 * The table and its indexes, if missing, as one multi-statement query: PostgreSQL runs it in
 * one implicit transaction, so a failure leaves nothing half made.
 */
export function createTableSql(name: TableName): string {
  const table = qualifiedName(name);
  const columns = COLUMNS.map(([column, type]) => `  ${column} ${type}`).join(',\n');
  return [
    `CREATE TABLE IF NOT EXISTS ${table} (\n${columns}\n)`,
    ...INDEXED.map(
      (column) =>
        `CREATE INDEX IF NOT EXISTS ${quote(`${name.table}_${column}_idx`)} ON ${table} (${column})`,
    ),
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
  return [
    record.id,
    record.trace_id,
    record.start_time,
    record.end_time,
    record.status,
    record.model,
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
    userOf(record),
    record.tags,
    jsonOf(record.metadata),
    record.error?.class ?? null,
    record.error?.message ?? null,
    jsonOf(record),
  ].map(withoutNul);
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

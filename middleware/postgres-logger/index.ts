/**
 * postgresLogger: a spend log in PostgreSQL, one row per finished call, to query with SQL.
 *
 * The table (default `shallot_spend_log`) is created if missing before the first insert:
 *
 * | column | type | from the call record |
 * | --- | --- | --- |
 * | id | text primary key | `id` (the call id) |
 * | trace_id | text | `trace_id` |
 * | start_time, end_time | timestamptz | `start_time` (not null), `end_time` |
 * | status | text | `success` or `failure` |
 * | model, provider, provider_model | text | the model as named, its provider, the provider's id |
 * | stream | boolean | `stream` |
 * | prompt_tokens, completion_tokens, total_tokens, cached_tokens, reasoning_tokens | integer | `usage` (null without usage) |
 * | response_cost, saved_cost | numeric(20,10) | US dollars; null when unpriced / not a cache hit |
 * | cache_hit | boolean | `cache_hit` |
 * | latency_ms | integer | `latency_ms` |
 * | user_id | text | `user`, else `metadata.user`, else `metadata.user_id` |
 * | tags | text[] | `tags` (`metadata.tags`) |
 * | metadata | jsonb | `metadata` (credential-like keys masked) |
 * | error_class, error_message | text | `error.class`, `error.message` |
 * | record | jsonb | the whole record, redacted as the call asked |
 * | key_hash, key_alias, team_id | text | `metadata.user_api_key_hash`, `metadata.key_alias`, `metadata.team_id` (the gateway's virtual key) |
 * | model_group, model_id | text | the router's group and deployment (`model_group`, `model_id`) |
 * | ttft_ms | integer | `time_to_first_token_ms` of a stream, rounded (null for a plain call) |
 * | call_type | text | `completion` or `embedding` |
 *
 * A text column holds strings only (a number or an object in the metadata is null there; the
 * user is the exception, a number written as one), of at most 256 characters (cut beyond), so
 * that a row always fits the indexes. A table made by an earlier version is given the columns
 * it lacks when the logger starts (null in its old rows).
 *
 * Indexes: `<table>_start_time_idx`, `<table>_model_idx`, `<table>_user_id_idx`, and the
 * dashboard's covering indexes on `start_time`: `<table>_charts_idx` (status, costs, cache hit,
 * tokens, latency, ttft, model, user) and `<table>_charts_key_idx` (key hash and alias, team,
 * cost), so that a range's charts are index-only scans, never reads of the wide `record`.
 *
 * The rollup: tables PostgreSQL keeps itself, by a statement-level trigger on the log
 * (`<table>_rollup()`, on INSERT, DELETE and TRUNCATE; an UPDATE is not followed), so that the
 * dashboard reads a month as a few thousand rows: `<table>_hour_total` (calls, errors, cache
 * hits, spend, saved, tokens per UTC hour), `<table>_hour_group` and `<table>_day_group` (calls,
 * spend and last call per hour or day and model, key, user or team), `<table>_hour_timing`
 * (latency and ttft histograms per hour: bins an eighth of an octave wide, each with its calls,
 * lowest and highest value). They are made, and filled from the rows already logged, when the
 * logger first starts on a table without them, while inserts wait (about a minute per million
 * rows; so is the first build of the covering indexes): on a large log, do it at a quiet time.
 * Dropping the log leaves them: `DROP TABLE <table>, <table>_hour_total, <table>_hour_group,
 * <table>_day_group, <table>_hour_timing; DROP FUNCTION <table>_rollup();`.
 *
 * ```sql
 * -- spend per model over the last day
 * SELECT model, count(*) AS calls, sum(response_cost) AS usd
 * FROM shallot_spend_log WHERE start_time > now() - interval '1 day'
 * GROUP BY model ORDER BY usd DESC NULLS LAST;
 * -- spend per user this month, and what the cache saved
 * SELECT user_id, sum(response_cost) AS usd, sum(saved_cost) AS saved
 * FROM shallot_spend_log WHERE start_time >= date_trunc('month', now()) GROUP BY user_id;
 * -- failures by class
 * SELECT error_class, count(*) FROM shallot_spend_log WHERE status = 'failure' GROUP BY 1;
 * ```
 */

import { type CallRecord, createSink, type Sink, SinkError } from '../../src/kit/index.js';
import { qualifiedName, type TableName } from './names.js';
import { resolveOptions } from './options.js';
import { OwnPool } from './own-pool.js';
import { createTableSql, dropTableSql, insertSql, rowOf } from './table.js';

/** What the logger needs of a pool: node-postgres's `Pool` (or `Client`) fits. */
export interface PostgresPool {
  /** Runs one statement with `$1`-style parameters. */
  query(text: string, values?: unknown[]): Promise<unknown>;
}

/** Options of {@link postgresLogger}: `connectionString` or `pool`, not both. */
export interface PostgresLoggerOptions {
  /** Where to log, as node-postgres reads it: `postgres://user:password@host:5432/database`. */
  connectionString?: string;
  /** A pool of your own instead (a `pg` Pool). The logger never ends it: you do. */
  pool?: PostgresPool;
  /** The table: lower-case letters, digits and underscores, at most 48. @default 'shallot_spend_log' */
  table?: string;
  /** The table's schema, which must exist. @default the connection's search_path (`public`) */
  schema?: string;
  /** Rows per INSERT: records wait until this many are in (or `maxWaitMs` passes). @default 100 */
  batchSize?: number;
  /** The longest a record waits for its batch to fill, in milliseconds. @default 1000 */
  maxWaitMs?: number;
  /** Create (or migrate) the table, its indexes and its rollup if missing, before the first insert. @default true */
  createTable?: boolean;
  /** How long to wait for a connection before the write fails, in milliseconds. @default 5000 */
  connectionTimeoutMs?: number;
}

/**
 * Logs every finished call (after its last chunk for streams) as one row of a PostgreSQL
 * table, so spend can be queried with SQL: batched multi-row parameterised INSERTs, off the
 * hot path, into a table created if missing and indexed by time, model and user. A row is the
 * call record (redacted as the call asks, no key in it) plus columns taken from it.
 *
 * A failed write (server down, wrong table) goes to the client's `onCallbackError`; calls
 * never fail. `pg` is loaded on the first write, and a pool made from `connectionString`
 * (one connection, which does not keep the process alive when idle) is ended by
 * `client.shutdown()`: if its `timeoutMs` passes while a statement still waits (on a locked
 * table, say), that connection is closed rather than waited on. A `pool` of your own is never
 * ended, and its statements are left to run.
 *
 * `pg` is not installed with shallot: with `connectionString` and no `pg` (`npm install pg`),
 * the factory throws a `ValidationError` that says so.
 *
 * @example
 * const client = createClient({
 *   middleware: [postgresLogger({ connectionString: process.env.DATABASE_URL })],
 * });
 * await client.completion({ model: 'gpt-4o-mini', messages, metadata: { user: 'ada' } });
 * await client.shutdown(); // writes what is left, then ends the pool
 * // SELECT model, sum(response_cost) FROM shallot_spend_log GROUP BY model;
 */
export function postgresLogger(options: PostgresLoggerOptions): Sink {
  const settings = resolveOptions(options);
  const name: TableName = { table: settings.table, schema: settings.schema };
  const target = qualifiedName(name);
  // A pool of the caller's is used as is; otherwise the logger makes (and ends) its own.
  const yours = settings.pool;
  const own = yours === undefined ? new OwnPool(settings) : undefined;
  let tableReady = !settings.createTable;
  const writeTo = async (connection: PostgresPool, records: CallRecord[]) => {
    if (!tableReady) {
      await connection.query(createTableSql(name));
      tableReady = true;
    }
    await connection.query(insertSql(name, records.length), records.flatMap(rowOf));
  };

  return createSink({
    name: 'postgresLogger',
    batchSize: settings.batchSize,
    maxWaitMs: settings.maxWaitMs,
    write: async (records) => {
      try {
        if (own) await own.run((connection) => writeTo(connection, records));
        else if (yours) await writeTo(yours, records);
      } catch (error) {
        throw new SinkError('sink_delivery', {
          sink: 'postgresLogger',
          message: `postgresLogger could not write ${records.length} call record(s) to ${target}: ${reasonOf(error)}`,
          cause: error,
        });
      }
    },
    close: ({ signal }) => own?.end(signal),
  });
}

/**
 * Drops a spend log with what its logger keeps beside it (the dashboard's rollup tables and
 * their trigger function): for tests and examples that make a table of their own. Names are
 * checked as `postgresLogger()` checks them.
 *
 * @example
 * await dropSpendLog(pool, { table: 'calls_test' });
 */
export async function dropSpendLog(
  pool: PostgresPool,
  name: { table?: string; schema?: string } = {},
): Promise<void> {
  const { table, schema } = resolveOptions({ connectionString: 'postgres://unused', ...name });
  await pool.query(dropTableSql({ table, schema }));
}

/** An error's message; Node's AggregateError (every address refused) has an empty one. */
function reasonOf(error: unknown): string {
  if (error instanceof AggregateError && error.message === '') {
    return error.errors.map(reasonOf).join('; ');
  }
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return error.message !== '' ? error.message : typeof code === 'string' ? code : error.name;
  }
  return String(error);
}

import { ValidationError } from '../../src/kit/index.js';
import type { PostgresLoggerOptions, PostgresPool } from './index.js';
import { COLUMN_COUNT } from './table.js';

/** The options with every default applied. */
export interface ResolvedOptions {
  connectionString: string | undefined;
  pool: PostgresPool | undefined;
  table: string;
  schema: string | undefined;
  batchSize: number;
  maxWaitMs: number;
  createTable: boolean;
  connectionTimeoutMs: number;
}

const FACTORY = 'postgresLogger options';
/** Lower-case, so that SQL written by hand needs no quotes. */
const PLAIN_IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
/** PostgreSQL cuts names at 63 bytes: `<table>_start_time_idx` must fit whole. */
const MAX_TABLE_LENGTH = 48;
const MAX_SCHEMA_LENGTH = 63;
/** One batch is one INSERT, and PostgreSQL allows 65,535 parameters per statement. */
export const MAX_BATCH_SIZE = Math.floor(65_535 / COLUMN_COUNT);

/** Checks {@link PostgresLoggerOptions} once, in the factory. @throws ValidationError */
export function resolveOptions(options: PostgresLoggerOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    fail('', 'an object such as { connectionString }', options);
  }
  const { connectionString, pool } = options;
  if (connectionString !== undefined && pool !== undefined) {
    throw ValidationError.forField(
      `${FACTORY}.pool`,
      'expected either connectionString or pool, received both.',
    );
  }
  if (pool === undefined && (typeof connectionString !== 'string' || connectionString === '')) {
    fail(
      'connectionString',
      "a PostgreSQL connection string such as 'postgres://user@127.0.0.1:5432/app' (or a pg Pool as options.pool)",
      connectionString,
    );
  }
  if (pool !== undefined && typeof pool?.query !== 'function') {
    fail('pool', 'a pg Pool (an object with query(text, values))', pool);
  }
  const resolved: ResolvedOptions = {
    connectionString,
    pool,
    table: options.table ?? 'shallot_spend_log',
    schema: options.schema,
    batchSize: options.batchSize ?? 100,
    maxWaitMs: options.maxWaitMs ?? 1000,
    createTable: options.createTable ?? true,
    connectionTimeoutMs: options.connectionTimeoutMs ?? 5000,
  };
  checkIdentifier('table', resolved.table, MAX_TABLE_LENGTH);
  if (resolved.schema !== undefined) checkIdentifier('schema', resolved.schema, MAX_SCHEMA_LENGTH);
  const { batchSize, maxWaitMs, connectionTimeoutMs } = resolved;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
    fail('batchSize', `a whole number from 1 to ${MAX_BATCH_SIZE}`, batchSize);
  }
  if (typeof maxWaitMs !== 'number' || !Number.isFinite(maxWaitMs) || maxWaitMs < 0) {
    fail('maxWaitMs', 'a number of milliseconds, 0 or more', maxWaitMs);
  }
  if (typeof resolved.createTable !== 'boolean') {
    fail('createTable', 'true or false', resolved.createTable);
  }
  if (!Number.isInteger(connectionTimeoutMs) || connectionTimeoutMs < 1) {
    fail('connectionTimeoutMs', 'a whole number of milliseconds, 1 or more', connectionTimeoutMs);
  }
  return resolved;
}

function checkIdentifier(field: string, value: unknown, maxLength: number): void {
  if (typeof value !== 'string' || !PLAIN_IDENTIFIER.test(value) || value.length > maxLength) {
    fail(
      field,
      `a plain SQL identifier (lower-case letters, digits and underscores, not starting with a digit, at most ${maxLength} characters)`,
      value,
    );
  }
}

function fail(field: string, expected: string, received: unknown): never {
  const path = field === '' ? FACTORY : `${FACTORY}.${field}`;
  throw ValidationError.forField(path, `expected ${expected}, received ${describe(received)}.`);
}

/** The received value, short; never a connection string's text, which may hold a password. */
function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return value.length <= 60 ? JSON.stringify(value) : 'a long string';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'function') return 'a function';
  return `${typeof value} ${String(value)}`;
}

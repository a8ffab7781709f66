import {
  qualifiedName,
  type RollupNames,
  rollupNamesOf,
} from '../../../middleware/postgres-logger/names.js';
import { optionError } from '../../../src/kit/index.js';

/** What the dashboard needs of a pool: node-postgres's `Pool` fits (queries run side by side on it). */
export interface DashboardPool {
  /** Runs one statement with `$1`-style parameters. */
  query(text: string, values?: unknown[]): Promise<unknown>;
}

/** Where the virtual keys live, for the budgets of the top keys. */
export interface KeysTableName {
  /** @default 'shallot_keys' */
  table?: string;
  /** @default the connection's search_path */
  schema?: string;
}

/** The spend log that {@link queryDashboard} reads: postgresLogger's table, on a pool of yours. */
export interface SpendLogSource {
  pool: DashboardPool;
  /** The spend log's table, as postgresLogger was given it. @default 'shallot_spend_log' */
  table?: string;
  /** Its schema. @default the connection's search_path */
  schema?: string;
  /** The virtual keys' table (`KeyStore`), for the top keys' budgets: null budgets without it. */
  keys?: KeysTableName;
  /**
   * Ranges of whole hours with at most this many calls have exact percentiles (read from every
   * call); above, they are read from the rollup's histograms (see the module's notes).
   * @default 50000
   */
  exactPercentilesUpTo?: number;
}

/** A source checked, with its names quoted. */
export interface ResolvedSource {
  pool: DashboardPool;
  /** The spend log, qualified. */
  log: string;
  rollup: RollupNames;
  /** The keys table, qualified; undefined without one. */
  keys: string | undefined;
  exactPercentilesUpTo: number;
}

const FACTORY = 'queryDashboard';
/** As postgresLogger and KeyStore check them: SQL written by hand needs no quotes. */
const PLAIN_IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
const MAX_TABLE_LENGTH = 48;
const MAX_SCHEMA_LENGTH = 63;

/** Checks a {@link SpendLogSource}. @throws ValidationError naming the bad field */
export function resolveSource(source: SpendLogSource): ResolvedSource {
  if (typeof source !== 'object' || source === null) {
    throw optionError(FACTORY, 'source', 'an object such as { pool }', source);
  }
  if (typeof source.pool?.query !== 'function') {
    throw optionError(
      FACTORY,
      'pool',
      'a pg Pool (an object with query(text, values))',
      source.pool,
    );
  }
  const table = identifier('table', source.table ?? 'shallot_spend_log', MAX_TABLE_LENGTH);
  const schema = optionalIdentifier('schema', source.schema);
  const limit = source.exactPercentilesUpTo ?? 50_000;
  if (!Number.isSafeInteger(limit) || limit < 0) {
    throw optionError(FACTORY, 'exactPercentilesUpTo', 'a whole number of calls, 0 or more', limit);
  }
  const log = { table, schema };
  return {
    pool: source.pool,
    log: qualifiedName(log),
    rollup: rollupNamesOf(log),
    keys: source.keys === undefined ? undefined : keysTableOf(source.keys),
    exactPercentilesUpTo: limit,
  };
}

function keysTableOf(keys: KeysTableName): string {
  if (typeof keys !== 'object' || keys === null) {
    throw optionError(FACTORY, 'keys', 'an object such as { table }', keys);
  }
  return qualifiedName({
    table: identifier('keys.table', keys.table ?? 'shallot_keys', MAX_TABLE_LENGTH),
    schema: optionalIdentifier('keys.schema', keys.schema),
  });
}

function optionalIdentifier(field: string, value: unknown): string | undefined {
  return value === undefined ? undefined : identifier(field, value, MAX_SCHEMA_LENGTH);
}

function identifier(field: string, value: unknown, maxLength: number): string {
  if (typeof value !== 'string' || !PLAIN_IDENTIFIER.test(value) || value.length > maxLength) {
    throw optionError(
      FACTORY,
      field,
      `a plain SQL identifier (lower-case letters, digits and underscores, not starting with a digit, at most ${maxLength} characters)`,
      value,
    );
  }
  return value;
}

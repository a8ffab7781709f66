import { describeValue, optionError, ValidationError } from '../../src/kit/index.js';

/** What the key store needs of a pool: node-postgres's `Pool` fits. */
export interface KeyStorePool {
  /** Runs one statement (or, without values, several) with `$1`-style parameters. */
  query(text: string, values?: unknown[]): Promise<unknown>;
}

/** Options of {@link KeyStore}: `connectionString` or `pool`, not both. */
export interface KeyStoreOptions {
  /** Where the keys live, as node-postgres reads it: `postgres://user:password@host:5432/database`. */
  connectionString?: string;
  /** A pool of your own instead (a `pg` Pool). The store never ends it: you do. */
  pool?: KeyStorePool;
  /** The table: lower-case letters, digits and underscores, at most 48. @default 'shallot_keys' */
  table?: string;
  /** The table's schema, which must exist. @default the connection's search_path (`public`) */
  schema?: string;
  /**
   * How long a key looked up stays in this process's memory, in milliseconds: a key revoked
   * or changed elsewhere is seen by this process within it. 0 looks every request up.
   * @default 5000
   */
  cacheTtlMs?: number;
  /** The most keys remembered at once (the oldest go first). @default 10000 */
  maxCachedKeys?: number;
  /** How long to wait for a connection, in milliseconds (the store's own pool). @default 5000 */
  connectionTimeoutMs?: number;
}

/** The options with every default applied. */
export interface ResolvedStoreOptions {
  connectionString: string | undefined;
  pool: KeyStorePool | undefined;
  table: string;
  schema: string | undefined;
  cacheTtlMs: number;
  maxCachedKeys: number;
  connectionTimeoutMs: number;
}

const PLAIN_IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
/** PostgreSQL cuts names at 63 bytes: `<table>_schema` and `<table>_team_id_idx` must fit whole. */
const MAX_TABLE_LENGTH = 48;

/** Checks {@link KeyStoreOptions} once, when the store is made. @throws ValidationError */
export function resolveStoreOptions(
  factory: string,
  options: KeyStoreOptions,
): ResolvedStoreOptions {
  if (options === null || typeof options !== 'object') {
    throw ValidationError.forField(
      `${factory} options`,
      `expected an object such as { connectionString }, received ${describeValue(options)}.`,
    );
  }
  const { connectionString, pool } = options;
  if (connectionString !== undefined && pool !== undefined) {
    throw ValidationError.forField(
      `${factory} options.pool`,
      'expected either connectionString or pool, received both.',
    );
  }
  if (pool === undefined && (typeof connectionString !== 'string' || connectionString === '')) {
    throw optionError(
      factory,
      'connectionString',
      "a PostgreSQL connection string such as 'postgres://user@127.0.0.1:5432/app' (or a pg Pool as options.pool)",
      connectionString,
    );
  }
  if (pool !== undefined && typeof pool?.query !== 'function') {
    throw optionError(factory, 'pool', 'a pg Pool (an object with query(text, values))', pool);
  }
  const table = options.table ?? 'shallot_keys';
  if (
    typeof table !== 'string' ||
    !PLAIN_IDENTIFIER.test(table) ||
    table.length > MAX_TABLE_LENGTH
  ) {
    throw optionError(factory, 'table', identifierText(MAX_TABLE_LENGTH), table);
  }
  const schema = options.schema;
  if (
    schema !== undefined &&
    (typeof schema !== 'string' || !PLAIN_IDENTIFIER.test(schema) || schema.length > 63)
  ) {
    throw optionError(factory, 'schema', identifierText(63), schema);
  }
  return {
    connectionString,
    pool,
    table,
    schema,
    cacheTtlMs: whole(factory, 'cacheTtlMs', options.cacheTtlMs, 5000, 0),
    maxCachedKeys: whole(factory, 'maxCachedKeys', options.maxCachedKeys, 10_000, 1),
    connectionTimeoutMs: whole(
      factory,
      'connectionTimeoutMs',
      options.connectionTimeoutMs,
      5000,
      1,
    ),
  };
}

function identifierText(maxLength: number): string {
  return `a plain SQL identifier (lower-case letters, digits and underscores, not starting with a digit, at most ${maxLength} characters)`;
}

function whole(
  factory: string,
  name: string,
  value: unknown,
  fallback: number,
  min: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= min) return value;
  throw optionError(factory, name, `a whole number from ${min}`, value);
}

/** The keys table's SQL: its migrations and every statement the key store runs. */

/** The schema version this code writes and reads; a database at a later one is refused. */
export const SCHEMA_VERSION = 1;

/** Where the keys live: a plain identifier each (checked by the options), quoted here. */
export interface KeyTableName {
  table: string;
  schema: string | undefined;
}

/**
 * A key's settings: it is made with them, and `/key/update` sets them directly. The column lists
 * below share them in this order (`metadata`, one too, stands later in each).
 */
const SETTINGS = [
  'key_alias',
  'user_id',
  'team_id',
  'models',
  'rpm_limit',
  'tpm_limit',
  'max_parallel_requests',
  'max_budget',
] as const;

/** The columns a key's row is read with: its hash, never a key. */
export const COLUMNS = [
  'key_hash',
  'key_name',
  ...SETTINGS,
  'budget_duration',
  'budget_reset_at',
  'spend',
  'metadata',
  'created_at',
  'updated_at',
  'expires',
  'revoked_at',
] as const;

const SELECTED = COLUMNS.join(', ');
/** A budget_duration as an interval: LiteLLM's `1mo` is PostgreSQL's `1mon`. */
const PERIOD = `regexp_replace(budget_duration, 'mo$', 'mon')::interval`;

const quote = (identifier: string) => `"${identifier}"`;
const qualified = ({ schema }: KeyTableName, table: string) =>
  schema === undefined ? quote(table) : `${quote(schema)}.${quote(table)}`;

/**
 * The migrations, as one multi-statement query (one implicit transaction): an advisory lock,
 * so that processes starting together migrate one after the other; the version table; each
 * version's statements once; then the version the database is at.
 */
export function migrationSql(name: KeyTableName): string {
  const table = qualified(name, name.table);
  const versions = qualified(name, `${name.table}_schema`);
  return `SELECT pg_advisory_xact_lock(hashtext('shallot keys ${table}'));
CREATE TABLE IF NOT EXISTS ${versions} (
  version integer PRIMARY KEY,
  applied_at timestamptz NOT NULL DEFAULT now()
);
DO $migrate$
DECLARE at_version integer;
BEGIN
  SELECT coalesce(max(version), 0) INTO at_version FROM ${versions};
  IF at_version < 1 THEN
    CREATE TABLE ${table} (
      key_hash text PRIMARY KEY CHECK (key_hash ~ '^[0-9a-f]{64}$'),
      key_name text NOT NULL,
      key_alias text,
      user_id text,
      team_id text,
      models text[] NOT NULL DEFAULT '{}',
      rpm_limit integer,
      tpm_limit integer,
      max_parallel_requests integer,
      max_budget numeric(20,10),
      budget_duration text,
      budget_reset_at timestamptz,
      spend numeric(20,10) NOT NULL DEFAULT 0,
      metadata jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      expires timestamptz,
      revoked_at timestamptz
    );
    CREATE INDEX ${quote(`${name.table}_user_id_idx`)} ON ${table} (user_id);
    CREATE INDEX ${quote(`${name.table}_team_id_idx`)} ON ${table} (team_id);
    INSERT INTO ${versions} (version) VALUES (1);
  END IF;
END
$migrate$;
SELECT max(version) AS version FROM ${versions}`;
}

/**
 * One key's row by its hash ($1). A budget period that has ended is reset on the way (spend 0,
 * the next reset one budget_duration away), so that readers never see last period's spend.
 */
export function selectSql(name: KeyTableName): string {
  const table = qualified(name, name.table);
  return `WITH reset AS (
  UPDATE ${table} SET spend = 0, budget_reset_at = now() + ${PERIOD}
  WHERE key_hash = $1 AND budget_reset_at <= now()
  RETURNING ${SELECTED}
)
SELECT ${SELECTED} FROM reset
UNION ALL
SELECT ${SELECTED} FROM ${table} WHERE key_hash = $1 AND NOT EXISTS (SELECT 1 FROM reset)`;
}

/** The fields a new key is inserted with, in parameter order; then the budget's and the key's intervals. */
export const INSERTED = [
  'key_hash',
  'key_name',
  ...SETTINGS,
  'budget_duration',
  'metadata',
] as const;

/** A new key's row; `$13` the budget's interval and `$14` the key's lifetime (null for none). */
export function insertSql(name: KeyTableName): string {
  const columns = [...INSERTED, 'budget_reset_at', 'expires'].join(', ');
  const values = INSERTED.map((_, index) => `$${index + 1}`).join(', ');
  return `INSERT INTO ${qualified(name, name.table)} (${columns})
VALUES (${values}, now() + $13::interval, now() + $14::interval)
RETURNING ${SELECTED}`;
}

/** The columns `/key/update` may set directly. */
export const UPDATABLE = [...SETTINGS, 'metadata'] as const;
export type UpdatableColumn = (typeof UPDATABLE)[number];

/**
 * An update of a live key ($1, its hash): `set` are SQL assignments written by the store from
 * known column names, their values parameters from $2 on.
 */
export function updateSql(name: KeyTableName, set: readonly string[]): string {
  return `UPDATE ${qualified(name, name.table)} SET ${[...set, 'updated_at = now()'].join(', ')}
WHERE key_hash = $1 AND revoked_at IS NULL
RETURNING ${SELECTED}`;
}

/**
 * The live keys (not revoked), newest first, at most $1. A key whose budget period ended shows
 * the spend it had; its next lookup resets it.
 */
export function listSql(name: KeyTableName): string {
  return `SELECT ${SELECTED} FROM ${qualified(name, name.table)}
WHERE revoked_at IS NULL
ORDER BY created_at DESC, key_hash
LIMIT $1`;
}

/** Revokes the keys whose hashes are in $1 (a key revoked twice keeps its first time). */
export function revokeSql(name: KeyTableName): string {
  return `UPDATE ${qualified(name, name.table)}
SET revoked_at = coalesce(revoked_at, now()), updated_at = now()
WHERE key_hash = ANY($1::text[])
RETURNING key_hash`;
}

/**
 * Adds $2 dollars to the spend of key $1 in one statement, so that concurrent calls (in any
 * process) all count; a budget period that has ended starts again with this call's cost.
 */
export function addSpendSql(name: KeyTableName): string {
  const due = 'budget_reset_at <= now()';
  return `UPDATE ${qualified(name, name.table)} SET
  spend = CASE WHEN ${due} THEN 0 ELSE spend END + $2::numeric,
  budget_reset_at = CASE WHEN ${due} THEN now() + ${PERIOD} ELSE budget_reset_at END
WHERE key_hash = $1
RETURNING spend, budget_reset_at`;
}

import {
  assertInstalled,
  importOptional,
  type OptionalPackage,
  ServiceUnavailableError,
} from '../../src/kit/index.js';
import type { KeyStorePool } from './options.js';

/** node-postgres, an optional peer dependency: `npm install pg`. */
const PG: OptionalPackage = { name: 'pg', neededBy: 'createKeyAuth' };
const ignore = () => {};

/** A pool the store opened itself: queried, then ended by `end()`. */
export interface OwnPool extends KeyStorePool {
  end(): Promise<void>;
}

/** Throws at construction when `pg` is missing, rather than at the first request. */
export function assertPgInstalled(): void {
  assertInstalled(PG);
}

/**
 * The store's own pool: a few connections (lookups of different keys run side by side), which
 * do not keep the process alive when idle; a connection that drops is discarded, and the next
 * query reconnects.
 */
export async function openPool(
  connectionString: string | undefined,
  connectionTimeoutMs: number,
): Promise<OwnPool> {
  const { Pool } = await importOptional(PG, () => import('pg'));
  const pool = new Pool({
    connectionString,
    max: 4,
    connectionTimeoutMillis: connectionTimeoutMs,
    allowExitOnIdle: true,
  });
  // Unheard, the error event of an idle connection the server drops would crash the process.
  pool.on('error', ignore);
  return pool;
}

/** The rows of a query's result; of its last statement for several. */
export function rowsOf(result: unknown): unknown[] {
  const last = Array.isArray(result) ? result.at(-1) : result;
  const rows = (last as { rows?: unknown } | undefined)?.rows;
  return Array.isArray(rows) ? rows : [];
}

/** A failure of the database, as the store throws it: what it was doing, on which table, why. */
export function storeError(doing: string, table: string, cause: unknown): ServiceUnavailableError {
  const reason = cause instanceof Error && cause.message !== '' ? cause.message : String(cause);
  return new ServiceUnavailableError({
    message: `the key store could not ${doing} (table ${table}): ${reason}`,
    cause,
  });
}

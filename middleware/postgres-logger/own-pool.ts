import type { Pool, PoolClient } from 'pg';
import { assertInstalled, importOptional, type OptionalPackage } from '../../src/kit/index.js';
import type { PostgresPool } from './index.js';

/** How the logger makes its pool. */
export interface OwnPoolSettings {
  connectionString: string | undefined;
  /** How long to wait for a connection, in milliseconds. */
  connectionTimeoutMs: number;
}

/** One pool the logger opened, and the connection a write holds, if any. */
interface Opened {
  pool: Pool;
  busy: PoolClient | undefined;
  /** Set when a close ran out of time: the write under way fails, and its connection goes. */
  cut: boolean;
}

const CUT =
  'client.shutdown() reached its timeoutMs before the statement finished, so its connection was closed (PostgreSQL may still complete the statement once it is unblocked)';
const ignore = () => {};
/** node-postgres, an optional peer dependency: `npm install pg`. */
const PG: OptionalPackage = { name: 'pg', neededBy: 'postgresLogger' };

/**
 * The pool postgresLogger makes from `connectionString`: one connection (writes never
 * overlap), which does not keep the process alive when idle. A write checks the connection
 * out, so that a close whose deadline passes can cut a statement that waits (on a locked
 * table, say) instead of waiting with it. `pg` is loaded on the first write; that it is
 * installed is checked when the pool is made, so a missing `pg` fails the factory.
 */
export class OwnPool {
  readonly #settings: OwnPoolSettings;
  #opened: Opened | undefined;

  constructor(settings: OwnPoolSettings) {
    assertInstalled(PG);
    this.#settings = settings;
  }

  /** Runs `work` on the pool's connection, opening the pool first when needed. */
  async run(work: (connection: PostgresPool) => Promise<void>): Promise<void> {
    const opened = await this.#open();
    const connection = await opened.pool.connect();
    // Unheard, the error event of a connection the server drops would crash the process.
    connection.on('error', ignore);
    opened.busy = connection;
    try {
      if (opened.cut) throw new Error(CUT);
      await work(connection);
    } catch (error) {
      throw opened.cut ? new Error(CUT, { cause: error }) : error;
    } finally {
      opened.busy = undefined;
      connection.off('error', ignore);
      connection.release(opened.cut);
    }
  }

  /**
   * Ends the pool once the write under way is done; when `signal` aborts first, closes that
   * write's connection instead of waiting. A later write opens a new pool.
   */
  async end(signal: AbortSignal): Promise<void> {
    const opened = this.#opened;
    this.#opened = undefined;
    if (opened === undefined) return;
    const cut = () => {
      opened.cut = true;
      // pg's end() destroys the socket of a connection whose statement is still running.
      opened.busy?.end().catch(ignore);
    };
    if (signal.aborted) cut();
    else signal.addEventListener('abort', cut, { once: true });
    try {
      await opened.pool.end();
    } finally {
      signal.removeEventListener('abort', cut);
    }
  }

  async #open(): Promise<Opened> {
    if (this.#opened !== undefined) return this.#opened;
    const { Pool } = await importOptional(PG, () => import('pg'));
    if (this.#opened !== undefined) return this.#opened;
    const pool = new Pool({
      connectionString: this.#settings.connectionString,
      max: 1,
      connectionTimeoutMillis: this.#settings.connectionTimeoutMs,
      allowExitOnIdle: true,
    });
    // An idle connection that drops is discarded by the pool; the next write reconnects, and
    // reports the failure if the server is really gone. Unhandled, the event would crash.
    pool.on('error', ignore);
    this.#opened = { pool, busy: undefined, cut: false };
    return this.#opened;
  }
}

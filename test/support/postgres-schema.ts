/**
 * PostgreSQL schemas of this run's own, for code that takes only a connection string (a
 * gateway's `general_settings.database_url`): its tables are created under their default
 * names, in the schema the connection's `search_path` names.
 */
import pg from 'pg';
import { afterAll } from 'vitest';
import { POSTGRES_URL, testTableName } from './postgres.js';

/** A schema of this run's own. */
export interface TestSchema {
  /** `shallot_<purpose>_<pid>_<random>`. */
  name: string;
  /** POSTGRES_URL with `search_path` set to the schema: unqualified tables go there. */
  url: string;
  /** A client of POSTGRES_URL, connected, for the test to read what was written (closed after the file's tests). */
  admin(): Promise<pg.Client>;
}

/**
 * For the tests of a file (inside `describeWithPostgres`): a function that creates a fresh
 * schema named after `purpose`; every schema made is dropped, with its tables, after the
 * file's tests.
 *
 * @example
 * const testSchema = useTestSchemas();
 * const { url } = await testSchema('keys'); // pass as database_url
 */
export function useTestSchemas(): (purpose: string) => Promise<TestSchema> {
  const made: string[] = [];
  const clients: pg.Client[] = [];
  const connected = async () => {
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    clients.push(client);
    await client.connect();
    return client;
  };
  afterAll(async () => {
    if (made.length > 0) {
      const client = await connected();
      for (const name of made) await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
    }
    for (const client of clients.splice(0)) await client.end().catch(() => {});
  });
  return async (purpose) => {
    const name = testTableName(purpose);
    const client = await connected();
    await client.query(`CREATE SCHEMA "${name}"`);
    made.push(name);
    const separator = POSTGRES_URL.includes('?') ? '&' : '?';
    return {
      name,
      url: `${POSTGRES_URL}${separator}options=${encodeURIComponent(`-c search_path=${name}`)}`,
      admin: connected,
    };
  };
}

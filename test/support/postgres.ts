import pg from 'pg';

/** Where the PostgreSQL tests connect: `DATABASE_URL`, else the machine's server on 127.0.0.1:5432. */
export const POSTGRES_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** True when PostgreSQL answers `SELECT 1` at `url` within a second. */
export async function postgresIsUp(url = POSTGRES_URL): Promise<boolean> {
  const probe = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  probe.on('error', () => {});
  try {
    await probe.connect();
    await probe.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await probe.end().catch(() => {});
  }
}

/** Says, once, why the PostgreSQL tests are skipped (without any password in the URL). */
export function explainPostgresSkip(up: boolean, what: string, url = POSTGRES_URL): void {
  if (up) return;
  console.warn(
    `[shallot tests] PostgreSQL is not reachable at ${url.replace(/\/\/[^@/]*@/, '//')}: skipping ${what}. Start PostgreSQL on 127.0.0.1:5432 (or set DATABASE_URL) to run them.`,
  );
}

/**
 * The one way a test reaches PostgreSQL: where it is, whether it answers, what a test does
 * when it does not (skips, with a message, on a laptop; fails under CI), and table names of
 * this run's own.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { serviceGate } from './services.js';

const env = process.env;

/**
 * Where the PostgreSQL tests connect: `SHALLOT_TEST_DATABASE_URL`, else `DATABASE_URL`, else
 * the machine's server on 127.0.0.1:5432.
 */
export const POSTGRES_URL =
  env.SHALLOT_TEST_DATABASE_URL ?? env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** POSTGRES_URL without its password, for messages. */
const POSTGRES_WHERE = POSTGRES_URL.replace(/\/\/[^@/]*@/, '//');

/** A table name of this run's own, for `purpose`: `shallot_<purpose>_<pid>_<random>`. */
export function testTableName(purpose: string): string {
  return `shallot_${purpose}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** True when PostgreSQL answers `SELECT 1` at `url` within a few seconds. */
export async function postgresIsUp(url = POSTGRES_URL): Promise<boolean> {
  const probe = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
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

/** Whether PostgreSQL answered when this test file started. */
export const postgresUp = await postgresIsUp();
const gate = serviceGate(
  'PostgreSQL',
  postgresUp,
  `PostgreSQL is not reachable at ${POSTGRES_WHERE}`,
  'Start PostgreSQL (.ci/run does), or set SHALLOT_TEST_DATABASE_URL.',
);

/**
 * A `describe` whose tests need PostgreSQL: they run when it answers, are skipped with a
 * warning when it does not, and fail when it does not and `CI` is set.
 */
export const describeWithPostgres = gate.describeWith;

/** An `it` that needs PostgreSQL: runs when it answers, else skips with a note, or fails under CI. */
export const itWithPostgres = gate.itWith;

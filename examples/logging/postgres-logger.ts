/**
 * postgresLogger(): every call becomes one row of a PostgreSQL table (created if missing,
 * indexed by time, model and user), so spend is a SQL query away. This example logs a few
 * calls into a table of its own, prints spend by model and by user from SQL, then drops the
 * table. It needs PostgreSQL: DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createClient, RateLimitError } from 'shallot';
import { dropSpendLog, postgresLogger } from 'shallot/middleware/postgres-logger';

const connectionString = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
// A name of its own, so that the example never touches a real spend log.
const table = `shallot_spend_example_${randomBytes(4).toString('hex')}`;
const client = createClient({ middleware: [postgresLogger({ connectionString, table })] });
const ask = (content: string) => [{ role: 'user' as const, content }];
const sql = new pg.Pool({ connectionString });

try {
  await client.completion({
    model: 'gpt-4o-mini',
    messages: ask('What is a shallot?'),
    mockResponse: 'A small, mild onion.',
    metadata: { user: 'ada', tags: ['botany'] },
  });
  await client.completion({
    model: 'gpt-4o',
    messages: ask('Why do onions have layers?'),
    mockResponse: 'Each layer is the base of a leaf, storing food for the bulb.',
    user: 'bob',
  });
  const stream = await client.completion({
    model: 'gpt-4o-mini',
    messages: ask('Count to three.'),
    stream: true,
    mockResponse: 'One, two, three.',
    metadata: { user: 'ada' },
  });
  for await (const _chunk of stream) {
    // reading to the end: the row is written after the last chunk
  }
  await client
    .completion({
      model: 'gpt-4o',
      messages: ask('Too many questions.'),
      mockResponse: new RateLimitError({ message: 'slow down', status: 429 }),
      metadata: { user: 'bob' },
    })
    .catch(() => {});
  // Rows wait for a batch of 100 or for a second: flush() writes them now.
  await client.flush();

  console.log('spend by model:');
  const byModel = await sql.query(
    `SELECT model, count(*)::int AS calls, coalesce(sum(response_cost), 0)::float8 AS usd
     FROM ${table} GROUP BY model ORDER BY model`,
  );
  for (const row of byModel.rows) {
    console.log(`  ${row.model.padEnd(12)} ${row.calls} calls  $${row.usd.toFixed(6)}`);
  }
  console.log('spend by user:');
  const byUser = await sql.query(
    `SELECT user_id, coalesce(sum(response_cost), 0)::float8 AS usd,
       count(*) FILTER (WHERE status = 'failure')::int AS failures
     FROM ${table} GROUP BY user_id ORDER BY user_id`,
  );
  for (const row of byUser.rows) {
    console.log(`  ${row.user_id.padEnd(12)} $${row.usd.toFixed(6)}  ${row.failures} failed`);
  }
  const summary = await sql.query(
    `SELECT count(*) FILTER (WHERE stream)::int AS streamed,
       string_agg(error_class, ', ') AS errors,
       count(*) FILTER (WHERE 'botany' = ANY (tags))::int AS botany
     FROM ${table}`,
  );
  const { streamed, errors, botany } = summary.rows[0];
  console.log(`streamed: ${streamed}, errors: ${errors}, tagged botany: ${botany}`);
} finally {
  await dropSpendLog(sql, { table }); // the table, and the dashboard's rollup beside it
  await sql.end();
  await client.shutdown(); // ends the logger's own pool
}

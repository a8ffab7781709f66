import { randomBytes } from 'node:crypto';
import pg from 'pg';
import {
  Cache,
  type CallbackErrorInfo,
  type CallbackKwargs,
  type CallRecord,
  type ClientOptions,
  type CompletionParams,
  createClient,
  isValidationError,
  RateLimitError,
} from 'shallot';
import { type PostgresLoggerOptions, postgresLogger } from 'shallot/middleware/postgres-logger';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { unusedPort } from '../../support/local-server.js';
import { describeWithPostgres, POSTGRES_URL, postgresUp } from '../../support/postgres.js';
import { collect } from '../../support/streams.js';

const CONNECTION = POSTGRES_URL;
const KEY = 'sk-pg-logger-0123456789abcdef';
const messages = [{ role: 'user' as const, content: 'What is the weather in Lyon?' }];
// gpt-4o-mini: $0.15/M input tokens, $0.60/M output tokens
const GPT_4O_MINI = { input: 0.15e-6, output: 0.6e-6 };

/** Tables of this run, dropped at the end: no two runs share one. */
const RUN = `shallot_spend_test_${randomBytes(4).toString('hex')}`;
const tables: string[] = [];
const newTable = () => {
  const table = `${RUN}_${tables.length}`;
  tables.push(table);
  return table;
};

let admin: pg.Pool;
beforeAll(() => {
  if (postgresUp) admin = new pg.Pool({ connectionString: CONNECTION });
});
afterAll(async () => {
  if (!postgresUp) return;
  for (const table of tables) await admin.query(dropSql(table));
  await admin.end();
});

const ROLLUP_TABLES = ['hour_total', 'hour_group', 'day_group', 'hour_timing'];
/** Drops a spend log with its rollup (tables and trigger function), which dropping it leaves. */
const dropSql = (table: string) =>
  `DROP TABLE IF EXISTS "${table}", ${ROLLUP_TABLES.map((suffix) => `"${table}_${suffix}"`).join(', ')}; DROP FUNCTION IF EXISTS "${table}_rollup"()`;
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

interface Reported {
  error: unknown;
  info: CallbackErrorInfo;
}

/** The message of a reported error; '' when there is none. */
const messageOf = (reported: Reported | undefined) =>
  reported?.error instanceof Error ? reported.error.message : '';

/** A client logging into a fresh table, keeping its records and its sink errors. */
function loggedClient(
  options: Partial<PostgresLoggerOptions> = {},
  clientOptions: ClientOptions = {},
) {
  const table = options.table ?? newTable();
  const logger = postgresLogger(
    options.pool ? { table, ...options } : { connectionString: CONNECTION, table, ...options },
  );
  const reported: Reported[] = [];
  const client = createClient({
    ...clientOptions,
    middleware: [logger],
    onCallbackError: (error, info) => reported.push({ error, info }),
  });
  const records: CallRecord[] = [];
  const keep = (kwargs: CallbackKwargs) => {
    if (kwargs.standard_logging_object) records.push(kwargs.standard_logging_object);
  };
  client.successCallback = [keep];
  client.failureCallback = [keep];
  const base = { model: 'gpt-4o-mini', messages, mockResponse: 'Sunny.' };
  const call = (params: Partial<CompletionParams> = {}) =>
    client.completion({ ...base, ...params, stream: false });
  const streamCall = (params: Partial<CompletionParams> = {}) =>
    client.completion({ ...base, ...params, stream: true });
  return { client, logger, table, reported, records, call, streamCall };
}

/** Every row of a table; none when the table does not exist (yet). */
async function rowsOf(table: string): Promise<Array<Record<string, unknown>>> {
  const exists = await admin.query('SELECT to_regclass($1) AS name', [`"${table}"`]);
  if (exists.rows[0].name === null) return [];
  return (await admin.query(`SELECT * FROM "${table}"`)).rows;
}

/** The rows of these calls, in the order the calls ended (timestamps can tie). */
async function rowsInCallOrder(table: string, records: CallRecord[]) {
  const rows = await rowsOf(table);
  expect(rows).toHaveLength(records.length);
  return records.map((record) => {
    const row = rows.find((candidate) => candidate.id === record.id);
    if (row === undefined) throw new Error(`no row for call ${record.id}`);
    return row;
  });
}

describe('postgresLogger options', () => {
  const invalid: Array<[string, unknown, RegExp]> = [
    ['no destination', {}, /options\.connectionString: expected a PostgreSQL connection string/],
    ['an empty connection string', { connectionString: '' }, /received ""/],
    [
      'both a connection string and a pool',
      { connectionString: CONNECTION, pool: { query: async () => ({}) } },
      /options\.pool: expected either connectionString or pool, received both/,
    ],
    ['a pool without query()', { pool: {} }, /options\.pool: expected a pg Pool/],
    [
      'a table name that is not a plain identifier',
      { connectionString: CONNECTION, table: 'spend; DROP TABLE users' },
      /options\.table: expected a plain SQL identifier .*received "spend; DROP TABLE users"/,
    ],
    [
      'an upper-case table name',
      { connectionString: CONNECTION, table: 'Spend' },
      /options\.table/,
    ],
    [
      'a table name too long for its index names',
      { connectionString: CONNECTION, table: 'a'.repeat(49) },
      /options\.table: .*at most 48 characters/,
    ],
    ['a bad schema', { connectionString: CONNECTION, schema: 'a.b' }, /options\.schema/],
    [
      'a batch of 0',
      { connectionString: CONNECTION, batchSize: 0 },
      /options\.batchSize: expected a whole number from 1 to 2114, received number 0/,
    ],
    [
      'a batch too big for one INSERT',
      { connectionString: CONNECTION, batchSize: 5000 },
      /options\.batchSize/,
    ],
    ['a negative wait', { connectionString: CONNECTION, maxWaitMs: -1 }, /options\.maxWaitMs/],
    [
      'createTable as a string',
      { connectionString: CONNECTION, createTable: 'yes' },
      /options\.createTable: expected true or false, received "yes"/,
    ],
  ];
  it.each(invalid)('rejects %s at construction, naming the option', (_case, options, message) => {
    let thrown: unknown;
    try {
      postgresLogger(options as PostgresLoggerOptions);
    } catch (error) {
      thrown = error;
    }
    expect(isValidationError(thrown)).toBe(true);
    expect((thrown as Error).message).toMatch(message);
  });

  it('never repeats a connection string in its errors', () => {
    const options = { connectionString: 'postgres://u:hunter2@127.0.0.1/db', batchSize: -1 };
    expect(() => postgresLogger(options)).toThrow(/batchSize/);
    expect(() => postgresLogger(options)).not.toThrow(/hunter2/);
  });

  it('does not change the options object it was given', () => {
    const options = Object.freeze({ connectionString: CONNECTION });
    expect(postgresLogger(options).name).toBe('postgresLogger');
    expect(options).toEqual({ connectionString: CONNECTION });
  });
});

describeWithPostgres('postgresLogger against PostgreSQL', () => {
  it('creates the missing table with its indexes, and logs a plain call as one row', async () => {
    const { client, table, records, call, reported } = loggedClient();
    await admin.query(dropSql(table));
    await call({ metadata: { user: 'ada', tags: ['weather', 'eu'] } });
    await client.shutdown();
    expect(reported).toEqual([]);
    const rows = await rowsOf(table);
    expect(rows).toHaveLength(1);
    const record = records[0] as CallRecord;
    const usage = record.usage as NonNullable<CallRecord['usage']>;
    expect(usage.prompt_tokens).toBeGreaterThan(0);
    expect(rows[0]).toMatchObject({
      id: record.id,
      trace_id: record.trace_id,
      status: 'success',
      model: 'gpt-4o-mini',
      provider: 'openai',
      provider_model: 'gpt-4o-mini',
      stream: false,
      prompt_tokens: usage.prompt_tokens,
      completion_tokens: usage.completion_tokens,
      total_tokens: usage.prompt_tokens + usage.completion_tokens,
      cached_tokens: 0,
      reasoning_tokens: 0,
      saved_cost: null,
      cache_hit: false,
      user_id: 'ada',
      tags: ['weather', 'eu'],
      metadata: { user: 'ada', tags: ['weather', 'eu'] },
      error_class: null,
      error_message: null,
      record,
    });
    expect(rows[0]?.start_time).toEqual(new Date(record.start_time));
    expect(rows[0]?.end_time).toEqual(new Date(record.end_time));
    expect(rows[0]?.latency_ms).toBe(record.latency_ms);
    const expected =
      usage.prompt_tokens * GPT_4O_MINI.input + usage.completion_tokens * GPT_4O_MINI.output;
    expect(Number(rows[0]?.response_cost)).toBeCloseTo(expected, 10);
  });

  it('indexes the table by start time, model and user, and with covering indexes for the dashboard', async () => {
    const { client, table, call } = loggedClient();
    await call();
    await client.shutdown();
    const indexes = await admin.query(
      'SELECT indexname, indexdef FROM pg_indexes WHERE tablename = $1 ORDER BY indexname',
      [table],
    );
    const definitions = Object.fromEntries(
      indexes.rows.map((row) => [row.indexname, row.indexdef]),
    );
    expect(Object.keys(definitions)).toEqual([
      `${table}_charts_idx`,
      `${table}_charts_key_idx`,
      `${table}_model_idx`,
      `${table}_pkey`,
      `${table}_start_time_idx`,
      `${table}_user_id_idx`,
    ]);
    expect(definitions[`${table}_charts_idx`]).toMatch(
      /USING btree \(start_time\) INCLUDE \(status, response_cost, saved_cost, cache_hit, prompt_tokens, completion_tokens, latency_ms, ttft_ms, model, model_group, user_id\)$/,
    );
    expect(definitions[`${table}_charts_key_idx`]).toMatch(
      /USING btree \(start_time\) INCLUDE \(key_hash, key_alias, team_id, response_cost\)$/,
    );
    expect(definitions[`${table}_start_time_idx`]).toMatch(/USING btree \(start_time\)$/);
    expect(definitions[`${table}_model_idx`]).toMatch(/USING btree \(model\)$/);
    expect(definitions[`${table}_user_id_idx`]).toMatch(/USING btree \(user_id\)$/);
    expect(definitions[`${table}_pkey`]).toMatch(/UNIQUE INDEX .* \(id\)$/);
  });

  it('fills the dashboard columns from each record: key, alias, team, route, time to first token, call type', async () => {
    const { client, table, records, call, streamCall, reported } = loggedClient();
    const metadata = {
      user_api_key_hash: 'a'.repeat(64),
      key_alias: 'billing-key',
      team_id: 'red',
      model_group: 'fast',
      model_info: { id: 'deployment-1' },
    };
    await call({ metadata });
    await collect(await streamCall({ mockResponse: 'Sunny and warm.' }));
    await client.shutdown();
    expect(reported).toEqual([]);
    const [plain, streamed] = await rowsInCallOrder(table, records);
    expect(plain).toMatchObject({
      key_hash: 'a'.repeat(64),
      key_alias: 'billing-key',
      team_id: 'red',
      model_group: 'fast',
      model_id: 'deployment-1',
      ttft_ms: null,
      call_type: 'completion',
    });
    const ttft = records[1]?.time_to_first_token_ms;
    expect(typeof ttft).toBe('number');
    expect(streamed).toMatchObject({
      key_hash: null,
      key_alias: null,
      team_id: null,
      model_group: null,
      model_id: null,
      ttft_ms: Math.round(ttft as number),
      call_type: 'completion',
    });
  });

  it('puts only strings in the text columns, cut at 256 characters without splitting a character', async () => {
    const { client, table, call, reported } = loggedClient();
    await call({
      metadata: { user_api_key_hash: 42, key_alias: { evil: true }, team_id: ['red'] },
    });
    const long = `${'a'.repeat(255)}\u{1F600}${'b'.repeat(100)}`;
    await call({ metadata: { key_alias: long, team_id: '', user: 'x'.repeat(300) } });
    await client.shutdown();
    expect(reported).toEqual([]);
    const rows = (await admin.query(`SELECT key_hash, key_alias, team_id, user_id FROM "${table}"`))
      .rows;
    expect(rows).toContainEqual({ key_hash: null, key_alias: null, team_id: null, user_id: null });
    expect(rows).toContainEqual({
      key_hash: null,
      key_alias: 'a'.repeat(255),
      team_id: null,
      user_id: 'x'.repeat(256),
    });
  });

  it('migrates a table made by an earlier version: adds the columns (null in old rows), the indexes and a rollup of its rows', async () => {
    const table = newTable();
    await admin.query(`CREATE TABLE "${table}" (
      id text PRIMARY KEY, trace_id text, start_time timestamptz NOT NULL, end_time timestamptz,
      status text, model text, provider text, provider_model text, stream boolean,
      prompt_tokens integer, completion_tokens integer, total_tokens integer, cached_tokens integer,
      reasoning_tokens integer, response_cost numeric(20,10), saved_cost numeric(20,10),
      cache_hit boolean, latency_ms integer, user_id text, tags text[], metadata jsonb,
      error_class text, error_message text, record jsonb)`);
    await admin.query(`CREATE INDEX "${table}_start_time_idx" ON "${table}" (start_time)`);
    await admin.query(
      `INSERT INTO "${table}" (id, start_time, status, model, response_cost, latency_ms) VALUES ('old-call', now(), 'success', 'gpt-4o', 0.5, 120)`,
    );
    const { client, call, reported } = loggedClient({ table });
    await call({ metadata: { team_id: 'red' } });
    await client.shutdown();
    expect(reported).toEqual([]);
    const rows = await admin.query(
      `SELECT id, team_id, ttft_ms, call_type FROM "${table}" ORDER BY id`,
    );
    expect(rows.rows).toEqual([
      {
        id: expect.not.stringMatching(/^old-call$/),
        team_id: 'red',
        ttft_ms: null,
        call_type: 'completion',
      },
      { id: 'old-call', team_id: null, ttft_ms: null, call_type: null },
    ]);
    const indexes = await admin.query('SELECT indexname FROM pg_indexes WHERE tablename = $1', [
      table,
    ]);
    expect(indexes.rows.map((row) => row.indexname)).toContain(`${table}_charts_key_idx`);
    const totals = await admin.query(
      `SELECT sum(requests)::int AS calls, count(*) FILTER (WHERE spend >= 0.5)::int AS with_old FROM "${table}_hour_total"`,
    );
    expect(totals.rows).toEqual([{ calls: 2, with_old: 1 }]);
  });

  it('keeps its rollup itself: inserted rows are added, deleted ones taken off, a truncation empties it', async () => {
    const { client, table, call, streamCall } = loggedClient();
    await call({ metadata: { user: 'ada' } });
    await call({ mockResponse: new Error('boom') }).catch(() => {});
    await collect(await streamCall({ metadata: { user: 'bob' } }));
    await client.shutdown();
    const total = async () =>
      (
        await admin.query(
          `SELECT sum(requests)::int AS calls, sum(errors)::int AS errors FROM "${table}_hour_total"`,
        )
      ).rows[0];
    const timings = async () =>
      (
        await admin.query(
          `SELECT metric, sum(calls)::int AS calls FROM "${table}_hour_timing" GROUP BY metric ORDER BY metric`,
        )
      ).rows;
    const users = async () =>
      (
        await admin.query(
          `SELECT name, sum(requests)::int AS calls FROM "${table}_day_group" WHERE dimension = 'user' GROUP BY name ORDER BY name`,
        )
      ).rows;
    expect(await total()).toEqual({ calls: 3, errors: 1 });
    expect(await timings()).toEqual([
      { metric: 'latency', calls: 3 },
      { metric: 'ttft', calls: 1 },
    ]);
    expect(await users()).toEqual([
      { name: '', calls: 1 },
      { name: 'ada', calls: 1 },
      { name: 'bob', calls: 1 },
    ]);
    await admin.query(`DELETE FROM "${table}" WHERE user_id = 'bob'`);
    expect(await total()).toEqual({ calls: 2, errors: 1 });
    expect(await timings()).toEqual([{ metric: 'latency', calls: 2 }]);
    expect(await users()).toEqual([
      { name: '', calls: 1 },
      { name: 'ada', calls: 1 },
    ]);
    await admin.query(`TRUNCATE "${table}"`);
    expect(await total()).toEqual({ calls: null, errors: null });
    expect(await users()).toEqual([]);
  });

  it('lets two loggers start on one new table at once: one creates it, both write', async () => {
    const table = newTable();
    const first = loggedClient({ table });
    const second = loggedClient({ table });
    await Promise.all([first.call(), second.call()]);
    await Promise.all([first.client.shutdown(), second.client.shutdown()]);
    expect([...first.reported, ...second.reported]).toEqual([]);
    expect(await rowsOf(table)).toHaveLength(2);
  });

  it('logs a streamed call once, after its last chunk', async () => {
    const { client, logger, table, records, streamCall } = loggedClient({ batchSize: 1 });
    const stream = await streamCall({ mockResponse: 'Sunny and warm all week.' });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    await logger.flush();
    expect(await rowsOf(table)).toEqual([]);
    await collect({ [Symbol.asyncIterator]: () => iterator });
    await client.shutdown();
    const rows = await rowsOf(table);
    expect(rows).toHaveLength(1);
    const usage = records[0]?.usage as NonNullable<CallRecord['usage']>;
    expect(usage.completion_tokens).toBeGreaterThan(0);
    expect(rows[0]).toMatchObject({
      id: records[0]?.id,
      status: 'success',
      stream: true,
      completion_tokens: usage.completion_tokens,
    });
    expect(Number(rows[0]?.response_cost)).toBeCloseTo(records[0]?.response_cost ?? -1, 10);
    expect(JSON.stringify(rows[0]?.record)).toContain('Sunny and warm all week.');
  });

  it('logs a failed call with its error class and message, and the call still fails as it should', async () => {
    const { client, table, call, reported } = loggedClient();
    const failure = new RateLimitError({ message: 'slow down', provider: 'openai' });
    await expect(call({ mockResponse: failure })).rejects.toThrow('slow down');
    await client.shutdown();
    expect(reported).toEqual([]);
    const rows = await rowsOf(table);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      status: 'failure',
      error_class: 'RateLimitError',
      error_message: 'slow down',
      response_cost: null,
      cache_hit: false,
    });
    expect(rows[0]?.record).toMatchObject({ error: { code: 'rate_limit', retryable: true } });
  });

  it('logs a cache hit with cache_hit, no cost, and the cost it saved', async () => {
    const { client, table, call, records } = loggedClient();
    client.cache = new Cache();
    await call({ mockResponse: 'Sunny, as ever.' });
    await client.flush();
    await call({ mockResponse: 'Sunny, as ever.' });
    await client.shutdown();
    const rows = await rowsInCallOrder(table, records);
    expect(rows.map((row) => row.cache_hit)).toEqual([false, true]);
    const paid = Number(rows[0]?.response_cost);
    expect(paid).toBeGreaterThan(0);
    expect(Number(rows[1]?.response_cost)).toBe(0);
    expect(Number(rows[1]?.saved_cost)).toBeCloseTo(paid, 10);
  });

  it('writes a batch as one multi-row INSERT, and a part batch after maxWaitMs', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const pool = new pg.Pool({ connectionString: CONNECTION });
    const inserts: Array<{ text: string; rows: number }> = [];
    const statements: string[] = [];
    let inserted = () => {};
    const nextInsert = () => new Promise<void>((resolve) => (inserted = resolve));
    const watched = {
      query: async (text: string, values?: unknown[]) => {
        const result = await pool.query(text, values);
        statements.push(text.split(' ', 1)[0] ?? '');
        if (text.startsWith('INSERT')) {
          inserts.push({ text, rows: (values?.length ?? 0) / 31 });
          inserted();
        }
        return result;
      },
    };
    const { client, table, call } = loggedClient({ pool: watched, batchSize: 3, maxWaitMs: 500 });
    const firstInsert = nextInsert();
    for (let index = 0; index < 5; index++) await call({ mockResponse: `Answer ${index}` });
    await firstInsert;
    // five calls: the first three filled a batch; two wait for maxWaitMs
    expect(inserts.map((insert) => insert.rows)).toEqual([3]);
    expect(inserts[0]?.text).toMatch(
      /VALUES \(\$1, [^)]*\$31\), \(\$32, [^)]*\$62\), \(\$63, [^)]*\$93\) ON CONFLICT \(id\) DO NOTHING$/,
    );
    const secondInsert = nextInsert();
    await vi.advanceTimersByTimeAsync(499);
    expect(inserts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await secondInsert;
    expect(inserts.map((insert) => insert.rows)).toEqual([3, 2]);
    expect(await rowsOf(table)).toHaveLength(5);
    // the table is made once (under an advisory lock), before the first insert
    expect(statements).toEqual(['SELECT', 'INSERT', 'INSERT']);
    await client.shutdown();
    await pool.end();
  });

  it('flush() writes every waiting record at once', async () => {
    const { client, table, call } = loggedClient({ batchSize: 100, maxWaitMs: 60_000 });
    await call();
    await call();
    await call();
    expect(await rowsOf(table)).toEqual([]);
    await client.flush();
    expect(await rowsOf(table)).toHaveLength(3);
    await client.shutdown();
  });

  it('lets spend be queried with SQL, by model and by user', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { client, table, call, records } = loggedClient();
    await call({ metadata: { user: 'ada' } });
    await call({ model: 'gpt-4o', user: 'bob' });
    await call({ metadata: { user_id: 'ada' }, mockResponse: 'A much longer answer.' });
    await call({ model: 'openai/shallot-unpriced-model', metadata: { user: 'bob' } });
    await client.shutdown();
    expect(warn).toHaveBeenCalledOnce(); // the cost layer's one warning for the unpriced model
    const byModel = await admin.query(
      `SELECT model, count(*)::int AS calls, sum(response_cost)::float8 AS usd FROM "${table}" GROUP BY model ORDER BY model`,
    );
    const costOf = (...indexes: number[]) =>
      indexes.reduce((sum, index) => sum + (records[index]?.response_cost ?? 0), 0);
    expect(byModel.rows).toEqual([
      { model: 'gpt-4o', calls: 1, usd: expect.closeTo(costOf(1), 10) },
      { model: 'gpt-4o-mini', calls: 2, usd: expect.closeTo(costOf(0, 2), 10) },
      { model: 'openai/shallot-unpriced-model', calls: 1, usd: null },
    ]);
    const byUser = await admin.query(
      `SELECT user_id, sum(response_cost)::float8 AS usd FROM "${table}" GROUP BY user_id ORDER BY user_id`,
    );
    expect(byUser.rows).toEqual([
      { user_id: 'ada', usd: expect.closeTo(costOf(0, 2), 10) },
      { user_id: 'bob', usd: expect.closeTo(costOf(1), 10) },
    ]);
    expect(costOf(1)).toBeGreaterThan(0);
  });

  it('honours redaction in the record column, per client and per call', async () => {
    const { client, table, call, records } = loggedClient({}, { redact: { messages: true } });
    await call({ mockResponse: 'The secret answer.' });
    await call({ mockResponse: 'Another answer.', redact: { messages: false, response: true } });
    await call({ mockResponse: new Error('boom') }).catch(() => {});
    await client.shutdown();
    const rows = await rowsInCallOrder(table, records);
    const logged = rows.map((row) => row.record as CallRecord);
    expect(logged.map((record) => record.messages)).toEqual(['[redacted]', messages, '[redacted]']);
    expect(logged[0]?.response).toMatchObject({ object: 'chat.completion' });
    expect(logged[1]?.response).toBe('[redacted]');
    expect(JSON.stringify([rows[0], rows[2]])).not.toContain('Lyon');
    expect(JSON.stringify(rows[1])).not.toContain('Another answer.');
  });

  it('reports a server that is not there to onCallbackError, and the call succeeds', async () => {
    const port = await unusedPort();
    const connectionString = `postgres://postgres:hunter2-password@127.0.0.1:${port}/test`;
    const { client, call, reported } = loggedClient({ connectionString });
    const answer = await call();
    expect(answer.choices[0]?.message.content).toBe('Sunny.');
    await client.shutdown();
    expect(reported).toHaveLength(1);
    expect(reported[0]?.info).toEqual({ callback: 'postgresLogger', event: 'write' });
    const error = reported[0]?.error as Error;
    expect(error.message).toMatch(
      /^postgresLogger could not write 1 call record\(s\) to "shallot_spend_test_\w+": .*ECONNREFUSED/,
    );
    expect(String(error.stack)).not.toContain('hunter2');
  });

  it('reports a table it cannot write to, then writes once the table is there', async () => {
    const { client, logger, table, call, reported } = loggedClient({ createTable: false });
    await call();
    await logger.flush();
    expect(reported).toHaveLength(1);
    expect(messageOf(reported[0])).toMatch(
      /^postgresLogger could not write 1 call record\(s\) to "\w+": relation "\w+" does not exist$/,
    );
    const creator = loggedClient({ table });
    await creator.call();
    await creator.client.shutdown();
    await call();
    await client.shutdown();
    expect(reported).toHaveLength(1);
    expect(await rowsOf(table)).toHaveLength(2);
  });

  it('reports a schema that does not exist, then creates its table there once it does', async () => {
    const schema = `${RUN}_schema`;
    const { client, logger, table, call, reported } = loggedClient({ schema, batchSize: 1 });
    await call();
    await logger.flush();
    expect(reported).toHaveLength(1);
    expect(messageOf(reported[0])).toBe(
      `postgresLogger could not write 1 call record(s) to "${schema}"."${table}": schema "${schema}" does not exist`,
    );
    await admin.query(`CREATE SCHEMA "${schema}"`);
    try {
      await call({ model: 'gpt-4o' });
      await client.shutdown();
      expect(reported).toHaveLength(1);
      const rows = await admin.query(`SELECT model FROM "${schema}"."${table}"`);
      expect(rows.rows).toEqual([{ model: 'gpt-4o' }]);
    } finally {
      await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
    }
  });

  it('never writes the API key, on success, stream or failure', async () => {
    const { client, table, call, streamCall } = loggedClient();
    const withKey = { apiKey: KEY, metadata: { api_key: KEY, note: `key ${KEY}` } };
    await call(withKey);
    await collect(await streamCall(withKey));
    await call({ ...withKey, mockResponse: new Error(`bad key ${KEY}`) }).catch(() => {});
    await client.shutdown();
    const rows = await admin.query(`SELECT t::text AS line FROM "${table}" t`);
    expect(rows.rows).toHaveLength(3);
    const text = rows.rows.map((row) => row.line).join('\n');
    expect(text).toContain('sk-p****cdef');
    expect(text).not.toContain(KEY);
  });

  it('ends the pool it made on shutdown, and never a pool of yours', async () => {
    const application = `${RUN}_app`;
    const url = new URL(CONNECTION);
    url.searchParams.set('application_name', application);
    const own = loggedClient({ connectionString: url.href });
    await own.call();
    await own.client.flush();
    expect(await connectionsOf(application)).toBe(1);
    await own.client.shutdown();
    expect(await connectionsOf(application, 0)).toBe(0);

    const pool = new pg.Pool({ connectionString: CONNECTION });
    const end = vi.spyOn(pool, 'end');
    const yours = loggedClient({ pool });
    await yours.call();
    await yours.client.shutdown();
    expect(end).not.toHaveBeenCalled();
    expect(await rowsOf(yours.table)).toHaveLength(1);
    await pool.end();
  });
});

/**
 * The server's connections with this application name. A backend leaves pg_stat_activity a
 * moment after its client disconnects, so this asks again (a query each time, no sleeping)
 * until the count is `expected`, or gives the last count.
 */
async function connectionsOf(application: string, expected?: number): Promise<number> {
  let count = -1;
  for (let attempt = 0; attempt < 200 && count !== expected; attempt++) {
    const result = await admin.query(
      'SELECT count(*)::int AS count FROM pg_stat_activity WHERE application_name = $1',
      [application],
    );
    count = result.rows[0].count;
    if (expected === undefined) break;
  }
  return count;
}

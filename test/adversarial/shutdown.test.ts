import pg from 'pg';
import {
  Cache,
  type CallbackErrorInfo,
  type CallRecord,
  createClient,
  createSink,
  type Middleware,
  RedisStore,
} from 'shallot';
import { dropSpendLog, postgresLogger } from 'shallot/middleware/postgres-logger';
import { isWebhookDeliveryError, webhookLogger } from 'shallot/middleware/webhook-logger';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startLocalServer } from '../support/local-server.js';
import { describeWithPostgres, POSTGRES_URL, testTableName } from '../support/postgres.js';
import { cleanUpRedisAfterAll, describeWithRedis, redisCacheOptions } from '../support/redis.js';
import { runScript } from './child-process.js';

/** The bound every scenario gives `shutdown()`. */
const TIMEOUT_MS = 500;
/** The bound, plus slack for a busy machine: well short of what each scenario took before. */
const BOUND_MS = 1500;
const SCRIPT = new URL('./shutdown-webhook-script.ts', import.meta.url);

cleanUpRedisAfterAll();

interface Reported {
  error: unknown;
  info: CallbackErrorInfo;
}

/** A client with these layers, keeping what reaches `onCallbackError`, and one call to make. */
function reportingClient(middleware: Middleware[]) {
  const reported: Reported[] = [];
  const client = createClient({
    middleware,
    onCallbackError: (error, info) => reported.push({ error, info }),
  });
  const call = () =>
    client.completion({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hello?' }],
      mockResponse: 'Hi.',
    });
  return { client, reported, call };
}

/** What `work` resolved to, and how long it took. */
async function timed<T>(work: () => Promise<T>): Promise<{ value: T; elapsedMs: number }> {
  const started = performance.now();
  const value = await work();
  return { value, elapsedMs: performance.now() - started };
}

/** A sink whose writes never settle, and the signals its `close()` received. */
function stuckSink() {
  const closedWith: AbortSignal[] = [];
  const sink = createSink({
    name: 'stuckSink',
    write: () => new Promise(() => {}),
    close: ({ signal }) => {
      closedWith.push(signal);
    },
  });
  return { sink, closedWith };
}

/** A sink that keeps what it is given (only on flush: its batches never fill) and counts its closes. */
function keepingSink(name: string) {
  const written: CallRecord[] = [];
  const close = vi.fn();
  const sink = createSink({
    name,
    batchSize: 100,
    maxWaitMs: 60_000,
    write: (records) => {
      written.push(...records);
    },
    close,
  });
  return { sink, written, close };
}

/** An HTTP server on 127.0.0.1 that reads requests and never answers them. */
async function startSilentServer() {
  let requests = 0;
  let received = () => {};
  const firstRequest = new Promise<void>((resolve) => {
    received = resolve;
  });
  const server = await startLocalServer(() => {
    requests++;
    received();
  });
  return {
    url: `${server.origin}/hook`,
    firstRequest,
    requests: () => requests,
    openConnections: () => server.openConnections,
    listening: () => server.listening,
    close: () => server.close(),
  };
}

describe('shutdown() within its timeoutMs', () => {
  it("resolves false within its bound when a sink's write never settles, and tells the sink to stop", async () => {
    const { sink, closedWith } = stuckSink();
    const { client, call } = reportingClient([sink]);
    await call();

    const { value, elapsedMs } = await timed(() => client.shutdown({ timeoutMs: TIMEOUT_MS }));

    expect(value).toBe(false);
    expect(elapsedMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
    expect(elapsedMs).toBeLessThan(BOUND_MS);
    expect(closedWith).toHaveLength(1);
    expect(closedWith[0]?.aborted).toBe(true);
  });

  const failures = {
    rejects: async () => {
      throw new Error('broken layer');
    },
    'throws synchronously': () => {
      throw new Error('broken layer');
    },
  };

  it.each(Object.entries(failures))(
    "flush() and shutdown() resolve when a layer's flush and close %s, report it, and still flush and close the other layers",
    async (_how, fail) => {
      const flush = vi.fn(fail);
      const close = vi.fn(fail);
      const broken: Middleware = Object.assign(
        async function brokenLayer(_ctx: unknown, next: () => Promise<void>) {
          await next();
        },
        { flush, close },
      );
      const before = keepingSink('before');
      const after = keepingSink('after');
      const { client, call, reported } = reportingClient([before.sink, broken, after.sink]);
      await call();

      await expect(client.flush()).resolves.toBe(true);
      expect(before.written).toHaveLength(1);
      expect(after.written).toHaveLength(1);
      expect(reported).toEqual([
        { error: new Error('broken layer'), info: { callback: 'brokenLayer', event: 'flush' } },
      ]);

      await expect(client.shutdown({ timeoutMs: TIMEOUT_MS })).resolves.toBe(true);
      expect(flush).toHaveBeenCalledTimes(2);
      expect(close).toHaveBeenCalledTimes(1);
      expect(before.close).toHaveBeenCalledTimes(1);
      expect(after.close).toHaveBeenCalledTimes(1);
      expect(reported.map((report) => report.info)).toEqual([
        { callback: 'brokenLayer', event: 'flush' },
        { callback: 'brokenLayer', event: 'flush' },
        { callback: 'brokenLayer', event: 'close' },
      ]);
    },
  );
});

describe('webhookLogger posting to a server that never answers', () => {
  it('shutdown() resolves within its bound, cuts the POST under way, and reports the record it gave up on', async () => {
    const server = await startSilentServer();
    try {
      const hook = webhookLogger({ url: server.url, batchSize: 1 });
      const { client, call, reported } = reportingClient([hook]);
      await call();
      await server.firstRequest;

      const { value, elapsedMs } = await timed(() => client.shutdown({ timeoutMs: TIMEOUT_MS }));

      expect(value).toBe(false);
      expect(elapsedMs).toBeLessThan(BOUND_MS);
      expect(hook.stats()).toMatchObject({ waiting: 0, sending: 0, delivered: 0, failed: 1 });
      expect(reported.map((report) => report.info)).toEqual([
        { callback: 'webhookLogger', event: 'close' },
      ]);
      expect(isWebhookDeliveryError(reported[0]?.error)).toBe(true);
      // The POST was aborted, and its connection with it.
      await vi.waitFor(() => expect(server.openConnections()).toBe(0));
      expect(server.requests()).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('a process that shuts down while its POST hangs exits on its own right after shutdown() resolves', async () => {
    const server = await startSilentServer();
    try {
      // Before the fix, shutdown() alone took 58 s.
      const run = await runScript(SCRIPT, [server.url], 'shutdown resolved');
      expect(
        run.outcome,
        `the child is still running; it printed: ${run.stdout}${run.stderr}`,
      ).toBe(0);
      expect(run.stderr).toBe('');
      expect(run.stdout).toBe('shutdown resolved false\n');
      expect(run.exitAfterMarkerMs).toBeLessThan(3000);
      expect(server.requests()).toBe(1);
      expect(server.listening()).toBe(true);
    } finally {
      await server.close();
    }
  }, 20_000);
});

describeWithPostgres('postgresLogger on a locked table', () => {
  const table = testTableName('shutdown');
  let admin: pg.Client;
  beforeAll(async () => {
    admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
  });
  afterAll(async () => {
    if (!admin) return; // never connected: PostgreSQL was missing
    await dropSpendLog(admin, { table });
    await admin.end();
  });

  /** How many connections of `application` wait on a lock. */
  const waitingOnLock = async (application: string) => {
    const result = await admin.query(
      `SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`,
      [application],
    );
    return result.rows[0].waiting as number;
  };

  it('shutdown() resolves within its bound while the INSERT waits on the lock, and reports the cut write', async () => {
    // The logger makes its table: one call, one row.
    const creator = reportingClient([postgresLogger({ connectionString: POSTGRES_URL, table })]);
    await creator.call();
    expect(await creator.client.shutdown()).toBe(true);

    const locker = new pg.Client({ connectionString: POSTGRES_URL });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query(`LOCK TABLE "${table}" IN ACCESS EXCLUSIVE MODE`);
      const application = `${table}_app`;
      const url = new URL(POSTGRES_URL);
      url.searchParams.set('application_name', application);
      const logger = postgresLogger({
        connectionString: url.href,
        table,
        batchSize: 1,
        createTable: false,
      });
      const { client, call, reported } = reportingClient([logger]);
      await call();
      await vi.waitFor(async () => expect(await waitingOnLock(application)).toBe(1), {
        timeout: 5000,
      });

      const { value, elapsedMs } = await timed(() => client.shutdown({ timeoutMs: TIMEOUT_MS }));

      expect(value).toBe(false);
      expect(elapsedMs).toBeLessThan(BOUND_MS);
      await vi.waitFor(() => expect(reported).toHaveLength(1));
      expect(reported[0]?.info).toEqual({ callback: 'postgresLogger', event: 'write' });
      expect(String(reported[0]?.error)).toMatch(
        /postgresLogger could not write 1 call record\(s\) to "\w+": client\.shutdown\(\) reached its timeoutMs/,
      );
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
  });
});

describeWithRedis('a client with a Redis cache and sinks', () => {
  it('shutdown() closes the Redis connection and every sink, and resolves within its bound even with a sink whose write never settles', async () => {
    const stuck = stuckSink();
    const keeping = keepingSink('keepingSink');
    const { client, call } = reportingClient([keeping.sink, stuck.sink]);
    const cache = new Cache(redisCacheOptions({ namespace: 'shallot-shutdown' }));
    client.cache = cache;
    await call();
    expect(cache.store).toBeInstanceOf(RedisStore);
    const redis = await (cache.store as RedisStore).client();

    const { value, elapsedMs } = await timed(() => client.shutdown({ timeoutMs: TIMEOUT_MS }));

    expect(value).toBe(false);
    expect(elapsedMs).toBeLessThan(BOUND_MS);
    expect(keeping.written).toHaveLength(1);
    expect(keeping.close).toHaveBeenCalledTimes(1);
    expect(stuck.closedWith[0]?.aborted).toBe(true);
    await vi.waitFor(() => expect(redis.status).toBe('end'));
  });
});

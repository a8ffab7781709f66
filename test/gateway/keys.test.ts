import OpenAI from 'openai';
import pg from 'pg';
import { type CallbackKwargs, type CallRecord, createClient } from 'shallot';
import { createGateway, type Gateway } from 'shallot/gateway';
import { limits } from 'shallot/middleware/limits';
import { dropSpendLog, postgresLogger } from 'shallot/middleware/postgres-logger';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createKeyAuth,
  hashKey,
  KeyStore,
  keyLimitRule,
  keyLimitsOf,
  keySpend,
} from '../../gateway/keys/index.js';
import { fixture, useFakeProvider } from '../support/fake-provider.js';
import {
  describeWithPostgres,
  POSTGRES_URL,
  postgresUp,
  testTableName,
} from '../support/postgres.js';

const MASTER = 'sk-master-0123456789';
const messages = [{ role: 'user' as const, content: 'Hello' }];
const fake = useFakeProvider({ reply: { body: fixture('openai-chat.json') } });

/** Tables of this file's run, dropped at the end. */
const tables: string[] = [];
const newTable = (purpose: string) => {
  const table = testTableName(purpose);
  tables.push(table);
  return table;
};

let admin: pg.Pool;
beforeAll(() => {
  if (postgresUp) admin = new pg.Pool({ connectionString: POSTGRES_URL });
});
afterAll(async () => {
  if (!postgresUp) return;
  for (const table of tables) {
    // Key tables, and spend logs with their rollups.
    await admin.query(`DROP TABLE IF EXISTS "${table}", "${table}_schema"`);
    await dropSpendLog(admin, { table });
  }
  await admin.end();
});

const closing: Array<() => Promise<void>> = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const close of closing.splice(0).reverse()) await close();
});

/** What the `/key/*` routes answer, as far as these tests read it. */
interface ManageAnswer {
  key?: string;
  info?: { spend: number; max_budget: number | null; token: string; blocked: boolean };
  error?: { message: string; param: string | null; code: string | null };
  deleted_keys?: string[];
  [field: string]: unknown;
}

/** A gateway with virtual keys in `table`, over a client that charges each call to its key. */
async function keyGateway(table: string, options: { cacheTtlMs?: number } = {}) {
  const auth = createKeyAuth({
    connectionString: POSTGRES_URL,
    masterKey: MASTER,
    table,
    ...options,
  });
  const spendLog = newTable('key_spend_log');
  const client = createClient({
    providers: { openai: { apiKey: 'sk-upstream', apiBase: fake.url } },
    middleware: [
      keySpend(auth.store),
      limits({ rules: [keyLimitRule()] }),
      postgresLogger({ connectionString: POSTGRES_URL, table: spendLog, maxWaitMs: 0 }),
    ],
  });
  const calls: CallbackKwargs[] = [];
  client.successCallback = [(kwargs: CallbackKwargs) => void calls.push(kwargs)];
  const gateway: Gateway = createGateway({
    client,
    authenticate: auth.authenticate,
    routes: auth.routes,
  });
  const url = await gateway.listen();
  closing.push(async () => {
    await gateway.close({ graceMs: 100 });
    await client.shutdown();
    await auth.close();
  });
  const openai = (apiKey: string) => new OpenAI({ apiKey, baseURL: `${url}/v1`, maxRetries: 0 });
  /** A `/key/*` request, with the master key unless told otherwise. */
  const manage = async (route: string, body?: unknown, key = MASTER) => {
    const response = await fetch(`${url}${route}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as ManageAnswer };
  };
  const generate = async (fields: Record<string, unknown> = {}) => {
    const answer = await manage('/key/generate', fields);
    expect(answer.status).toBe(200);
    return answer.body.key as string;
  };
  const records = () =>
    calls
      .map((kwargs) => kwargs.standard_logging_object)
      .filter((record) => record !== undefined) as CallRecord[];
  return { auth, client, url, openai, manage, generate, calls, records, spendLog };
}

/** What a promise rejected with; fails the test when it resolved. */
async function failureOf(pending: Promise<unknown>): Promise<unknown> {
  return pending.then(
    () => expect.unreachable('expected the request to fail'),
    (error: unknown) => error,
  );
}

describeWithPostgres('virtual keys (createKeyAuth)', () => {
  it('the master key generates a key, which calls its models through the openai package', async () => {
    const { openai, generate } = await keyGateway(newTable('keys'));
    const key = await generate({ models: ['gpt-4.1-nano'] });
    expect(key).toMatch(/^sk-[0-9A-Za-z]{43}$/);
    const answer = await openai(key).chat.completions.create({ model: 'gpt-4.1-nano', messages });
    expect(answer.choices[0]?.message.content).toBe(
      JSON.parse(fixture('openai-chat.json')).choices[0].message.content,
    );
    // The provider gets the gateway's key, never the caller's.
    expect(fake.requests[0]?.headers.authorization).toBe('Bearer sk-upstream');
  });

  it('refuses an unknown key, and a request with none, with a 401 (AuthenticationError)', async () => {
    const { openai, url } = await keyGateway(newTable('keys'));
    const failure = await failureOf(
      openai('sk-not-a-key-0123456789').chat.completions.create({
        model: 'gpt-4.1-nano',
        messages,
      }),
    );
    expect(failure).toBeInstanceOf(OpenAI.AuthenticationError);
    const none = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'gpt-4.1-nano', messages }),
    });
    expect(none.status).toBe(401);
    expect(fake.requests).toHaveLength(0);
  });

  it('reads the key from api-key and x-api-key as well as Authorization', async () => {
    const { url, generate } = await keyGateway(newTable('keys'));
    const key = await generate();
    for (const header of ['api-key', 'x-api-key']) {
      const response = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { [header]: key, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4.1-nano', messages }),
      });
      expect(response.status).toBe(200);
    }
  });

  it('refuses a model the key may not call with a 403 (PermissionDeniedError), before any upstream request', async () => {
    const { openai, generate } = await keyGateway(newTable('keys'));
    const key = await generate({ models: ['gpt-4.1-nano'] });
    const failure = await failureOf(
      openai(key).chat.completions.create({ model: 'gpt-4o-mini', messages }),
    );
    expect(failure).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(fake.requests).toHaveLength(0);
    const listed = await openai(key).models.list();
    expect(listed.data.map((model) => model.id)).toEqual(['gpt-4.1-nano']);
  });

  it('/key/info shows the spend: the sum of the response_cost of the key’s calls, plain and streamed', async () => {
    const { openai, generate, manage, client, calls } = await keyGateway(newTable('keys'));
    fake.reply(
      { body: fixture('openai-chat.json') },
      {
        body: fixture('openai-chat-stream-usage.sse'),
        headers: { 'content-type': 'text/event-stream' },
      },
      { body: fixture('openai-chat.json') },
    );
    const key = await generate({ max_budget: 100 });
    const other = await generate();
    await openai(key).chat.completions.create({ model: 'gpt-4.1-nano', messages });
    const stream = await openai(key).chat.completions.create({
      model: 'gpt-4.1-nano',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    for await (const _chunk of stream) {
      // read to the end
    }
    await openai(other).chat.completions.create({ model: 'gpt-4.1-nano', messages });
    await client.flush();
    const costs = calls.map((kwargs) => kwargs.response_cost ?? 0);
    expect(costs).toHaveLength(3);
    expect(costs.every((cost) => cost > 0)).toBe(true);
    const info = await manage(`/key/info?key=${key}`);
    expect(info.status).toBe(200);
    expect(info.body.key).toBe(key);
    expect(info.body.info?.spend).toBeCloseTo((costs[0] ?? 0) + (costs[1] ?? 0), 9);
    expect(info.body.info?.max_budget).toBe(100);
    // By its hash (the `token`) as well.
    const byHash = await manage(`/key/info?key=${hashKey(other)}`);
    expect(byHash.body.info?.spend).toBeCloseTo(costs[2] ?? 0, 9);
    expect(byHash.body.info?.token).toBe(hashKey(other));
  });

  it('/key/update changes the models: a model refused before is allowed after', async () => {
    const { openai, generate, manage } = await keyGateway(newTable('keys'));
    const key = await generate({ models: ['gpt-4.1-nano'] });
    const call = () => openai(key).chat.completions.create({ model: 'gpt-4o-mini', messages });
    expect(await failureOf(call())).toBeInstanceOf(OpenAI.PermissionDeniedError);
    const updated = await manage('/key/update', {
      key,
      models: ['gpt-4.1-nano', 'gpt-4o-mini'],
      rpm_limit: 10,
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ models: ['gpt-4.1-nano', 'gpt-4o-mini'], rpm_limit: 10 });
    await call();
    expect(fake.requests.at(-1)?.body.model).toBe('gpt-4o-mini');
  });

  it('/key/delete revokes: the key is refused with a 401 at once', async () => {
    const { openai, generate, manage } = await keyGateway(newTable('keys'));
    const key = await generate();
    await openai(key).chat.completions.create({ model: 'gpt-4.1-nano', messages });
    const deleted = await manage('/key/delete', { keys: [key] });
    expect(deleted).toEqual({ status: 200, body: { deleted_keys: [key] } });
    const failure = await failureOf(
      openai(key).chat.completions.create({ model: 'gpt-4.1-nano', messages }),
    );
    expect(failure).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(JSON.stringify((failure as InstanceType<typeof OpenAI.APIError>).error)).not.toContain(
      key,
    );
    const info = await manage(`/key/info?key=${key}`);
    expect(info.body.info?.blocked).toBe(true);
    expect((await manage('/key/delete', { keys: ['sk-never-made-0123456789'] })).status).toBe(404);
  });

  it('a key revoked through another instance stops working here within the cache TTL', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const table = newTable('keys');
    const here = await keyGateway(table, { cacheTtlMs: 5000 });
    const elsewhere = await keyGateway(table, { cacheTtlMs: 5000 });
    const key = await elsewhere.generate();
    const call = () =>
      here.openai(key).chat.completions.create({ model: 'gpt-4.1-nano', messages });
    await call();
    expect((await elsewhere.manage('/key/delete', { keys: [key] })).status).toBe(200);
    // This instance still trusts what it looked up, for at most cacheTtlMs...
    await call();
    vi.setSystemTime(Date.now() + 5001);
    // ...then looks again, and refuses it.
    expect(await failureOf(call())).toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('never stores nor logs the key: not in the keys table, the spend log, the call record or the callback kwargs', async () => {
    const table = newTable('keys');
    const { openai, generate, client, calls, records, spendLog } = await keyGateway(table);
    const key = await generate({
      metadata: { app: 'search' },
      user_id: 'ada',
      key_alias: 'search-prod',
    });
    await openai(key).chat.completions.create({ model: 'gpt-4.1-nano', messages });
    await client.flush();
    const stored = await admin.query(`SELECT row_to_json(t)::text AS row FROM "${table}" t`);
    expect(stored.rows).toHaveLength(1);
    expect(stored.rows[0].row).not.toContain(key);
    expect(JSON.parse(stored.rows[0].row).key_hash).toBe(hashKey(key));
    const logged = await admin.query(`SELECT row_to_json(t)::text AS row FROM "${spendLog}" t`);
    expect(logged.rows).toHaveLength(1);
    expect(logged.rows[0].row).not.toContain(key);
    expect(JSON.stringify(calls, safeJson)).not.toContain(key);
    expect(JSON.stringify(records())).not.toContain(key);
    // What the call carries instead: the hash, the key's own fields and its metadata.
    expect(records()[0]?.metadata).toMatchObject({
      user_api_key_hash: hashKey(key),
      user_id: 'ada',
      key_alias: 'search-prod',
      app: 'search',
    });
    expect(logged.rows[0].row).toContain(hashKey(key));
  });

  it('puts the key’s limits in the call’s metadata, for the limits layer to read', async () => {
    const { openai, generate, client, records } = await keyGateway(newTable('keys'));
    const key = await generate({ rpm_limit: 7, tpm_limit: 9000, max_parallel_requests: 2 });
    await openai(key).chat.completions.create({ model: 'gpt-4.1-nano', messages });
    await client.flush();
    const metadata = records()[0]?.metadata ?? {};
    expect(metadata.key_limits).toEqual({
      rpm_limit: 7,
      tpm_limit: 9000,
      max_parallel_requests: 2,
    });
    expect(keyLimitsOf({ metadata })).toEqual({
      rpm_limit: 7,
      tpm_limit: 9000,
      max_parallel_requests: 2,
    });
    expect(keyLimitsOf({ metadata: { key_limits: { rpm_limit: -1, tpm_limit: '9' } } })).toEqual(
      {},
    );
  });

  it('limits each key by its own rpm_limit, through the limits layer', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-06T10:00:00Z'));
    const { openai, generate } = await keyGateway(newTable('keys'));
    const one = await generate({ rpm_limit: 1 });
    const two = await generate({ rpm_limit: 2 });
    const free = await generate();
    const call = (key: string) =>
      openai(key).chat.completions.create({ model: 'gpt-4.1-nano', messages });
    await call(one);
    expect(await failureOf(call(one))).toBeInstanceOf(OpenAI.RateLimitError);
    await call(two);
    await call(two);
    expect(await failureOf(call(two))).toBeInstanceOf(OpenAI.RateLimitError);
    for (let index = 0; index < 3; index++) await call(free);
    for (let index = 0; index < 3; index++) await call(MASTER);
    expect(fake.requests).toHaveLength(9);
  });

  it('lets the master key call every model, and no request body pose as a key to charge it', async () => {
    const { openai, generate, manage, client, records } = await keyGateway(newTable('keys'));
    const victim = await generate({ models: ['gpt-4.1-nano'] });
    await openai(MASTER).chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      metadata: { user_api_key_hash: hashKey(victim), key_limits: '{}' },
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    await client.flush();
    expect(records()[0]?.metadata.user_api_key_hash).toBeUndefined();
    expect((await manage(`/key/info?key=${victim}`)).body.info?.spend).toBe(0);
  });

  it('refuses a key whose budget is spent with a 429', async () => {
    const { openai, generate, client } = await keyGateway(newTable('keys'));
    const key = await generate({ max_budget: 0.000001 });
    await openai(key).chat.completions.create({ model: 'gpt-4.1-nano', messages });
    await client.flush();
    const failure = await failureOf(
      openai(key).chat.completions.create({ model: 'gpt-4.1-nano', messages }),
    );
    expect(failure).toBeInstanceOf(OpenAI.RateLimitError);
    expect((failure as InstanceType<typeof OpenAI.APIError>).code).toBe('budget_exceeded');
  });

  it('refuses a key past its expiry with a 401', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { openai, generate } = await keyGateway(newTable('keys'));
    const key = await generate({ duration: '1h' });
    await openai(key).chat.completions.create({ model: 'gpt-4.1-nano', messages });
    vi.setSystemTime(Date.now() + 2 * 3600_000);
    const failure = await failureOf(
      openai(key).chat.completions.create({ model: 'gpt-4.1-nano', messages }),
    );
    expect(failure).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((failure as InstanceType<typeof OpenAI.APIError>).code).toBe('key_expired');
  });

  it('answers bad input to the /key routes with a 400 that names the field', async () => {
    const { manage } = await keyGateway(newTable('keys'));
    const cases: Array<[string, unknown, string]> = [
      ['/key/generate', { rpm_limit: -1 }, 'rpm_limit'],
      ['/key/generate', { models: ['gpt-4o', 3] }, 'models[1]'],
      ['/key/generate', { budget_duration: '3 weeks' }, 'budget_duration'],
      ['/key/generate', { metadata: { user_api_key_hash: 'x' } }, 'metadata.user_api_key_hash'],
      ['/key/generate', { soft_budget: 3 }, 'soft_budget'],
      ['/key/update', { models: [] }, 'key'],
      ['/key/delete', { keys: [] }, 'keys'],
    ];
    for (const [route, body, field] of cases) {
      const answer = await manage(route, body);
      expect({ route, field, status: answer.status }).toEqual({ route, field, status: 400 });
      expect(answer.body.error?.param).toBe(field);
      expect(answer.body.error?.message).toMatch(
        new RegExp(`^${field.replace(/[[\].]/g, '\\$&')}: `),
      );
    }
    expect((await manage('/key/info')).body.error?.param).toBe('key');
  });

  it('keeps the /key routes to the master key: anything else is a 401', async () => {
    const { manage, generate } = await keyGateway(newTable('keys'));
    const key = await generate();
    expect((await manage('/key/generate', {}, key)).status).toBe(401);
    expect((await manage(`/key/info?key=${key}`, undefined, 'sk-master-0123456780')).status).toBe(
      401,
    );
  });

  it('lets a key made with metadata role admin manage keys, until it is revoked', async () => {
    const { manage, generate } = await keyGateway(newTable('keys'));
    const adminKey = await generate({ key_alias: 'ops', metadata: { role: 'admin' } });
    const made = await manage('/key/generate', { key_alias: 'made-by-ops' }, adminKey);
    expect(made.status).toBe(200);
    expect(made.body.key).toMatch(/^sk-/);
    expect((await manage('/key/delete', { keys: [adminKey] })).status).toBe(200);
    expect((await manage('/key/generate', {}, adminKey)).status).toBe(401);
  });

  it('/key/list answers the live keys’ hashes, newest first, and whole rows when asked', async () => {
    const { manage, generate } = await keyGateway(newTable('keys'));
    const first = await generate({ key_alias: 'first' });
    const second = await generate({ key_alias: 'second' });
    const revoked = await generate({ key_alias: 'revoked' });
    await manage('/key/delete', { keys: [revoked] });
    const listed = await manage('/key/list');
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({ keys: [hashKey(second), hashKey(first)], total_count: 2 });
    const full = await manage('/key/list?return_full_object=true');
    const rows = full.body.keys as Array<Record<string, unknown>>;
    expect(rows.map((row) => row.key_alias)).toEqual(['second', 'first']);
    expect(JSON.stringify(full.body)).not.toContain(first);
  });
});

describeWithPostgres('KeyStore', () => {
  it('creates its table at a schema version, and refuses a database at a later one', async () => {
    const table = newTable('keys');
    const store = new KeyStore({ connectionString: POSTGRES_URL, table });
    closing.push(() => store.close());
    await store.ready();
    const versions = await admin.query(`SELECT version FROM "${table}_schema"`);
    expect(versions.rows).toEqual([{ version: 1 }]);
    await admin.query(`INSERT INTO "${table}_schema" (version) VALUES (2)`);
    const later = new KeyStore({ connectionString: POSTGRES_URL, table });
    closing.push(() => later.close());
    await expect(later.ready()).rejects.toThrow(
      /schema version 2, newer than this shallot knows \(1\)/,
    );
  });

  it('migrates once when processes start together', async () => {
    const table = newTable('keys');
    const stores = [1, 2, 3, 4].map(() => new KeyStore({ connectionString: POSTGRES_URL, table }));
    for (const store of stores) closing.push(() => store.close());
    await Promise.all(stores.map((store) => store.ready()));
    expect((await admin.query(`SELECT version FROM "${table}_schema"`)).rows).toEqual([
      { version: 1 },
    ]);
  });

  it('starts a budget period again once it has ended: the spend is back to 0', async () => {
    const table = newTable('keys');
    const store = new KeyStore({ connectionString: POSTGRES_URL, table, cacheTtlMs: 0 });
    closing.push(() => store.close());
    const { key } = await store.create({ max_budget: 1, budget_duration: '1d' });
    const hash = hashKey(key);
    await store.addSpend(hash, 0.25);
    await store.addSpend(hash, 0.5);
    expect((await store.find(hash))?.spend).toBe(0.75);
    await admin.query(`UPDATE "${table}" SET budget_reset_at = now() - interval '1 second'`);
    const renewed = await store.find(hash);
    expect(renewed?.spend).toBe(0);
    expect(renewed?.budget_reset_at?.getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000);
  });

  it('adds concurrent spends atomically', async () => {
    const store = new KeyStore({ connectionString: POSTGRES_URL, table: newTable('keys') });
    closing.push(() => store.close());
    const { key } = await store.create();
    await Promise.all(Array.from({ length: 20 }, () => store.addSpend(hashKey(key), 0.001)));
    expect((await store.read(hashKey(key)))?.spend).toBeCloseTo(0.02, 10);
  });
});

describe('createKeyAuth and keySpend options', () => {
  it('refuses a missing or blank master key without quoting it', () => {
    expect(() => createKeyAuth({ connectionString: POSTGRES_URL } as never)).toThrow(
      /createKeyAuth options\.masterKey: expected a non-empty string/,
    );
    expect(() =>
      createKeyAuth({ connectionString: POSTGRES_URL, masterKey: ' sk-secret-with-space' }),
    ).toThrow(/received another string\.$/);
  });

  it('refuses a store option that is wrong, naming it', () => {
    expect(() =>
      createKeyAuth({ connectionString: POSTGRES_URL, masterKey: MASTER, table: 'Keys; DROP' }),
    ).toThrow(/createKeyAuth options\.table: expected a plain SQL identifier/);
    expect(() => createKeyAuth({ masterKey: MASTER } as never)).toThrow(
      /createKeyAuth options\.connectionString/,
    );
    expect(() => keySpend({} as never)).toThrow(/keySpend options\.store: expected a KeyStore/);
  });
});

/** JSON.stringify's replacer for what callback kwargs may hold beyond JSON. */
function safeJson(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

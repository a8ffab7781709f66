import { ShutdownError, ValidationError } from '../../src/kit/index.js';
import { generateShape, type KeyFields, parseFields } from './fields.js';
import { hashKey, intervalOf, KEY_HASH, keyName, newKey } from './key-format.js';
import { type KeyStoreOptions, type ResolvedStoreOptions, resolveStoreOptions } from './options.js';
import { assertPgInstalled, type OwnPool, openPool, rowsOf, storeError } from './pool.js';
import { type KeyInfo, keyInfoOf } from './record.js';
import {
  addSpendSql,
  insertSql,
  type KeyTableName,
  listSql,
  migrationSql,
  revokeSql,
  SCHEMA_VERSION,
  selectSql,
  UPDATABLE,
  updateSql,
} from './table.js';

/** A key looked up, and until when this process trusts it. */
interface Remembered {
  until: number;
  info: KeyInfo | undefined;
}

/**
 * Virtual keys in PostgreSQL: one row per key, found by the key's sha256 (the key itself is
 * never stored, and is shown once, by `create()`). The table is created, or migrated to this
 * version's schema, before the first statement. Lookups are remembered for `cacheTtlMs`, so
 * that a request costs no query while a revocation elsewhere still holds within that time.
 *
 * @example
 * const store = new KeyStore({ connectionString: process.env.DATABASE_URL });
 * const { key } = await store.create({ models: ['gpt-4o-mini'], rpm_limit: 60 });
 * const info = await store.find(hashKey(key));
 */
export class KeyStore {
  readonly #settings: ResolvedStoreOptions;
  readonly #name: KeyTableName;
  readonly #cache = new Map<string, Remembered>();
  readonly #loading = new Map<string, Promise<KeyInfo | undefined>>();
  #own: Promise<OwnPool> | undefined;
  #migrated: Promise<void> | undefined;
  #closed = false;

  /** @param factory what bad options are named after in errors (`createKeyAuth` when it makes the store) */
  constructor(options: KeyStoreOptions, factory = 'KeyStore') {
    this.#settings = resolveStoreOptions(factory, options);
    if (this.#settings.pool === undefined) assertPgInstalled();
    this.#name = { table: this.#settings.table, schema: this.#settings.schema };
  }

  /** Creates or migrates the table; every method waits for it. Rejects (and tries again next time) when PostgreSQL fails. */
  ready(): Promise<void> {
    this.#migrated ??= this.#migrate().catch((error: unknown) => {
      this.#migrated = undefined;
      throw error;
    });
    return this.#migrated;
  }

  /** A new key with these fields: the key (shown this once) and what is stored. */
  async create(fields: KeyFields = {}): Promise<{ key: string; info: KeyInfo }> {
    const checked = parseFields(generateShape, fields, 'KeyStore.create()');
    const key = newKey();
    const hash = hashKey(key);
    const values = [
      hash,
      keyName(key),
      checked.key_alias ?? null,
      checked.user_id ?? null,
      checked.team_id ?? null,
      checked.models ?? [],
      checked.rpm_limit ?? null,
      checked.tpm_limit ?? null,
      checked.max_parallel_requests ?? null,
      checked.max_budget ?? null,
      checked.budget_duration ?? null,
      JSON.stringify(checked.metadata ?? {}),
      intervalOrNull(checked.budget_duration),
      intervalOrNull(checked.duration),
    ];
    const info = await this.#one('create a key', insertSql(this.#name), values);
    if (info === undefined)
      throw storeError('create a key', this.#settings.table, 'no row came back');
    this.#remember(hash, info);
    return { key, info };
  }

  /** The key with this hash, from memory when looked up within `cacheTtlMs`; undefined when there is none. */
  find(hash: string): Promise<KeyInfo | undefined> {
    const remembered = this.remembered(hash);
    if (remembered !== undefined) return Promise.resolve(remembered.info);
    let loading = this.#loading.get(hash);
    if (loading === undefined) {
      loading = this.read(hash).finally(() => this.#loading.delete(hash));
      this.#loading.set(hash, loading);
    }
    return loading;
  }

  /**
   * What this process remembers of the key with this hash, looked up within `cacheTtlMs`
   * (`info` undefined: there is no such key); undefined when it must be looked up. No promise:
   * what a request's authentication asks first.
   */
  remembered(hash: string): { info: KeyInfo | undefined } | undefined {
    const remembered = this.#cache.get(hash);
    return remembered !== undefined && remembered.until > Date.now() ? remembered : undefined;
  }

  /** The key with this hash, from the table (and remembered). */
  async read(hash: string): Promise<KeyInfo | undefined> {
    if (!KEY_HASH.test(hash)) return undefined;
    const info = await this.#one('read a key', selectSql(this.#name), [hash]);
    this.#remember(hash, info);
    return info;
  }

  /** Changes the fields given (null clears one) of a key that is not revoked; undefined when there is none. */
  async update(hash: string, changes: KeyFields): Promise<KeyInfo | undefined> {
    const checked = parseFields(generateShape, changes, 'KeyStore.update()');
    if (!KEY_HASH.test(hash)) return undefined;
    const values: unknown[] = [hash];
    const set: string[] = [];
    const assign = (column: string, value: unknown, sql = (at: string) => at) => {
      values.push(value);
      set.push(`${column} = ${sql(`$${values.length}`)}`);
    };
    for (const column of UPDATABLE) {
      const value = checked[column];
      if (value !== undefined)
        assign(column, column === 'metadata' ? JSON.stringify(value) : value);
    }
    if (checked.budget_duration !== undefined) {
      assign('budget_duration', checked.budget_duration);
      assign(
        'budget_reset_at',
        intervalOrNull(checked.budget_duration),
        (at) => `now() + ${at}::interval`,
      );
    }
    if (checked.duration !== undefined) {
      assign('expires', intervalOrNull(checked.duration), (at) => `now() + ${at}::interval`);
    }
    const info = await this.#one('update a key', updateSql(this.#name, set), values);
    if (info !== undefined) this.#remember(hash, info);
    return info;
  }

  /** The live keys (not revoked), newest first: at most `limit` (from 1 to 10,000). */
  async list(limit = 1000): Promise<KeyInfo[]> {
    if (!(Number.isSafeInteger(limit) && limit >= 1 && limit <= 10_000)) {
      throw ValidationError.forField(
        'limit',
        `expected a whole number from 1 to 10000, received ${limit}.`,
      );
    }
    const rows = await this.#query('list keys', listSql(this.#name), [limit]);
    return rows.map(keyInfoOf).filter((info): info is KeyInfo => info !== undefined);
  }

  /** Revokes keys by hash: their requests are refused (in other processes within `cacheTtlMs`). The hashes of those found. */
  async revoke(hashes: readonly string[]): Promise<string[]> {
    const valid = hashes.filter((hash) => KEY_HASH.test(hash));
    if (valid.length === 0) return [];
    const rows = await this.#query('revoke keys', revokeSql(this.#name), [valid]);
    for (const hash of valid) this.#cache.delete(hash);
    return rows.map((row) => (row as { key_hash: string }).key_hash);
  }

  /** Adds `usd` to a key's spend, atomically (calls in every process count); nothing for an unknown hash. */
  async addSpend(hash: string, usd: number): Promise<void> {
    if (!KEY_HASH.test(hash)) {
      throw ValidationError.forField('hash', 'expected a key hash (64 hex digits).');
    }
    if (!(typeof usd === 'number' && Number.isFinite(usd) && usd >= 0)) {
      throw ValidationError.forField('usd', `expected US dollars from 0, received ${usd}.`);
    }
    if (usd === 0) return;
    const rows = await this.#query('add to a key’s spend', addSpendSql(this.#name), [hash, usd]);
    const row = rows[0] as { spend?: unknown; budget_reset_at?: unknown } | undefined;
    const remembered = this.#cache.get(hash);
    // This process sees its own calls' spend at once; others within cacheTtlMs.
    if (row !== undefined && remembered?.info !== undefined) {
      const spend = Number(row.spend);
      const resetAt = row.budget_reset_at instanceof Date ? row.budget_reset_at : null;
      if (Number.isFinite(spend)) {
        remembered.info = { ...remembered.info, spend, budget_reset_at: resetAt };
      }
    }
  }

  /** Forgets what it remembered and ends the pool it opened (never a pool of yours). */
  async close(): Promise<void> {
    this.#closed = true;
    this.#cache.clear();
    const own = this.#own;
    this.#own = undefined;
    if (own !== undefined) await (await own.catch(() => undefined))?.end();
  }

  #remember(hash: string, info: KeyInfo | undefined): void {
    if (this.#settings.cacheTtlMs === 0) return;
    this.#cache.delete(hash);
    this.#cache.set(hash, { until: Date.now() + this.#settings.cacheTtlMs, info });
    // Unknown keys are remembered too (no flood of made-up keys reaches the table): bounded.
    for (const oldest of this.#cache.keys()) {
      if (this.#cache.size <= this.#settings.maxCachedKeys) break;
      this.#cache.delete(oldest);
    }
  }

  async #one(doing: string, text: string, values: unknown[]): Promise<KeyInfo | undefined> {
    const rows = await this.#query(doing, text, values);
    return rows.length === 0 ? undefined : keyInfoOf(rows[0]);
  }

  async #query(doing: string, text: string, values?: unknown[]): Promise<unknown[]> {
    await this.ready();
    return rowsOf(await this.#run(doing, text, values));
  }

  async #run(doing: string, text: string, values?: unknown[]): Promise<unknown> {
    if (this.#closed) {
      throw new ShutdownError({ message: `the key store is closed: it could not ${doing}.` });
    }
    const pool = this.#settings.pool ?? (await this.#ownPool());
    try {
      return await pool.query(text, values);
    } catch (error) {
      throw storeError(doing, this.#settings.table, error);
    }
  }

  #ownPool(): Promise<OwnPool> {
    this.#own ??= openPool(this.#settings.connectionString, this.#settings.connectionTimeoutMs);
    return this.#own;
  }

  async #migrate(): Promise<void> {
    const rows = rowsOf(await this.#run('create its table', migrationSql(this.#name)));
    const version = Number((rows[0] as { version?: unknown } | undefined)?.version);
    if (version > SCHEMA_VERSION) {
      throw storeError(
        'use its table',
        this.#settings.table,
        `the table is at schema version ${version}, newer than this shallot knows (${SCHEMA_VERSION}): upgrade shallot`,
      );
    }
  }
}

function intervalOrNull(duration: string | null | undefined): string | null {
  return duration === undefined || duration === null ? null : intervalOf(duration);
}

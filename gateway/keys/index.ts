/**
 * Virtual keys for the gateway, as LiteLLM's proxy has them: keys made by the master key
 * (`/key/generate`), stored in PostgreSQL as their sha256 (never the key), each with the models
 * it may call, its limits, its budget and its metadata; looked up on every request (remembered
 * for `cacheTtlMs`), and charged each call's cost by the `keySpend()` layer.
 */
import type { IncomingMessage } from 'node:http';
import { describeValue, ValidationError } from '../../src/kit/index.js';
import type { HttpError } from '../errors.js';
import type { Caller, GatewayRoute } from '../index.js';
import { adminCheck } from './admin.js';
import { keyAuthenticator, MasterKey } from './authenticate.js';
import type { KeyStoreOptions } from './options.js';
import { keyRoutes } from './routes.js';
import { KeyStore } from './store.js';

export { ADMIN_ROLE, adminCheck } from './admin.js';
export { MasterKey, presentedKey } from './authenticate.js';
export type { KeyFields } from './fields.js';
export { hashKey } from './key-format.js';
export { keyLimitRule, keyLimitsOf } from './key-limits.js';
export type { KeyStoreOptions, KeyStorePool } from './options.js';
export type { KeyInfo, KeyLimits } from './record.js';
export { keySpend, type SpendStore } from './spend.js';
export { KeyStore } from './store.js';

/** Options of {@link createKeyAuth}: where the keys live (`connectionString` or `pool`), and the master key. */
export interface KeyAuthOptions extends KeyStoreOptions {
  /**
   * The key that may call every model and manage keys (`/key/*`), as LiteLLM's `master_key`.
   * Compared in constant time; never stored.
   */
  masterKey: string;
  /**
   * Receives the key store's failures (PostgreSQL down, say), which requests answer with a 503.
   * @default `console.error` of the message
   */
  onError?: (error: unknown) => void;
}

/** What {@link createKeyAuth} gives the gateway. */
export interface KeyAuth {
  /**
   * `createGateway({ authenticate })`: the master key, or a live virtual key; a 401 (or 429 for a
   * spent budget) else. A promise only when the key must be looked up in PostgreSQL.
   */
  authenticate: (request: IncomingMessage) => Caller | HttpError | Promise<Caller | HttpError>;
  /** `createGateway({ routes })`: `/key/generate`, `/key/info`, `/key/update`, `/key/delete`. */
  routes: Readonly<Record<string, GatewayRoute>>;
  /** True for the master key or a live key made with `metadata: { role: 'admin' }`: who may manage keys and see the dashboard. */
  isAdmin: (request: IncomingMessage) => Promise<boolean>;
  /** The keys, for `keySpend(auth.store)` and for code of your own. */
  store: KeyStore;
  /** Resolves once the table is created or migrated (it starts at once); rejects when PostgreSQL fails. */
  ready(): Promise<void>;
  /** Ends the pool it opened (never a pool of yours). */
  close(): Promise<void>;
}

/**
 * Virtual keys for `createGateway()`: `authenticate` finds the caller of a request by its key
 * (`Authorization: Bearer`, `api-key` or `x-api-key`): the master key calls every model; a
 * virtual key calls its models, with its metadata (and its hash as `user_api_key_hash`, its
 * limits as `key_limits`) on every call; an unknown, revoked or expired key is refused with a
 * 401, a key whose budget is spent with a 429. `routes` manage the keys, for the master key only.
 *
 * @example
 * const auth = createKeyAuth({ connectionString: process.env.DATABASE_URL, masterKey: process.env.MASTER_KEY });
 * const client = createClient({ middleware: [keySpend(auth.store)] });
 * const gateway = createGateway({ client, authenticate: auth.authenticate, routes: auth.routes });
 * // curl -H "Authorization: Bearer $MASTER_KEY" -d '{"models":["gpt-4o-mini"]}' localhost:4000/key/generate
 */
export function createKeyAuth(options: KeyAuthOptions): KeyAuth {
  const masterKey = options?.masterKey;
  if (typeof masterKey !== 'string' || masterKey.trim() !== masterKey || masterKey === '') {
    // Never quoted: it is a credential.
    throw ValidationError.forField(
      'createKeyAuth options.masterKey',
      `expected a non-empty string without surrounding spaces, received ${typeof masterKey === 'string' ? 'another string' : describeValue(masterKey)}.`,
    );
  }
  const onError =
    options.onError ??
    ((error: unknown) =>
      console.error(`[shallot gateway] ${error instanceof Error ? error.message : String(error)}`));
  const store = new KeyStore(options, 'createKeyAuth');
  const master = new MasterKey(masterKey);
  const isAdmin = adminCheck(store, master);
  // Migrates at once; a failure shows on the first request, which tries again.
  store.ready().catch(() => {});
  return {
    authenticate: keyAuthenticator(store, master, onError),
    routes: keyRoutes(store, isAdmin, onError),
    isAdmin,
    store,
    ready: () => store.ready(),
    close: () => store.close(),
  };
}

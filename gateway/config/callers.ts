import { limits } from '../../middleware/limits/index.js';
import type { Router } from '../../middleware/router/index.js';
import { type Middleware, type RedisStore, ValidationError } from '../../src/kit/index.js';
import { dashboardRoutes } from '../dashboard/routes.js';
import { type DashboardPool, queryDashboard } from '../dashboard/sql/index.js';
import type { GatewayOptions } from '../index.js';
import { createKeyAuth, keyLimitRule, keySpend } from '../keys/index.js';
import { type OwnPool, openPool } from '../keys/pool.js';
import { masterKeyAuth } from './master-key.js';

/** How a gateway built from a config knows its callers, and what to close after it. */
export interface Callers {
  /** Spread into `createGateway()`'s options. */
  options: Pick<GatewayOptions, 'authenticate' | 'routes'>;
  /** Which check it is, for the start-up line. */
  mode: 'open' | 'master key' | 'virtual keys';
  /**
   * The client layers the check needs, given the config's Redis store: for virtual keys, each
   * key's own rpm, tpm and parallel limits (`limits()`, shared through the store when there is
   * one) and its spend. `buildFromConfig()` puts them before the router.
   */
  layers(store: RedisStore | undefined): Middleware[];
  /** Ends what the check opened (the key store's pool). Never rejects. */
  close(): Promise<void>;
}

/**
 * The callers' check a config asks for, as LiteLLM's proxy has it: no `master_key`, none (every
 * request is anonymous); a `master_key` alone, a bearer check of that key; a `master_key` and a
 * `database_url`, virtual keys in PostgreSQL (`/key/generate` and the other `/key/*` routes,
 * for the master key), each call's cost charged to its key by a `keySpend()` layer added to
 * the client.
 *
 * @throws ValidationError naming `general_settings` when the key store cannot be made.
 */
export function callersOf(settings: {
  masterKey: string | undefined;
  databaseUrl: string | undefined;
  /** Milliseconds a key is trusted from memory. @default the key store's, 5000 */
  keyCacheTtlMs?: number;
  /** The router whose deployments the dashboard lists, once the client is built. */
  router?: () => Pick<Router, 'health'> | undefined;
}): Callers {
  const { masterKey, databaseUrl, keyCacheTtlMs } = settings;
  const none = () => [];
  if (masterKey === undefined) {
    return { options: {}, mode: 'open', layers: none, close: async () => {} };
  }
  if (databaseUrl === undefined) {
    return {
      options: { authenticate: masterKeyAuth(masterKey) },
      mode: 'master key',
      layers: none,
      close: async () => {},
    };
  }
  let auth: ReturnType<typeof createKeyAuth>;
  try {
    auth = createKeyAuth({
      connectionString: databaseUrl,
      masterKey,
      ...(keyCacheTtlMs === undefined ? {} : { cacheTtlMs: keyCacheTtlMs }),
    });
  } catch (error) {
    throw ValidationError.forField(
      'general_settings',
      error instanceof Error ? error.message : String(error),
    );
  }
  // The dashboard reads the spend log (always written with a database) on a pool of its own.
  let pool: Promise<OwnPool> | undefined;
  const spendLog: DashboardPool = {
    query: async (text, values) => {
      pool ??= openPool(databaseUrl, 5000);
      return (await pool).query(text, values);
    },
  };
  const dashboard = dashboardRoutes({
    isAdmin: auth.isAdmin,
    data: (query) => queryDashboard({ pool: spendLog, keys: {} }, query),
    keys: auth.store,
    router: { health: async () => (await settings.router?.()?.health()) ?? [] },
  });
  return {
    options: { authenticate: auth.authenticate, routes: { ...auth.routes, ...dashboard } },
    mode: 'virtual keys',
    layers: (store) => [
      limits({ rules: [keyLimitRule()], ...(store === undefined ? {} : { store }) }),
      keySpend(auth.store),
    ],
    close: async () => {
      await auth.close().catch(() => {});
      const opened = pool;
      pool = undefined;
      await (await opened?.catch(() => undefined))?.end().catch(() => {});
    },
  };
}

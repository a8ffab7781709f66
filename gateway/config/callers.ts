import { ValidationError } from '../../src/kit/index.js';
import type { GatewayOptions } from '../index.js';
import { createKeyAuth, keySpend } from '../keys/index.js';
import type { BuiltConfig } from './build.js';
import { masterKeyAuth } from './master-key.js';

/** How a gateway built from a config knows its callers, and what to close after it. */
export interface Callers {
  /** Spread into `createGateway()`'s options. */
  options: Pick<GatewayOptions, 'authenticate' | 'routes'>;
  /** Which check it is, for the start-up line. */
  mode: 'open' | 'master key' | 'virtual keys';
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
export function callersOf(built: BuiltConfig): Callers {
  const { masterKey, databaseUrl } = built;
  if (masterKey === undefined) return { options: {}, mode: 'open', close: async () => {} };
  if (databaseUrl === undefined) {
    return {
      options: { authenticate: masterKeyAuth(masterKey) },
      mode: 'master key',
      close: async () => {},
    };
  }
  let auth: ReturnType<typeof createKeyAuth>;
  try {
    auth = createKeyAuth({ connectionString: databaseUrl, masterKey });
  } catch (error) {
    throw ValidationError.forField(
      'general_settings',
      error instanceof Error ? error.message : String(error),
    );
  }
  built.client.use(keySpend(auth.store));
  return {
    options: { authenticate: auth.authenticate, routes: auth.routes },
    mode: 'virtual keys',
    close: () => auth.close().catch(() => {}),
  };
}

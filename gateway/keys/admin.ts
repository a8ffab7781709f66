import type { IncomingMessage } from 'node:http';
import { type MasterKey, presentedKey } from './authenticate.js';
import { hashKey } from './key-format.js';
import type { KeyStore } from './store.js';

/** The role a virtual key's metadata gives it to manage keys and see the dashboard: `{ "role": "admin" }`. */
export const ADMIN_ROLE = 'admin';

/**
 * Whether a request comes from an administrator: the master key, or a live virtual key (not
 * revoked, not expired) made with `metadata: { role: 'admin' }` (as LiteLLM's `proxy_admin`).
 * Such a key manages keys and sees the dashboard; it calls models as any key does. A failing
 * key store answers false.
 */
export function adminCheck(
  store: KeyStore,
  master: MasterKey,
): (request: IncomingMessage) => Promise<boolean> {
  return async (request) => {
    const key = presentedKey(request);
    if (key === undefined) return false;
    const hash = hashKey(key);
    if (master.matchesHash(hash)) return true;
    const info = await store.find(hash).catch(() => undefined);
    if (info === undefined || info.blocked) return false;
    if (info.expires !== null && info.expires.getTime() <= Date.now()) return false;
    return info.metadata.role === ADMIN_ROLE;
  };
}

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The gateways the gateway workload puts between the load and the fake server: the floor (the
 * least a Node gateway does: `floor-gateway.ts`), shallot's with no keys, shallot's with a
 * virtual key and the limits layer in memory, and Portkey's (only with `--portkey`).
 */
export type GatewayVariant = 'floor' | 'shallot' | 'shallot-keys' | 'portkey';

/** What a gateway's process tells the benchmark once it listens. */
export interface GatewayReady {
  /** Where the load sends its calls: `http://127.0.0.1:<port>/v1`. */
  apiBase: string;
  /** The headers of every call: the key, and what else the gateway needs to know. */
  headers: Record<string, string>;
  /** Where the virtual key lives, for `shallot-keys`. */
  keys?: 'postgres' | 'memory';
}

/**
 * Where the virtual keys' PostgreSQL is: `SHALLOT_BENCH_DATABASE_URL`, else the machine's own.
 * The benchmark makes a schema of its own there, and drops it at the end.
 */
export const POSTGRES_URL =
  process.env.SHALLOT_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The Portkey gateway the `--portkey` contender runs. */
export const PORTKEY_VERSION = '1.15.2';
/** The variable that says where it is installed (never a dependency of shallot's). */
export const PORTKEY_DIR_VARIABLE = 'SHALLOT_BENCH_PORTKEY_DIR';
/** Its server, under the folder it was installed in. */
export const PORTKEY_ENTRY = 'node_modules/@portkey-ai/gateway/build/start-server.js';

/**
 * The folder `@portkey-ai/gateway` was installed in, from `SHALLOT_BENCH_PORTKEY_DIR`.
 * @throws Error saying how to install it when the variable is unset or the folder lacks it
 */
export function portkeyDirOf(env: NodeJS.ProcessEnv): string {
  const given = env[PORTKEY_DIR_VARIABLE];
  const install = `mkdir -p /tmp/portkey && cd /tmp/portkey && npm init -y && npm install @portkey-ai/gateway@${PORTKEY_VERSION}`;
  if (!given) {
    throw new Error(
      `--portkey needs ${PORTKEY_DIR_VARIABLE}, the folder @portkey-ai/gateway is installed in: ${install}, then ${PORTKEY_DIR_VARIABLE}=/tmp/portkey`,
    );
  }
  const dir = resolve(given);
  if (!existsSync(join(dir, PORTKEY_ENTRY))) {
    throw new Error(`${PORTKEY_DIR_VARIABLE}=${given}: no ${PORTKEY_ENTRY} there; ${install}`);
  }
  return dir;
}

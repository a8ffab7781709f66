/**
 * One gateway of the gateway workload, in a process of its own (forked by `gateways.ts`), in
 * front of the benchmark's fake server: its work is counted apart from the load's and the
 * server's. It tells the parent over IPC where to send the load (`GatewayReady`), answers
 * `'cpu'` with its CPU time so far, and exits on `'stop'` or when the parent goes.
 *
 * Arguments: the variant (see `GatewayVariant`) and the fake server's OpenAI base URL. For
 * telling costs apart (`ab.ts`), `GW_LIMITS=0` leaves out `shallot-keys`' limits layer and
 * `GW_KEYS=memory` checks its key from a `Map` instead of PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { createClient } from 'shallot';
import {
  type Caller,
  createGateway,
  createKeyAuth,
  type GatewayOptions,
  httpError,
  keyLimitRule,
  presentedKey,
} from 'shallot/gateway';
import { limits } from 'shallot/middleware/limits';
import { benchAgent } from '../agent.js';
import { API_KEY } from '../wire.js';
import { startFloorGateway } from './floor-gateway.js';
import {
  type GatewayReady,
  type GatewayVariant,
  PORTKEY_ENTRY,
  POSTGRES_URL,
  portkeyDirOf,
} from './variants.js';

const [variant, upstream] = process.argv.slice(2) as [GatewayVariant, string];
/** Work to do before the process exits: close the gateway, drop the keys' schema. */
const cleanups: Array<() => Promise<unknown>> = [];

async function start(): Promise<GatewayReady> {
  if (variant === 'portkey') return startPortkey();
  if (variant === 'floor') return startFloor();
  const keyed = variant === 'shallot-keys' ? await keyAuth() : undefined;
  const dispatcher = benchAgent();
  const client = createClient({
    dispatcher,
    providers: { openai: { apiKey: API_KEY, apiBase: upstream } },
    // A key's own limits, as `shallot serve` wires them, counted in this process's memory.
    middleware:
      keyed === undefined || process.env.GW_LIMITS === '0'
        ? []
        : [limits({ rules: [keyLimitRule()] })],
  });
  const gateway = createGateway({ client, ...keyed?.options });
  // The load keeps its connections for the whole run, as it does with the fake server.
  gateway.server.keepAliveTimeout = 600_000;
  const url = await gateway.listen();
  cleanups.unshift(async () => {
    await gateway.close({ graceMs: 1_000 });
    await dispatcher.close();
  });
  return {
    apiBase: `${url}/v1`,
    headers: { authorization: `Bearer ${keyed?.key ?? API_KEY}` },
    ...(keyed === undefined ? {} : { keys: keyed.where }),
  };
}

/** The floor gateway (`floor-gateway.ts`) on an agent of its own. */
async function startFloor(): Promise<GatewayReady> {
  const dispatcher = benchAgent();
  const { url, server } = await startFloorGateway(upstream, dispatcher);
  cleanups.unshift(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await dispatcher.close();
  });
  return { apiBase: `${url}/v1`, headers: { authorization: `Bearer ${API_KEY}` } };
}

/** What the gateway of virtual keys is given: where the key lives, the key, its options. */
interface KeyedGateway {
  where: 'postgres' | 'memory';
  key: string;
  options: Pick<GatewayOptions, 'authenticate' | 'routes'>;
}

/**
 * A virtual key as `createKeyAuth()` makes and checks it, in a schema of this run's own in
 * PostgreSQL (dropped at the end); its limits are far above the load, so the limits layer
 * counts every call and refuses none. Without PostgreSQL, the same caller from a `Map`.
 */
async function keyAuth(): Promise<KeyedGateway> {
  const keyLimits = { rpm_limit: 1_000_000_000, max_parallel_requests: 1_000_000 };
  if (process.env.GW_KEYS === 'memory') return memoryKeyAuth(keyLimits);
  const admin = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3_000 });
  admin.on('error', () => {});
  const schema = `shallot_bench_${process.pid}_${randomBytes(4).toString('hex')}`;
  try {
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${schema}"`);
  } catch (error) {
    await admin.end().catch(() => {});
    console.error(
      `[bench] gateway: no PostgreSQL at ${POSTGRES_URL.replace(/\/\/[^@/]*@/, '//')} (${(error as Error).message}); the virtual key is checked from memory`,
    );
    return memoryKeyAuth(keyLimits);
  }
  cleanups.push(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });
  const auth = createKeyAuth({
    connectionString: POSTGRES_URL,
    schema,
    masterKey: `sk-master-${randomBytes(16).toString('hex')}`,
  });
  cleanups.unshift(() => auth.close());
  await auth.ready();
  const { key } = await auth.store.create({ key_alias: 'bench', ...keyLimits });
  return {
    where: 'postgres',
    key,
    options: { authenticate: auth.authenticate, routes: auth.routes },
  };
}

/** The caller `createKeyAuth()` gives a key with these limits, found in a `Map` by the key. */
function memoryKeyAuth(keyLimits: Record<string, number>): KeyedGateway {
  const key = `sk-bench-virtual-${randomBytes(16).toString('hex')}`;
  const callers = new Map<string, Caller>([
    [
      key,
      // Frozen, as the callers of createKeyAuth() are: every call of the key shares them.
      Object.freeze({
        metadata: Object.freeze({
          user_api_key_hash: randomBytes(32).toString('hex'),
          key_alias: 'bench',
          key_limits: Object.freeze(keyLimits),
        }),
      }),
    ],
  ]);
  return {
    where: 'memory',
    key,
    options: {
      authenticate: (request) =>
        callers.get(presentedKey(request) ?? '') ??
        httpError(401, 'invalid API key: no such key', 'invalid_api_key'),
    },
  };
}

/**
 * Portkey's gateway (`@portkey-ai/gateway`, installed apart: see bench/README.md) started in
 * this process, on a free port: its `start-server.js` reads the port from `process.argv`. The
 * load names the provider and the fake server in Portkey's headers; the key goes through.
 */
async function startPortkey(): Promise<GatewayReady> {
  const port = await freePort();
  const entry = join(portkeyDirOf(process.env), PORTKEY_ENTRY);
  process.argv = [process.argv[0] as string, entry, `--port=${port}`, '--headless'];
  // Resolves once its start-up banner is written, a second after it listens.
  await import(pathToFileURL(entry).href);
  return {
    apiBase: `http://127.0.0.1:${port}/v1`,
    headers: {
      authorization: `Bearer ${API_KEY}`,
      'x-portkey-provider': 'openai',
      'x-portkey-custom-host': upstream,
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

let stopping: Promise<void> | undefined;

/** Runs the cleanups once (a 'stop', then the parent going, asks twice), then exits. */
function stop(): Promise<void> {
  stopping ??= (async () => {
    for (const cleanup of cleanups) {
      await cleanup().catch((error: unknown) => console.error(`[bench] gateway: ${error}`));
    }
    process.exit(0);
  })();
  return stopping;
}

process.on('message', (message) => {
  if (message === 'stop') void stop();
  else if (message === 'cpu') {
    const usage = process.cpuUsage();
    process.send?.({ cpuMicros: usage.user + usage.system });
  }
});
process.on('disconnect', () => void stop());

start().then(
  (ready) => process.send?.(ready),
  (error: unknown) => {
    console.error(`[bench] gateway ${variant} failed to start:`, error);
    process.exit(1);
  },
);

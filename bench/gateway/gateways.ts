import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { API_KEY } from '../wire.js';
import {
  type GatewayReady,
  type GatewayVariant,
  PORTKEY_VERSION,
  portkeyDirOf,
} from './variants.js';

/** Where the gateway workload sends its load: the fake server itself, or a gateway before it. */
export interface Target {
  /** Its name in the report. */
  name: string;
  /** Its OpenAI base URL. */
  apiBase: string;
  /** The headers of every call. */
  headers: Record<string, string>;
  /** CPU time of the gateway's process so far, in microseconds; 0 without a gateway. Ask one at a time. */
  cpuMicros(): Promise<number>;
  /** Stops the gateway and waits for its process to exit. */
  close(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

/** The fake server called straight, as the floor calls it: what the gateways are compared to. */
export function directTarget(apiBase: string): Target {
  return {
    name: 'direct (no gateway)',
    apiBase,
    headers: { authorization: `Bearer ${API_KEY}` },
    cpuMicros: async () => 0,
    close: async () => {},
  };
}

/**
 * Forks a gateway's process (`gateway-process.ts`) in front of the fake server at `upstream`
 * (its `/v1` base URL), and resolves once it listens. `nodeOptions` go to its `node`
 * (`--cpu-prof`, say: see profile.ts).
 */
export async function startGateway(
  variant: GatewayVariant,
  upstream: string,
  nodeOptions: readonly string[] = [],
  env: NodeJS.ProcessEnv = process.env,
): Promise<Target> {
  // Checked here, to fail before the fork with the way to install it.
  if (variant === 'portkey') portkeyDirOf(process.env);
  const child = fork(
    fileURLToPath(new URL('./gateway-process.ts', import.meta.url)),
    [variant, upstream],
    {
      execArgv: [...nodeOptions, '--import', 'tsx'],
      env,
      // Portkey writes a banner (and clears the screen) on stdout.
      stdio: ['ignore', variant === 'portkey' ? 'ignore' : 'inherit', 'inherit', 'ipc'],
    },
  );
  const ready = await readyOf(child, variant);
  let stopping = false;
  child.on('exit', (code, signal) => {
    if (!stopping)
      console.error(
        `[bench] gateway ${variant} exited unexpectedly (code ${code}, signal ${signal})`,
      );
  });
  return {
    name: nameOf(variant, ready),
    apiBase: ready.apiBase,
    headers: ready.headers,
    cpuMicros: () =>
      new Promise((resolve, reject) => {
        child.once('message', (message) => {
          const cpuMicros = (message as { cpuMicros?: unknown }).cpuMicros;
          if (typeof cpuMicros === 'number') resolve(cpuMicros);
          else reject(new Error(`gateway ${variant} sent ${JSON.stringify(message)}, not its CPU`));
        });
        child.send('cpu');
      }),
    close: async () => {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.send('stop');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

function nameOf(variant: GatewayVariant, ready: GatewayReady): string {
  if (variant === 'portkey') return `portkey ${PORTKEY_VERSION}`;
  if (variant === 'floor') return 'floor: node:http + undici, no shallot';
  if (variant === 'shallot') return 'shallot gateway';
  return `shallot gateway, virtual key${ready.keys === 'memory' ? ' (in memory)' : ''} + limits`;
}

function readyOf(child: ChildProcess, variant: GatewayVariant): Promise<GatewayReady> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`gateway ${variant} did not start within ${START_TIMEOUT_MS / 1000} s`));
    }, START_TIMEOUT_MS);
    child.once('message', (message) => {
      clearTimeout(timer);
      const ready = message as Partial<GatewayReady>;
      if (typeof ready.apiBase === 'string' && typeof ready.headers === 'object')
        resolve(ready as GatewayReady);
      else reject(new Error(`gateway ${variant} sent ${JSON.stringify(message)}, not its address`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gateway ${variant} exited with code ${code} before listening`));
    });
  });
}

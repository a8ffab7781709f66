import { Cache, createClient, type Middleware } from 'shallot';
import { limits } from 'shallot/middleware/limits';
import { Client } from 'shallot/src/client/client.js';
import type { ClientOptions } from 'shallot/src/client/options.js';
import { cache } from '../middleware/cache/index.js';
import { callbacks } from '../middleware/callbacks/index.js';
import { cost } from '../middleware/cost/index.js';
import { resilience } from '../middleware/resilience/index.js';
import { router } from '../middleware/router/index.js';
import { API_KEY, MODEL } from './wire.js';

/** A client of the overhead microbenchmark and what it measures. */
export interface OverheadClient {
  label: string;
  client: Client;
  /** The model its calls ask for. @default `openai/<the bench model>` */
  model?: string;
  /** The metadata of its calls. @default none */
  metadata?: Record<string, unknown>;
}

/** The built-in layers in the order `createClient` stacks them, outermost first. */
const BUILT_IN_ORDER = ['callbacks', 'cost', 'cache', 'resilience'] as const;
type BuiltInLayer = (typeof BUILT_IN_ORDER)[number];

const OPTIONS: ClientOptions = { providers: { openai: { apiKey: API_KEY } } };

/** A layer that does nothing but pass the call on. */
const passThrough: Middleware = async function passThrough(_ctx, next) {
  await next();
};

/** `createClient()` with no middleware of its own, and with `layers` pass-through layers. */
export function userLayerClients(layers: number): OverheadClient[] {
  return [
    { label: 'createClient, 0 user layers', client: createClient(OPTIONS) },
    {
      label: `createClient, ${layers} pass-through layers`,
      client: createClient({
        ...OPTIONS,
        middleware: Array.from({ length: layers }, () => passThrough),
      }),
    },
  ];
}

/**
 * Clients with the built-in layers added one at a time, in `createClient`'s order and with its
 * wiring (see `index.ts`): none, then callbacks, then cost, cache and resilience. From the
 * callbacks step on, each client has one no-op success callback, so that layer does its work.
 * The last one also has `client.cache = new Cache()`, so the cache layer misses and stores.
 */
export function builtInLayerClients(): OverheadClient[] {
  const steps: OverheadClient[] = [{ label: 'no built-in layers', client: withBuiltIns([]) }];
  BUILT_IN_ORDER.forEach((layer, index) => {
    steps.push({ label: `+ ${layer}`, client: withBuiltIns(BUILT_IN_ORDER.slice(0, index + 1)) });
  });
  const missing = withBuiltIns(BUILT_IN_ORDER);
  missing.cache = new Cache();
  steps.push({
    label: 'all four, client.cache = new Cache() (every call a miss)',
    client: missing,
  });
  return steps;
}

/** Each built-in layer made as `createClient` in `index.ts` makes it. */
const BUILT_INS: Record<BuiltInLayer, (client: Client, checked: ClientOptions) => Middleware> = {
  callbacks: (client) => callbacks(client),
  cost: (client) => cost({ prices: client.prices }),
  cache: (client) => cache({ cache: () => client.cache }),
  resilience: (_client, checked) =>
    resilience({ numRetries: checked.numRetries, ...checked.retry }),
};

function withBuiltIns(layers: readonly BuiltInLayer[]): Client {
  const client = new Client(OPTIONS, (self, checked) =>
    layers.map((layer) => BUILT_INS[layer](self, checked)),
  );
  if (layers.includes('callbacks')) client.successCallback.push(function noop() {});
  return client;
}

/**
 * The router's own cost: `createClient()` calling the model directly, then through a router
 * (weighted shuffle, in memory) over three deployments of a group that serve that model.
 */
export function routerClients(): OverheadClient[] {
  const modelList = ['a', 'b', 'c'].map((id, index) => ({
    modelName: 'bench-group',
    model: `openai/${MODEL}`,
    apiKey: API_KEY,
    weight: index + 1,
    id,
  }));
  return [
    { label: 'createClient, the model called directly', client: createClient(OPTIONS) },
    {
      label: '+ router(): a group of three deployments, weighted shuffle',
      client: createClient({ ...OPTIONS, middleware: [router({ modelList })] }),
      model: 'bench-group',
    },
  ];
}

/** The user of the limited calls; the direct client's calls carry the same metadata. */
const LIMITED_METADATA = { user: 'bench-user' };

/**
 * The limits' own cost, in memory: `createClient()` calling the model directly, then through
 * `limits()` with a rule per user that never refuses (rpm and maxParallel), then with a daily
 * budget per user as well, whose reservation prices the prompt counted by the tokenizer. Every
 * call has `metadata.user`.
 */
export function limitsClients(): OverheadClient[] {
  const perUser = { name: 'per-user', scope: 'user', rpm: 1e9, maxParallel: 1e6 };
  // A million dollars a day: at most a few hundred calls of the bench model per second.
  const budget = { usd: 1e6, period: 'day' as const };
  return [
    {
      label: 'createClient, the model called directly',
      client: createClient(OPTIONS),
      metadata: LIMITED_METADATA,
    },
    {
      label: '+ limits(): rpm and maxParallel per user',
      client: createClient({ ...OPTIONS, middleware: [limits({ rules: [perUser] })] }),
      metadata: LIMITED_METADATA,
    },
    {
      label: '+ limits(): rpm, maxParallel and a daily budget per user',
      client: createClient({
        ...OPTIONS,
        middleware: [limits({ rules: [{ ...perUser, budget }] })],
      }),
      metadata: LIMITED_METADATA,
    },
  ];
}

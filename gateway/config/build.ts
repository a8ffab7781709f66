import { createClient } from '../../index.js';
import { type DeploymentOptions, type Router, router } from '../../middleware/router/index.js';
import type { Client } from '../../src/client/client.js';
import {
  Cache,
  type Middleware,
  type PriceInput,
  RedisStore,
  ValidationError,
} from '../../src/kit/index.js';
import type { GatewayOptions } from '../index.js';
import { mockDeploymentId, mockDeployments } from './mock-deployments.js';
import type { Environment } from './read.js';
import type { CacheParams, ConfigDeployment, RouterSettings, ShallotConfig } from './schema.js';
import { sinksOf } from './sinks.js';

/** Options of {@link buildFromConfig}. */
export interface BuildOptions {
  /** Where sinks read their settings (`SHALLOT_JSONL_PATH`, `SHALLOT_WEBHOOK_URL`). @default process.env */
  env?: Environment;
  /**
   * Layers of the caller's check (the virtual keys' limits and spend), given the config's Redis
   * store: placed after the sinks and before the router, so that a call over its key's limits
   * never takes a deployment's request.
   */
  layers?: (store: RedisStore | undefined) => Middleware[];
}

/** What a config builds: a client and the gateway's options, and what authentication needs. */
export interface BuiltConfig {
  /** The client: sinks, then the router (when `model_list` has deployments), then the built-in layers. */
  client: Client;
  /** The router, when `model_list` has deployments. */
  router: Router | undefined;
  /** `createGateway()`'s options: the client, its model groups, readiness of Redis. No authentication: add it. */
  gatewayOptions: GatewayOptions;
  /** `general_settings.master_key`: the key that may do everything (the gateway's admin key). */
  masterKey: string | undefined;
  /** `general_settings.database_url`: where virtual keys and spend live. */
  databaseUrl: string | undefined;
  /** The Redis store of `router_settings.redis_*`, shared by the router and the cache; for the keys' limits too. */
  store: RedisStore | undefined;
  /** Shuts the client down (flushes and closes its sinks and cache), then closes the store. Never rejects. */
  close(options?: { timeoutMs?: number }): Promise<void>;
}

/**
 * Builds the client a checked config describes (`schema.ts` lists what it reads): `model_list`
 * and `router_settings` become a `router()`, the callback lists its sinks, `cache` the client's
 * cache, `num_retries` and `request_timeout` the client's retries and timeout; one Redis store
 * (`router_settings.redis_*`) serves the router and a Redis cache.
 *
 * @throws ValidationError naming the setting when a part cannot be made (a sink's missing
 * package or variable, say); nothing is left open then.
 * @example
 * const { config } = await loadConfig('shallot.yaml');
 * const built = buildFromConfig(config);
 * const gateway = createGateway({ ...built.gatewayOptions, authenticate });
 */
export function buildFromConfig(config: ShallotConfig, options: BuildOptions = {}): BuiltConfig {
  const env = options.env ?? process.env;
  const routing = config.router_settings ?? {};
  const settings = config.litellm_settings ?? {};
  const databaseUrl = config.general_settings?.database_url;
  const store = redisStoreOf(routing);
  const opened: Array<{ close(): unknown }> = store ? [store] : [];
  try {
    const layers: Middleware[] = sinksOf(settings, { env, databaseUrl });
    opened.push(...(layers as Array<Middleware & { close(): unknown }>));
    layers.push(...(options.layers?.(store) ?? []));
    const deployments = config.model_list ?? [];
    let routerLayer: Router | undefined;
    if (deployments.length > 0) {
      routerLayer = made('model_list', () =>
        router({
          modelList: deployments.map(toDeploymentOptions),
          strategy: routing.routing_strategy,
          allowedFails: routing.allowed_fails,
          cooldownMs:
            routing.cooldown_time === undefined
              ? undefined
              : Math.round(routing.cooldown_time * 1000),
          store,
        }),
      );
      layers.push(routerLayer);
      const mocks = mocksOf(deployments);
      if (mocks.size > 0) layers.push(mockDeployments(mocks));
    }
    const client = createClient({
      middleware: layers,
      pricing: pricingOf(deployments),
      numRetries: routing.num_retries ?? settings.num_retries,
      timeout: settings.request_timeout === undefined ? undefined : settings.request_timeout * 1000,
    });
    if (settings.cache === true) {
      client.cache = made('litellm_settings.cache_params', () =>
        cacheOf(settings.cache_params ?? {}, store),
      );
    }
    const stores = redisStoresOf(store, client.cache);
    return {
      client,
      router: routerLayer,
      gatewayOptions: {
        client,
        models: routerLayer?.groups ?? [],
        ...(stores.length === 0 ? {} : { readiness: () => redisReadiness(stores) }),
      },
      masterKey: config.general_settings?.master_key,
      databaseUrl,
      store,
      close: async ({ timeoutMs = 10_000 } = {}) => {
        await client.shutdown({ timeoutMs });
        await store?.close().catch(() => {});
      },
    };
  } catch (error) {
    for (const resource of opened) Promise.resolve(resource.close()).catch(() => {});
    throw error;
  }
}

/** A deployment in the router's words: LiteLLM's snake_case fields in camelCase. */
function toDeploymentOptions(entry: ConfigDeployment, index: number): DeploymentOptions {
  const params = entry.litellm_params;
  const id =
    entry.model_info?.id ??
    (params.mock_response === undefined ? undefined : mockDeploymentId(entry, index));
  return withoutUndefined({
    modelName: entry.model_name,
    model: params.model,
    apiBase: params.api_base,
    apiKey: params.api_key,
    apiVersion: params.api_version,
    rpm: params.rpm,
    tpm: params.tpm,
    weight: params.weight,
    order: params.order,
    id,
  });
}

/** The prices `litellm_params` give (`input_cost_per_token`, ...), by the deployment's model. */
function pricingOf(deployments: readonly ConfigDeployment[]): Record<string, PriceInput> {
  const pricing: Record<string, PriceInput> = {};
  for (const { litellm_params: params } of deployments) {
    const { input_cost_per_token: input, output_cost_per_token: output } = params;
    if (input === undefined && output === undefined) continue;
    pricing[params.model] = withoutUndefined({
      input_cost_per_token: input,
      output_cost_per_token: output,
    });
  }
  return pricing;
}

/** The mock text of each deployment that has one, by the id the router gives it. */
function mocksOf(deployments: readonly ConfigDeployment[]): Map<string, string> {
  const mocks = new Map<string, string>();
  deployments.forEach((entry, index) => {
    const text = entry.litellm_params.mock_response;
    if (text === undefined) return;
    mocks.set(entry.model_info?.id ?? mockDeploymentId(entry, index), text);
  });
  return mocks;
}

function redisStoreOf(routing: RouterSettings): RedisStore | undefined {
  const { redis_host: host, redis_port: port, redis_password: password } = routing;
  if (host === undefined && port === undefined && password === undefined) return undefined;
  return made(
    'router_settings.redis_host',
    () => new RedisStore(withoutUndefined({ host, port, password })),
  );
}

/**
 * The cache of `cache_params`: in memory (`local`, the default), or Redis: the router's store
 * when `cache_params` names no server of its own, else a connection of its own.
 */
function cacheOf(params: CacheParams, store: RedisStore | undefined): Cache {
  const common = withoutUndefined({ ttl: params.ttl, namespace: params.namespace });
  if ((params.type ?? 'local') === 'local') return new Cache({ type: 'local', ...common });
  const own =
    params.host !== undefined || params.port !== undefined || params.password !== undefined;
  if (store !== undefined && !own) return new Cache({ store, timeoutMs: 1000, ...common });
  const server = withoutUndefined({
    host: params.host,
    port: params.port,
    password: params.password,
  });
  return new Cache({ type: 'redis', ...server, ...common });
}

function redisStoresOf(store: RedisStore | undefined, cache: Cache | null): RedisStore[] {
  const stores = new Set<RedisStore>(store ? [store] : []);
  if (cache?.store instanceof RedisStore) stores.add(cache.store);
  return [...stores];
}

/** `{ redis: true }` when every Redis answers PING within its command timeout. */
async function redisReadiness(stores: readonly RedisStore[]): Promise<Record<string, boolean>> {
  const answers = await Promise.all(
    stores.map((store) =>
      store
        .run((redis) => redis.call('PING'))
        .then(
          (reply) => reply === 'PONG',
          () => false,
        ),
    ),
  );
  return { redis: answers.every(Boolean) };
}

/** Runs a factory; its failure (a missing package, a refused option) names the setting. */
function made<T>(field: string, make: () => T): T {
  try {
    return make();
  } catch (error) {
    throw ValidationError.forField(field, error instanceof Error ? error.message : String(error));
  }
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}

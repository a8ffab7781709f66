import { optionError, type PriceBook, type RedisStore } from '../../src/kit/index.js';

/** One deployment of a model group, as LiteLLM's `model_list` names its fields (in camelCase). */
export interface DeploymentOptions {
  /** The group (the name callers use): `'gpt-4o'`. */
  modelName: string;
  /** The model this deployment serves, `provider/model`: `'azure/gpt-4o-eu'`. */
  model: string;
  /** Its base URL, over the provider's settings. */
  apiBase?: string;
  /** Its key, over the provider's settings; never printed, logged or part of its id. */
  apiKey?: string;
  /** Its API version (Azure). */
  apiVersion?: string;
  /** Headers sent to it. */
  headers?: Record<string, string>;
  /** Requests per minute it takes; the router sends no more (across processes with a Redis store). */
  rpm?: number;
  /** Tokens per minute it takes. */
  tpm?: number;
  /** Its share of the weighted shuffle. @default its rpm, else its tpm, else 1 */
  weight?: number;
  /** Lower orders are tried first; a higher one only when every lower one is unavailable. @default 0 */
  order?: number;
  /** Its context window, over the price table's `max_input_tokens`. */
  maxInputTokens?: number;
  /** A stable id; by default a hash of its settings (the key's hash included), the same in every process. */
  id?: string;
}

/** How the router chooses among a group's available deployments. */
export type RoutingStrategy =
  | 'simple-shuffle'
  | 'least-busy'
  | 'latency-based-routing'
  | 'usage-based-routing';

/** Options of {@link router}. */
export interface RouterOptions {
  /** The deployments, LiteLLM's `model_list`. */
  modelList: readonly DeploymentOptions[];
  /** @default 'simple-shuffle' (weighted by `weight`, else `rpm`, else `tpm`) */
  strategy?: RoutingStrategy;
  /** Retryable failures of a deployment within a minute before it is cooled. @default 3 */
  allowedFails?: number;
  /** Cool a deployment when at least this share of its calls this minute failed (and `minRequests` were made). @default 0.5 */
  failureRate?: number;
  /** Calls in a minute before `failureRate` applies. @default 5 */
  minRequests?: number;
  /** Milliseconds a cooled deployment gets no calls. @default 5000 */
  cooldownMs?: number;
  /** A Redis store (the one the cache uses): cooldowns and per-minute usage shared by every process. */
  store?: RedisStore;
  /** Milliseconds before a Redis command counts as failed and the router uses this process's state. @default 200 */
  storeTimeoutMs?: number;
  /** Prices (for context windows) other than the bundled table's. */
  prices?: PriceBook;
  /** The random numbers of the shuffle, for tests: a function giving numbers in [0, 1). @default Math.random */
  random?: () => number;
}

/** The options after checking, with their defaults. */
export interface RouterSettings {
  strategy: RoutingStrategy;
  allowedFails: number;
  failureRate: number;
  minRequests: number;
  cooldownMs: number;
  storeTimeoutMs: number;
  random: () => number;
}

const STRATEGIES: readonly RoutingStrategy[] = [
  'simple-shuffle',
  'least-busy',
  'latency-based-routing',
  'usage-based-routing',
];

/** Checks the options once, when the factory runs; throws naming the bad option. */
export function checkRouterOptions(options: RouterOptions): RouterSettings {
  if (options === null || typeof options !== 'object') {
    throw optionError('router', '(options)', 'an object with a modelList', options);
  }
  const strategy = options.strategy ?? 'simple-shuffle';
  if (!STRATEGIES.includes(strategy)) {
    throw optionError('router', 'strategy', `one of ${STRATEGIES.join(', ')}`, strategy);
  }
  const whole = (name: string, value: unknown, fallback: number, least: number): number => {
    if (value === undefined) return fallback;
    if (typeof value === 'number' && Number.isInteger(value) && value >= least) return value;
    throw optionError('router', name, `a whole number from ${least}`, value);
  };
  const failureRate = options.failureRate ?? 0.5;
  if (!(typeof failureRate === 'number' && failureRate > 0 && failureRate <= 1)) {
    throw optionError('router', 'failureRate', 'a number above 0, at most 1', failureRate);
  }
  if (options.random !== undefined && typeof options.random !== 'function') {
    throw optionError('router', 'random', 'a function giving numbers in [0, 1)', options.random);
  }
  return {
    strategy,
    allowedFails: whole('allowedFails', options.allowedFails, 3, 0),
    failureRate,
    minRequests: whole('minRequests', options.minRequests, 5, 1),
    cooldownMs: whole('cooldownMs', options.cooldownMs, 5000, 0),
    storeTimeoutMs: whole('storeTimeoutMs', options.storeTimeoutMs, 200, 1),
    random: options.random ?? Math.random,
  };
}

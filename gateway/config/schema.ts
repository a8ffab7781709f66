import { z } from 'zod';
import type { RoutingStrategy } from '../../middleware/router/index.js';

/**
 * The part of LiteLLM proxy's `config.yaml` that shallot has, in LiteLLM's own (snake_case)
 * words. Every key of every object here is one shallot acts on; any other key of the file is
 * reported at start and ignored (see `read.ts`), so this schema is also the list of what is
 * supported.
 */

/** A number, or the text of one: an `os.environ/NAME` reference always gives text. */
const NUMBER_TEXT = /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i;
const numeric = <T extends z.ZodType>(schema: T) =>
  z.preprocess(
    (value) => (typeof value === 'string' && NUMBER_TEXT.test(value) ? Number(value) : value),
    schema,
  );

/** Text; a bare YAML number (a numeric password, `api_version: 2024`) is taken as its text. */
const text = z.preprocess(
  (value) => (typeof value === 'number' ? String(value) : value),
  z.string().min(1),
);
const positive = numeric(z.number().positive());
const seconds = numeric(z.number().nonnegative());
const dollars = seconds;
const whole = numeric(z.number().int().nonnegative());
const port = numeric(z.number().int().min(1).max(65_535));
const httpUrl = z.url({ protocol: /^https?$/ });

/** LiteLLM's routing strategies, each to the router's own name. */
export const ROUTING_STRATEGIES = {
  'simple-shuffle': 'simple-shuffle',
  'least-busy': 'least-busy',
  'latency-based-routing': 'latency-based-routing',
  'usage-based-routing': 'usage-based-routing',
  'usage-based-routing-v2': 'usage-based-routing',
} as const satisfies Record<string, RoutingStrategy>;

const strategy = z
  .enum(Object.keys(ROUTING_STRATEGIES) as [keyof typeof ROUTING_STRATEGIES])
  .transform((name): RoutingStrategy => ROUTING_STRATEGIES[name]);

/** A list of callback names; LiteLLM also takes one name alone. */
const names = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => (typeof value === 'string' ? [value] : value));

const litellmParams = z.object({
  model: z.string().min(1),
  api_base: httpUrl.optional(),
  api_key: text.optional(),
  api_version: text.optional(),
  rpm: positive.optional(),
  tpm: positive.optional(),
  weight: positive.optional(),
  order: numeric(z.number().int()).optional(),
  mock_response: z.string().optional(),
  input_cost_per_token: dollars.optional(),
  output_cost_per_token: dollars.optional(),
});

const deployment = z.object({
  model_name: z.string().min(1),
  litellm_params: litellmParams,
  model_info: z.object({ id: text.optional() }).optional(),
});

const routerSettings = z.object({
  routing_strategy: strategy.optional(),
  allowed_fails: whole.optional(),
  cooldown_time: seconds.optional(),
  num_retries: whole.optional(),
  redis_host: z.string().min(1).optional(),
  redis_port: port.optional(),
  redis_password: text.optional(),
});

const cacheParams = z.object({
  type: z.enum(['local', 'redis']).optional(),
  host: z.string().min(1).optional(),
  port: port.optional(),
  password: text.optional(),
  ttl: positive.optional(),
  namespace: z.string().min(1).optional(),
});

const litellmSettings = z.object({
  num_retries: whole.optional(),
  request_timeout: positive.optional(),
  success_callback: names.optional(),
  failure_callback: names.optional(),
  callbacks: names.optional(),
  cache: z.boolean().optional(),
  cache_params: cacheParams.optional(),
});

const generalSettings = z.object({
  master_key: text.optional(),
  database_url: z.string().min(1).optional(),
  /** Seconds a virtual key is trusted from memory before PostgreSQL is asked again (a revocation's delay). */
  user_api_key_cache_ttl: seconds.optional(),
});

/** The whole file. */
export const configSchema = z.object({
  model_list: z.array(deployment).optional(),
  router_settings: routerSettings.optional(),
  litellm_settings: litellmSettings.optional(),
  general_settings: generalSettings.optional(),
});

/** A config file, checked: what `loadConfig()` gives and `buildFromConfig()` takes. */
export type ShallotConfig = z.output<typeof configSchema>;
/** One entry of `model_list`, checked. */
export type ConfigDeployment = z.output<typeof deployment>;
/** `litellm_settings`, checked. */
export type LitellmSettings = z.output<typeof litellmSettings>;
/** `litellm_settings.cache_params`, checked. */
export type CacheParams = z.output<typeof cacheParams>;
/** `router_settings`, checked. */
export type RouterSettings = z.output<typeof routerSettings>;

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isTimeoutError, isValidationError, RedisStore, type ValidationError } from 'shallot';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type BuiltConfig,
  buildFromConfig,
  type Environment,
  loadConfig,
  parseConfig,
} from '../../gateway/config/index.js';
import { fixture, useFakeProvider } from '../support/fake-provider.js';
import { cleanUpRedisAfterAll, itWithRedis, REDIS_HOST, REDIS_PORT } from '../support/redis.js';

const fake = useFakeProvider({ reply: { body: fixture('openai-chat.json') } });
const origin = () => fake.url.replace(/\/v1$/, '');
const messages = [{ role: 'user' as const, content: 'Hello' }];
const built: BuiltConfig[] = [];
afterEach(async () => {
  for (const each of built.splice(0)) await each.close({ timeoutMs: 1000 });
});

/** The client and the rest a YAML text builds, and its warnings. */
function fromYaml(yaml: string, env: Environment = {}) {
  const { config, warnings } = parseConfig(yaml, { env });
  const result = buildFromConfig(config, { env });
  built.push(result);
  return { ...result, warnings: warnings.map((warning) => warning.message) };
}

/** The ValidationError a config fails with: the test fails when it parses. */
function failure(yaml: string, env: Environment = {}): ValidationError {
  try {
    parseConfig(yaml, { env });
  } catch (error) {
    if (isValidationError(error)) return error;
    throw error;
  }
  throw new Error('the config parsed');
}

describe('parseConfig() and buildFromConfig()', () => {
  it('routes a model group to its deployments, each with its own base and key, and retries on the next by order', async () => {
    fake.reply(
      { status: 503, body: '{"error":{"message":"busy"}}' },
      { body: fixture('openai-chat.json') },
    );
    const { client, gatewayOptions } = fromYaml(`
model_list:
  - model_name: gpt
    litellm_params: { model: openai/gpt-4.1-nano, api_base: "${origin()}/a/v1", api_key: sk-a, order: 1 }
  - model_name: gpt
    litellm_params: { model: openai/gpt-4.1-nano, api_base: "${origin()}/b/v1", api_key: sk-b, order: 2 }
  - model_name: azure-gpt
    litellm_params:
      model: azure/gpt-4o-eu
      api_base: "${origin()}"
      api_key: az-key
      api_version: "2024-10-21"
router_settings:
  num_retries: 1
  allowed_fails: 0
`);
    expect(gatewayOptions.models).toEqual(['gpt', 'azure-gpt']);
    await client.completion({ model: 'gpt', messages });
    expect(fake.requests.map((request) => [request.path, request.headers.authorization])).toEqual([
      ['/a/v1/chat/completions', 'Bearer sk-a'],
      ['/b/v1/chat/completions', 'Bearer sk-b'],
    ]);
    await client.completion({ model: 'azure-gpt', messages });
    expect(fake.requests[2]?.path).toBe(
      '/openai/deployments/gpt-4o-eu/chat/completions?api-version=2024-10-21',
    );
    expect(fake.requests[2]?.headers['api-key']).toBe('az-key');
  });

  it('reads os.environ/NAME from the environment, wherever a value is', async () => {
    const { client, masterKey, databaseUrl } = fromYaml(
      `
model_list:
  - model_name: gpt
    litellm_params: { model: openai/gpt-4.1-nano, api_base: os.environ/BASE, api_key: os.environ/KEY, rpm: os.environ/RPM }
general_settings:
  master_key: os.environ/MASTER
  database_url: os.environ/DATABASE_URL
`,
      {
        BASE: fake.url,
        KEY: 'sk-from-env',
        RPM: '600',
        MASTER: 'sk-master',
        DATABASE_URL: 'postgres://127.0.0.1/x',
      },
    );
    await client.completion({ model: 'gpt', messages });
    expect(fake.requests[0]?.headers.authorization).toBe('Bearer sk-from-env');
    expect(masterKey).toBe('sk-master');
    expect(databaseUrl).toBe('postgres://127.0.0.1/x');
  });

  it('fails on an unset variable, naming the path and the variable', () => {
    const error = failure(`
model_list:
  - model_name: gpt
    litellm_params: { model: openai/gpt-4o, api_key: os.environ/AZURE_KEY_EU }
`);
    expect(error.field).toBe('model_list[0].litellm_params.api_key');
    expect(error.message).toBe(
      'model_list[0].litellm_params.api_key: os.environ/AZURE_KEY_EU names the environment variable AZURE_KEY_EU, which is not set: set it, or write the value in the file.',
    );
  });

  it('reports every key it does not support by its path, at any depth, with the key a typo meant', () => {
    const { warnings } = fromYaml(`
model_list:
  - model_name: demo
    litellm_params: { model: openai/demo, mock_response: Hi, aws_region_name: eu-west-1 }
    model_info: { id: demo-1, mode: chat }
  - model_name: "openai/*"
    litellm_params: { model: openai/gpt-4o-mini, api_key: sk-x }
router_settings:
  routing_stratgy: least-busy
litellm_settings:
  drop_params: true
  success_callback: [console, langfuse, consol]
  cache_params: { type: local }
guardrails:
  - guardrail_name: pii
    litellm_params: { api_key: os.environ/UNSET_AND_IGNORED }
general_settings:
  masterkey: sk-typo
`);
    expect(warnings).toMatchInlineSnapshot(`
      [
        "model_list[0].litellm_params.aws_region_name: not supported by shallot; ignored.",
        "model_list[0].model_info.mode: not supported by shallot; ignored.",
        "router_settings.routing_stratgy: not a setting shallot knows: did you mean routing_strategy? Ignored.",
        "litellm_settings.drop_params: not supported by shallot; ignored.",
        "guardrails: not supported by shallot; ignored.",
        "general_settings.masterkey: not a setting shallot knows: did you mean master_key? Ignored.",
        "model_list[1].model_name: "openai/*": wildcard groups are not supported by shallot: this group answers only calls for the model named "openai/*".",
        "litellm_settings.success_callback[1]: "langfuse" is not a sink shallot has (console, jsonl, otel, opentelemetry, prometheus, postgres, webhook); ignored.",
        "litellm_settings.success_callback[2]: "consol" is not a sink shallot has: did you mean "console"? Ignored.",
        "litellm_settings.cache_params: ignored without \`cache: true\`.",
      ]
    `);
  });

  it.each([
    ['model_list[0].litellm_params.rpm', 'rpm: fast', 'expected a number, received string "fast"'],
    ['model_list[0].litellm_params.api_base', 'api_base: not-a-url', 'expected a valid url'],
    ['model_list[0].litellm_params.order', 'order: 1.5', 'expected an int'],
  ])('fails on a bad value, naming its path: %s', (field, line, problem) => {
    const error = failure(`
model_list:
  - model_name: gpt
    litellm_params:
      model: openai/gpt-4o
      ${line}
`);
    expect(error.field).toBe(field);
    expect(error.message).toContain(`${field}: ${problem}`);
  });

  it('fails on a routing strategy, a cache type or a provider that shallot does not have', () => {
    expect(failure('router_settings: { routing_strategy: cost-based-routing }').message).toBe(
      `router_settings.routing_strategy: expected one of 'simple-shuffle', 'least-busy', 'latency-based-routing', 'usage-based-routing', 'usage-based-routing-v2', received string "cost-based-routing".`,
    );
    expect(failure('litellm_settings: { cache: true, cache_params: { type: s3 } }').field).toBe(
      'litellm_settings.cache_params.type',
    );
    const provider = failure(`
model_list:
  - model_name: claude
    litellm_params: { model: bedrock/anthropic.claude-3-5-sonnet }
`);
    expect(provider.field).toBe('model_list[0].litellm_params.model');
    expect(provider.message).toContain('"bedrock" is not a provider shallot has');
  });

  it('fails on bad YAML, and on a file that is not a mapping', () => {
    expect(failure('model_list: [').field).toBe('(yaml)');
    expect(failure('- model_name: gpt').field).toBe('(config)');
  });

  it('answers a deployment with a mock_response without network, and only that deployment', async () => {
    fake.reply({ status: 503, body: '{"error":{"message":"busy"}}' });
    const { client } = fromYaml(`
model_list:
  - model_name: demo
    litellm_params: { model: openai/gpt-4.1-nano, api_base: "${fake.url}", api_key: sk-real, order: 1 }
  - model_name: demo
    litellm_params:
      model: openai/demo-mock
      mock_response: Hi from the mock
      order: 2
      input_cost_per_token: 0
      output_cost_per_token: 0
litellm_settings:
  num_retries: 1
`);
    const answer = await client.completion({ model: 'demo', messages });
    // The first attempt went to the real deployment (503), the retry to the mock.
    expect(fake.requests).toHaveLength(1);
    expect(answer.choices[0]?.message.content).toBe('Hi from the mock');
    expect(answer.model).toBe('openai/demo-mock');
    // A model the router passes through is the caller's own business.
    fake.reply({ body: fixture('openai-chat.json') });
    const own = await client.completion({
      model: 'openai/gpt-4.1-nano',
      messages,
      apiKey: 'sk-caller',
      apiBase: fake.url,
    });
    expect(own.choices[0]?.message.content).not.toBe('Hi from the mock');
  });

  it('takes cooldown_time in seconds and LiteLLM names of routing strategies', async () => {
    fake.reply({ status: 503, body: '{"error":{"message":"busy"}}' });
    const { client, router } = fromYaml(`
model_list:
  - model_name: gpt
    litellm_params: { model: openai/gpt-4.1-nano, api_base: "${fake.url}", api_key: sk-a }
router_settings: { routing_strategy: usage-based-routing-v2, allowed_fails: 0, cooldown_time: 30 }
`);
    const before = Date.now();
    await expect(client.completion({ model: 'gpt', messages })).rejects.toThrow();
    const [health] = (await router?.health()) ?? [];
    const coolingMs = (health?.coolingUntil?.getTime() ?? 0) - before;
    expect(health?.state).toBe('cooling');
    expect(coolingMs).toBeGreaterThanOrEqual(30_000);
    expect(coolingMs).toBeLessThan(31_000);
  });

  it('takes request_timeout in seconds', async () => {
    fake.reply({ hang: true });
    const { client } = fromYaml(`
model_list:
  - model_name: gpt
    litellm_params: { model: openai/gpt-4.1-nano, api_base: "${fake.url}", api_key: sk-a }
litellm_settings: { request_timeout: 0.05 }
`);
    const error = await client.completion({ model: 'gpt', messages }).catch((caught) => caught);
    expect(isTimeoutError(error)).toBe(true);
  });

  it('caches with cache: true (in memory unless cache_params say redis)', async () => {
    const { client } = fromYaml(`
model_list:
  - model_name: gpt
    litellm_params: { model: openai/gpt-4.1-nano, api_base: "${fake.url}", api_key: sk-a }
litellm_settings: { cache: true, cache_params: { ttl: 60 } }
`);
    expect(client.cache?.type).toBe('local');
    await client.completion({ model: 'gpt', messages });
    await client.completion({ model: 'gpt', messages });
    expect(fake.requests).toHaveLength(1);
  });

  it('logs to the sinks the callback lists name, each once (jsonl to SHALLOT_JSONL_PATH), priced as litellm_params say', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'shallot-config-'));
    try {
      const path = join(folder, 'calls.jsonl');
      const { client } = fromYaml(
        `
model_list:
  - model_name: demo
    litellm_params: { model: openai/demo, mock_response: Hi, input_cost_per_token: 0, output_cost_per_token: 0 }
litellm_settings:
  success_callback: [jsonl]
  failure_callback: [jsonl]
  callbacks: jsonl
`,
        { SHALLOT_JSONL_PATH: path },
      );
      await client.completion({ model: 'demo', messages });
      await client.flush();
      const lines = (await readFile(path, 'utf8')).trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0] as string)).toMatchObject({
        model: 'openai/demo',
        response_cost: 0, // litellm_params' prices
        metadata: { model_group: 'demo' },
      });
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('fails when a named sink lacks its setting, naming the list entry', () => {
    const { config } = parseConfig('litellm_settings: { callbacks: [console, postgres] }');
    expect(() => buildFromConfig(config, { env: {} })).toThrow(
      'litellm_settings.callbacks[1]: "postgres" needs general_settings.database_url.',
    );
    const webhook = parseConfig('litellm_settings: { success_callback: [webhook] }').config;
    expect(() => buildFromConfig(webhook, { env: {} })).toThrow(
      'litellm_settings.success_callback[0]: "webhook" needs the environment variable SHALLOT_WEBHOOK_URL',
    );
  });

  it('loadConfig() reads a file, and names it in its errors', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'shallot-config-'));
    try {
      const path = join(folder, 'shallot.yaml');
      await writeFile(path, 'router_settings: { allowed_fails: -1 }\n');
      await expect(loadConfig(path)).rejects.toThrow(
        `${path}: router_settings.allowed_fails: must be at least 0, received number -1.`,
      );
      await expect(loadConfig(join(folder, 'none.yaml'))).rejects.toThrow('no such file');
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});

describe('a config with Redis', () => {
  cleanUpRedisAfterAll();

  itWithRedis(
    'shares one store (router_settings.redis_*) between the router and the cache, and reports readiness',
    async () => {
      const result = fromYaml(`
model_list:
  - model_name: demo
    litellm_params: { model: openai/demo, mock_response: Hi }
router_settings: { redis_host: "${REDIS_HOST}", redis_port: ${REDIS_PORT} }
litellm_settings: { cache: true, cache_params: { type: redis, ttl: 60, namespace: "shallot-test-config" } }
`);
      expect(result.store).toBeInstanceOf(RedisStore);
      expect(result.client.cache?.store).toBe(result.store);
      expect(await result.gatewayOptions.readiness?.()).toEqual({ redis: true });
    },
  );
});

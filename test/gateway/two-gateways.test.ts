/**
 * Two `shallot serve` processes from one config, sharing Redis (each key's rpm) and PostgreSQL
 * (the keys and their spend), in front of one fake provider: what a deployment with several
 * replicas relies on.
 */
import { randomBytes } from 'node:crypto';
import OpenAI from 'openai';
import { afterEach, expect, it } from 'vitest';
import { hashKey } from '../../gateway/keys/index.js';
import { fixture, useFakeProvider } from '../support/fake-provider.js';
import { describeWithPostgres } from '../support/postgres.js';
import { useTestSchemas } from '../support/postgres-schema.js';
import {
  deleteRedisKeys,
  describeWithRedis,
  REDIS_HOST,
  REDIS_PORT,
  REDIS_URL,
} from '../support/redis.js';
import { type ServedGateway, useShallotCli } from '../support/shallot-cli.js';

const MASTER_KEY = `sk-master-${randomBytes(8).toString('hex')}`;
/** The key store's `cacheTtlMs` default: the config has no setting for it. */
const KEY_CACHE_TTL_MS = 5000;
/**
 * The configured prices, in units of 1e-10 dollars (the spend column's precision), so that sums
 * are exact; not the built-in prices of gpt-4.1-nano, which the config's must override.
 */
const INPUT_UNITS = 1500n;
const OUTPUT_UNITS = 6000n;
const UNITS_PER_DOLLAR = 10_000_000_000n;

/** A recorded OpenAI answer with the usage that `content` asks for (`"<prompt> <completion>"`), else the recorded one. */
function answerFor(content: unknown): string {
  const answer = JSON.parse(fixture('openai-chat.json'));
  const asked = /^(\d+) (\d+)$/.exec(String(content));
  if (asked) {
    const [prompt, completion] = [Number(asked[1]), Number(asked[2])];
    answer.usage = {
      ...answer.usage,
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
    };
  }
  return JSON.stringify(answer);
}

const fake = useFakeProvider({
  reply: {
    respond: ({ body }) => {
      const sent = body.messages as Array<{ content?: unknown }> | undefined;
      return { body: answerFor(sent?.at(-1)?.content) };
    },
  },
});
const { served, configFile } = useShallotCli();
const testSchema = useTestSchemas();

describeWithRedis('two shallot serve processes sharing Redis', () => {
  describeWithPostgres('and PostgreSQL', () => {
    /**
     * The ids in the Redis keys this test's gateways wrote: its deployment's and its keys'
     * hashes. The config's Redis store writes under its own prefix (`shallot:`; the config has
     * no setting for another), not this run's namespace: after each test, its keys are found by
     * these ids and deleted. Every one has a TTL.
     */
    const redisIds: string[] = [];
    afterEach(async () => {
      await deleteRedisKeys(
        redisIds.splice(0).map((id) => `*${id}*`),
        'the gateways',
      );
    });

    /** Two gateways from one config: the same deployment, Redis and database (a schema of the test's own). */
    async function twoGateways(purpose: string) {
      const schema = await testSchema(purpose);
      // The router's keys in Redis carry the deployment's id: one of this test's own.
      const deployment = `two-gateways-${randomBytes(6).toString('hex')}`;
      redisIds.push(deployment);
      const password = decodeURIComponent(new URL(REDIS_URL).password);
      const config = await configFile(
        `${purpose}.yaml`,
        `
model_list:
  - model_name: priced
    litellm_params:
      model: openai/gpt-4.1-nano
      api_base: "${fake.url}"
      api_key: sk-upstream
      input_cost_per_token: ${Number(INPUT_UNITS) / Number(UNITS_PER_DOLLAR)}
      output_cost_per_token: ${Number(OUTPUT_UNITS) / Number(UNITS_PER_DOLLAR)}
    model_info: { id: ${deployment} }
router_settings:
  redis_host: "${REDIS_HOST}"
  redis_port: ${REDIS_PORT}
${password === '' ? '' : '  redis_password: os.environ/TEST_REDIS_PASSWORD\n'}general_settings:
  master_key: os.environ/TEST_MASTER_KEY
  database_url: os.environ/TEST_DATABASE_URL
`,
      );
      const env = {
        TEST_MASTER_KEY: MASTER_KEY,
        TEST_DATABASE_URL: schema.url,
        ...(password === '' ? {} : { TEST_REDIS_PASSWORD: password }),
      };
      const gateways = await Promise.all([served(config, env), served(config, env)]);
      for (const { cli } of gateways) {
        expect(cli.stdout()).toContain('callers: virtual keys)');
        expect(cli.stderr(), 'no warning of an ignored setting').toBe('');
      }
      const [one, two] = gateways as [ServedGateway, ServedGateway];
      return { one, two, schema };
    }

    /** A new virtual key, made through `gateway` by the master key. */
    async function generate(gateway: ServedGateway, fields: Record<string, unknown> = {}) {
      const made = await manage(gateway, 'POST', '/key/generate', {
        models: ['priced'],
        ...fields,
      });
      const { key } = made as { key: string };
      redisIds.push(hashKey(key));
      return key;
    }

    const openai = (gateway: ServedGateway, key: string) =>
      new OpenAI({ apiKey: key, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    const chat = (gateway: ServedGateway, key: string, content = 'Hi') =>
      openai(gateway, key).chat.completions.create({
        model: 'priced',
        messages: [{ role: 'user', content }],
      });

    it('lets exactly rpm_limit requests of a key through, across both, within the minute', async () => {
      const { one, two } = await twoGateways('rpm');
      const key = await generate(one, { rpm_limit: 30 });
      // Twenty at each, all at once: the window is one, in Redis.
      const outcomes = await Promise.allSettled(
        Array.from({ length: 40 }, (_, index) => chat(index % 2 === 0 ? one : two, key)),
      );
      const passed = outcomes.filter((outcome) => outcome.status === 'fulfilled');
      const refused = outcomes.flatMap((outcome) =>
        outcome.status === 'rejected' ? [outcome.reason] : [],
      );
      expect(passed).toHaveLength(30);
      expect(refused).toHaveLength(10);
      for (const error of refused) expect(error).toBeInstanceOf(OpenAI.RateLimitError);
      expect(fake.requests).toHaveLength(30);
      // Spent for the minute on both.
      for (const gateway of [one, two]) {
        await expect(chat(gateway, key)).rejects.toBeInstanceOf(OpenAI.RateLimitError);
      }
      expect(fake.requests).toHaveLength(30);
      await stopped(one, two);
    });

    it('refuses a key revoked through one gateway at once there, and within the key cache TTL on the other', async () => {
      const { one, two } = await twoGateways('revoke');
      const key = await generate(one);
      // Both have looked the key up and remember it.
      await chat(one, key);
      await chat(two, key);
      expect(await manage(one, 'POST', '/key/delete', { keys: [key] })).toEqual({
        deleted_keys: [key],
      });
      const revokedAt = Date.now();
      const refusal = await failureOf(chat(one, key));
      expect(refusal).toBeInstanceOf(OpenAI.AuthenticationError);
      expect((refusal as InstanceType<typeof OpenAI.APIError>).code).toBe('invalid_api_key');
      // The other remembered the key before the revocation: it asks again once that expires.
      await expect
        .poll(() => statusOf(chat(two, key)), { interval: 100, timeout: KEY_CACHE_TTL_MS + 2000 })
        .toBe(401);
      // A poll's interval and a request's time over the TTL, no more.
      expect(Date.now() - revokedAt).toBeLessThanOrEqual(KEY_CACHE_TTL_MS + 750);
      await stopped(one, two);
    });

    it('adds the spend of calls through both to the key, exactly the sum of their costs', async () => {
      const { one, two, schema } = await twoGateways('spend');
      const key = await generate(one);
      // Each call with usage of its own: prompt and completion tokens in the message.
      const usages = Array.from({ length: 16 }, (_, index): [number, number] => [
        7 + index * 3,
        11 + index * 17,
      ]);
      const answers = await Promise.all(
        usages.map(([prompt, completion], index) =>
          chat(index % 2 === 0 ? one : two, key, `${prompt} ${completion}`),
        ),
      );
      expect(
        answers.map((answer) => [answer.usage?.prompt_tokens, answer.usage?.completion_tokens]),
      ).toEqual(usages);
      const units = usages.reduce(
        (sum, [prompt, completion]) =>
          sum + BigInt(prompt) * INPUT_UNITS + BigInt(completion) * OUTPUT_UNITS,
        0n,
      );
      const expected = Number(units) / Number(UNITS_PER_DOLLAR);
      expect(expected).toBeGreaterThan(0);
      // Spend is written off the hot path, after each answer: it shows on /key/info soon after.
      for (const gateway of [one, two]) {
        await expect
          .poll(async () => spendOf(await manage(gateway, 'GET', `/key/info?key=${key}`)), {
            interval: 50,
          })
          .toSatisfy((spend: number) => Math.abs(spend - expected) <= 1e-9);
      }
      // Stopped, both have flushed: nothing more was added, and the column holds the exact sum.
      await stopped(one, two);
      const admin = await schema.admin();
      const { rows } = await admin.query(
        `SELECT spend::text FROM "${schema.name}".shallot_keys WHERE key_hash = $1`,
        [hashKey(key)],
      );
      expect(rows).toEqual([{ spend: decimalOf(units) }]);
    });

    async function manage(gateway: ServedGateway, method: string, path: string, body?: unknown) {
      const response = await fetch(`${gateway.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${MASTER_KEY}` },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const answer: unknown = await response.json();
      expect(response.status, JSON.stringify(answer)).toBe(200);
      return answer;
    }
  });
});

/**
 * Stops the gateways (SIGTERM: requests drained, spend flushed): each exits 0 having written
 * nothing to stderr but its stopping lines (no failed spend write, no callback error).
 */
async function stopped(...gateways: ServedGateway[]): Promise<void> {
  expect(await Promise.all(gateways.map((gateway) => gateway.stop()))).toEqual(
    gateways.map(() => 0),
  );
  for (const { cli } of gateways) {
    const lines = cli
      .stderr()
      .split('\n')
      .filter((line) => line !== '');
    expect(lines.filter((line) => !/^shallot: (SIGTERM: stopping|stopped\.)/.test(line))).toEqual(
      [],
    );
  }
}

/** 200 when the call is answered, else the status it was refused with. */
function statusOf(call: Promise<unknown>): Promise<number | undefined> {
  return call.then(
    () => 200,
    (error: unknown) => {
      if (error instanceof OpenAI.APIError) return error.status;
      throw error;
    },
  );
}

function spendOf(answer: unknown): number {
  return (answer as { info: { spend: number } }).info.spend;
}

/** `units` of 1e-10 dollars as the spend column's text (`numeric(20,10)`). */
function decimalOf(units: bigint): string {
  const digits = units.toString().padStart(11, '0');
  return `${digits.slice(0, -10)}.${digits.slice(-10)}`;
}

/** The error `promise` rejects with, or undefined when it resolves. */
async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return error;
  }
}

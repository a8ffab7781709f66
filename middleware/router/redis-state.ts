import type { RedisStore } from '../../src/kit/index.js';
import type { Deployment } from './deployments.js';
import { type Claim, MINUTE_MS, type SharedCounts, type SharedState } from './state.js';

/** How long a minute's counters outlive their minute. */
const COUNTER_TTL_MS = 2 * MINUTE_MS;

/**
 * KEYS: per deployment, in preference order: its cooldown, this minute's requests, tokens.
 * ARGV: now, then per deployment its rpm and tpm (0: none). Returns the position (from 0) of
 * the first that is not cooling and under its limits, its request counted; else -1 and the
 * earliest epoch millisecond one is back (0: none).
 */
const CLAIM = `
local now = tonumber(ARGV[1])
local back = 0
for i = 1, #KEYS / 3 do
  local cooling = tonumber(redis.call('GET', KEYS[i * 3 - 2]) or '0')
  local blocked = 0
  if cooling > now then
    blocked = cooling
  else
    local rpm = tonumber(ARGV[i * 2])
    local tpm = tonumber(ARGV[i * 2 + 1])
    local requests = tonumber(redis.call('GET', KEYS[i * 3 - 1]) or '0')
    local tokens = tonumber(redis.call('GET', KEYS[i * 3]) or '0')
    if (rpm > 0 and requests >= rpm) or (tpm > 0 and tokens >= tpm) then
      blocked = (math.floor(now / ${MINUTE_MS}) + 1) * ${MINUTE_MS}
    end
  end
  if blocked == 0 then
    redis.call('INCR', KEYS[i * 3 - 1])
    redis.call('PEXPIRE', KEYS[i * 3 - 1], ${COUNTER_TTL_MS})
    return {i - 1, 0}
  end
  if back == 0 or blocked < back then back = blocked end
end
return {-1, back}
`;

/** KEYS: a cooldown. ARGV: until, now. Keeps the later of the two cooldowns. */
const COOL = `
local until = tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if until > current then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', math.max(1, until - tonumber(ARGV[2])))
end
return 1
`;

/**
 * The router's shared state in Redis, through the cache's store (its connection and key
 * prefix): a cooldown key per deployment (expiring with the cooldown), and per-minute request
 * and token counters (expiring two minutes on). Every claim is one Lua script, so that any
 * number of processes admit exactly a deployment's `rpm` between them in a minute.
 */
export class RedisRouterState implements SharedState {
  readonly #store: RedisStore;

  constructor(store: RedisStore) {
    this.#store = store;
  }

  async claim(ordered: readonly Deployment[], now: number): Promise<Claim> {
    const minute = Math.floor(now / MINUTE_MS);
    const keys: string[] = [];
    const limits: number[] = [];
    for (const deployment of ordered) {
      keys.push(
        coolKey(deployment),
        requestsKey(deployment, minute),
        tokensKey(deployment, minute),
      );
      limits.push(deployment.rpm ?? 0, deployment.tpm ?? 0);
    }
    const reply = (await this.#store.run((redis) =>
      redis.call('EVAL', CLAIM, keys.length, ...keys, now, ...limits),
    )) as [number, number];
    const [index, back] = reply;
    return index >= 0 ? { index } : back > 0 ? { index: -1, backAt: back } : { index: -1 };
  }

  async addTokens(deployment: Deployment, tokens: number, now: number): Promise<void> {
    const key = tokensKey(deployment, Math.floor(now / MINUTE_MS));
    await this.#store.run(async (redis) => {
      await redis.call('INCRBY', key, Math.round(tokens));
      await redis.call('PEXPIRE', key, COUNTER_TTL_MS);
    });
  }

  async cool(deployment: Deployment, until: number, now: number): Promise<void> {
    await this.#store.run((redis) => redis.call('EVAL', COOL, 1, coolKey(deployment), until, now));
  }

  async snapshot(
    deployments: readonly Deployment[],
    now: number,
  ): Promise<Map<string, SharedCounts>> {
    const minute = Math.floor(now / MINUTE_MS);
    const keys = deployments.flatMap((deployment) => [
      coolKey(deployment),
      requestsKey(deployment, minute),
      tokensKey(deployment, minute),
    ]);
    const values = (await this.#store.run((redis) => redis.call('MGET', ...keys))) as Array<
      string | null
    >;
    const counts = new Map<string, SharedCounts>();
    deployments.forEach((deployment, position) => {
      const number = (offset: number) => Number(values[position * 3 + offset] ?? 0) || 0;
      counts.set(deployment.id, {
        coolingUntil: number(0),
        requests: number(1),
        tokens: number(2),
      });
    });
    return counts;
  }
}

function coolKey(deployment: Deployment): string {
  return `router:cooldown:${deployment.id}`;
}

function requestsKey(deployment: Deployment, minute: number): string {
  return `router:requests:${deployment.id}:${minute}`;
}

function tokensKey(deployment: Deployment, minute: number): string {
  return `router:tokens:${deployment.id}:${minute}`;
}

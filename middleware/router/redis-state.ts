import { type RedisStore, UnexpectedError } from '../../src/kit/index.js';
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
  local cooling = tonumber(redis.call('GET', KEYS[i * 3 - 2])) or 0
  local blocked = 0
  if cooling > now then
    blocked = cooling
  else
    local rpm = tonumber(ARGV[i * 2])
    local tpm = tonumber(ARGV[i * 2 + 1])
    local requests = tonumber(redis.call('GET', KEYS[i * 3 - 1])) or 0
    local tokens = tonumber(redis.call('GET', KEYS[i * 3])) or 0
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

/**
 * KEYS: a minute's tokens. ARGV: tokens to add. One script, so that the counter never exists
 * without its expiry (a process that stopped between two commands would leave it forever).
 */
const ADD_TOKENS = `
redis.call('INCRBY', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ${COUNTER_TTL_MS})
return 1
`;

/**
 * KEYS: a cooldown. ARGV: until (epoch milliseconds), and milliseconds to keep it. Keeps the
 * later of the two cooldowns. (`until` is a reserved word of Lua: no variable is named so.)
 */
const COOL = `
local ends = tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1])) or 0
if ends > current then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
end
return 1
`;

/**
 * The longest cooldown kept in Redis. A `retry-after` is the provider's word: it may name a
 * date years away, which Redis would refuse as an expiry; this process still honours it whole.
 */
const MAX_SHARED_COOLDOWN_MS = 24 * 60 * MINUTE_MS;

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
    const reply = await this.#store.run((redis) =>
      redis.call('EVAL', CLAIM, keys.length, ...keys, now, ...limits),
    );
    const [index, back] = checkClaim(reply, ordered.length);
    return index >= 0 ? { index } : back > 0 ? { index: -1, backAt: back } : { index: -1 };
  }

  async addTokens(deployment: Deployment, tokens: number, now: number): Promise<void> {
    const key = tokensKey(deployment, Math.floor(now / MINUTE_MS));
    await this.#store.run((redis) => redis.call('EVAL', ADD_TOKENS, 1, key, Math.round(tokens)));
  }

  async cool(deployment: Deployment, until: number, now: number): Promise<void> {
    // Redis takes whole milliseconds; a `retry-after-ms` may have a fraction.
    const ends = Math.ceil(Math.min(until, now + MAX_SHARED_COOLDOWN_MS));
    const keepMs = Math.max(1, ends - Math.floor(now));
    await this.#store.run((redis) =>
      redis.call('EVAL', COOL, 1, coolKey(deployment), ends, keepMs),
    );
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

/** The claim script's reply, checked: a position among `count` (or -1), and when one is back. */
function checkClaim(reply: unknown, count: number): [number, number] {
  if (Array.isArray(reply) && reply.length === 2) {
    const [index, back] = reply as unknown[];
    if (
      Number.isInteger(index) &&
      (index as number) >= -1 &&
      (index as number) < count &&
      Number.isInteger(back) &&
      (back as number) >= 0
    ) {
      return [index as number, back as number];
    }
  }
  throw new UnexpectedError({
    message: `the router's claim script answered ${JSON.stringify(reply)}, not [position, back]: is another version of shallot sharing the store's keyPrefix?`,
  });
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

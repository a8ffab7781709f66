import { type RedisStore, UnexpectedError } from '../../src/kit/index.js';
import type { Adjustment, Counter, LimitStore, Reservation } from './store.js';
import { BUCKET_MS, BUCKETS, bucketOf, WINDOW_MS } from './windows.js';

/** How long a budget's counter outlives its period, for the settlements of calls that straddle its end. */
const PERIOD_GRACE_MS = 60_000;

/**
 * The use of each counter in KEYS (ARGV: now, bucket, then per counter its kind `w`, `p` or `b`,
 * its limit, its amount, and for a lease its length or for a budget the end of its period), and
 * for the first that has no room for its amount: its position (from 1), use and from when it has
 * room (-1: no time says). Shared by the scripts below.
 */
const USE = `
local now = tonumber(ARGV[1])
local bucket = tonumber(ARGV[2])
local function use(i)
  local key = KEYS[i]
  local kind = ARGV[i * 4 - 1]
  local limit = tonumber(ARGV[i * 4])
  local amount = tonumber(ARGV[i * 4 + 1])
  local extra = tonumber(ARGV[i * 4 + 2])
  if kind == 'w' then
    local oldest = bucket - ${BUCKETS} + 1
    local fields = redis.call('HGETALL', key)
    local used = 0
    local buckets = {}
    for f = 1, #fields, 2 do
      local index = tonumber(fields[f])
      local count = tonumber(fields[f + 1]) or 0
      if index and index >= oldest then
        used = used + count
        table.insert(buckets, {index, count})
      end
    end
    if used + amount <= limit then return used, nil end
    table.sort(buckets, function(a, b) return a[1] < b[1] end)
    local freed = used
    for _, entry in ipairs(buckets) do
      freed = freed - entry[2]
      if freed + amount <= limit then return used, (entry[1] + ${BUCKETS}) * ${BUCKET_MS} end
    end
    return used, -1
  elseif kind == 'p' then
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
    local used = redis.call('ZCARD', key)
    if used + 1 <= limit then return used, nil end
    local first = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    return used, tonumber(first[2]) or -1
  else
    -- A period that has ended counts nothing any more, though its key lives a minute longer.
    local used = 0
    if now < extra then used = tonumber(redis.call('GET', key) or '0') or 0 end
    if used + amount <= limit then return used, nil end
    return used, extra
  end
end
`;

/** Checks every counter, and counts the call on all of them only when every one has room. */
const RESERVE = `${USE}
local callId = ARGV[#ARGV]
local used = {}
for i = 1, #KEYS do
  local count, fitsAt = use(i)
  if fitsAt ~= nil then return {0, i, count, fitsAt} end
  used[i] = count
end
for i = 1, #KEYS do
  local key = KEYS[i]
  local kind = ARGV[i * 4 - 1]
  local amount = tonumber(ARGV[i * 4 + 1])
  local extra = tonumber(ARGV[i * 4 + 2])
  if kind == 'w' then
    redis.call('HINCRBY', key, bucket, amount)
    local fields = redis.call('HKEYS', key)
    for _, field in ipairs(fields) do
      if tonumber(field) == nil or tonumber(field) <= bucket - ${BUCKETS} then redis.call('HDEL', key, field) end
    end
    redis.call('PEXPIRE', key, ${WINDOW_MS + BUCKET_MS})
  elseif kind == 'p' then
    redis.call('ZADD', key, now + extra, callId)
    -- The set lives as long as its latest lease: never cut short by a shorter one.
    if redis.call('PTTL', key) < extra then redis.call('PEXPIRE', key, extra) end
  else
    redis.call('INCRBY', key, amount)
    -- Relative, on the callers' clock (as every other time here), not Redis's own: a minute
    -- past the period's end, so that a late settlement still finds it.
    redis.call('PEXPIRE', key, math.max(1, extra - now + ${PERIOD_GRACE_MS}))
  end
end
local reply = {1}
for i = 1, #KEYS do reply[i + 1] = used[i] end
return reply
`;

/** Adds each counter's delta (a window's to the reservation's bucket, never below 0) and ends the call's leases. */
const SETTLE = `
local now = tonumber(ARGV[1])
local bucket = tonumber(ARGV[2])
local callId = ARGV[3]
local current = math.floor(now / ${BUCKET_MS})
for i = 1, #KEYS do
  local key = KEYS[i]
  local kind = ARGV[i * 2 + 2]
  local delta = tonumber(ARGV[i * 2 + 3])
  if kind == 'p' then
    redis.call('ZREM', key, callId)
  elseif delta ~= 0 then
    if kind == 'w' then
      if bucket > current - ${BUCKETS} and redis.call('EXISTS', key) == 1 then
        if redis.call('HINCRBY', key, bucket, delta) < 0 then redis.call('HSET', key, bucket, 0) end
      end
    elseif redis.call('EXISTS', key) == 1 then
      if redis.call('INCRBY', key, delta) < 0 then redis.call('SET', key, 0, 'KEEPTTL') end
    end
  end
end
return 1
`;

/** Every counter's use. */
const READ = `${USE}
local reply = {}
for i = 1, #KEYS do
  local count = use(i)
  reply[i] = count
end
return reply
`;

/**
 * The limits' counters in Redis, through a `RedisStore` (its connection and key prefix), shared
 * by every process: a window is a hash of five-second buckets, the calls in flight a sorted set
 * of leases, a budget's period a counter that expires after its period. Each reservation and
 * each settlement is one script: one round trip each.
 */
export class RedisLimitStore implements LimitStore {
  readonly #store: RedisStore;

  constructor(store: RedisStore) {
    this.#store = store;
  }

  async reserve(counters: readonly Counter[], callId: string, now: number): Promise<Reservation> {
    const reply = await this.#eval(RESERVE, counters, now, [callId]);
    return checkReservation(reply, counters.length, bucketOf(now));
  }

  async settle(
    adjustments: readonly Adjustment[],
    callId: string,
    bucket: number,
    now: number,
  ): Promise<void> {
    const keys = adjustments.map(({ counter }) => counter.key);
    const args = adjustments.flatMap(({ counter, delta }) => [kindOf(counter), Math.round(delta)]);
    await this.#store.run((redis) =>
      redis.call('EVAL', SETTLE, keys.length, ...keys, now, bucket, callId, ...args),
    );
  }

  async read(counters: readonly Counter[], now: number): Promise<number[]> {
    const reply = await this.#eval(READ, counters, now, []);
    if (isCountList(reply, counters.length)) return reply;
    throw badReply('read', reply);
  }

  #eval(
    script: string,
    counters: readonly Counter[],
    now: number,
    tail: string[],
  ): Promise<unknown> {
    const keys = counters.map((counter) => counter.key);
    const args = counters.flatMap((counter) => [
      kindOf(counter),
      counter.limit,
      counter.amount,
      counter.kind === 'parallel'
        ? counter.leaseMs
        : counter.kind === 'period'
          ? counter.endsAt
          : 0,
    ]);
    return this.#store.run((redis) =>
      redis.call('EVAL', script, keys.length, ...keys, now, bucketOf(now), ...args, ...tail),
    );
  }
}

function kindOf(counter: Counter): string {
  return counter.kind === 'window' ? 'w' : counter.kind === 'parallel' ? 'p' : 'b';
}

/** The reservation script's reply, checked: `[1, ...used]` or `[0, position, used, fitsAt]`. */
function checkReservation(reply: unknown, count: number, bucket: number): Reservation {
  if (Array.isArray(reply) && reply[0] === 1) {
    const used = reply.slice(1);
    if (isCountList(used, count)) return { ok: true, bucket, used };
  } else if (Array.isArray(reply) && reply[0] === 0 && reply.length === 4) {
    const [, position, used, fitsAt] = reply as unknown[];
    if (
      Number.isInteger(position) &&
      (position as number) >= 1 &&
      (position as number) <= count &&
      isCount(used) &&
      Number.isInteger(fitsAt)
    ) {
      return {
        ok: false,
        index: (position as number) - 1,
        used,
        fitsAt: (fitsAt as number) >= 0 ? (fitsAt as number) : undefined,
      };
    }
  }
  throw badReply('reservation', reply);
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function isCountList(value: unknown, count: number): value is number[] {
  return Array.isArray(value) && value.length === count && value.every(isCount);
}

function badReply(script: string, reply: unknown): UnexpectedError {
  return new UnexpectedError({
    message: `the limits' ${script} script answered ${JSON.stringify(reply)?.slice(0, 200)}, not a list of counts: is another version of shallot sharing the store's keyPrefix?`,
  });
}

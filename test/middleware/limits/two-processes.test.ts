import { randomUUID } from 'node:crypto';
import type { LimitsOptions, RuleUsage } from 'shallot/middleware/limits';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { type FakeReply, fixture, useFakeProvider } from '../../support/fake-provider.js';
import {
  cleanUpRedisAfterAll,
  describeWithRedis,
  REDIS_TEST_PREFIX,
  REDIS_TEST_TIMEOUT_MS,
  REDIS_URL,
  redisProxy,
  type StoppableProxy,
} from '../../support/redis.js';
import { useWorkers, type Worker } from '../../support/workers.js';
import type { CallsAnswer } from './scripts/limits-worker.js';

/** Two processes starting and sending a few hundred calls: far more than they need. */
const TEST_TIMEOUT_MS = 60_000;
/** The instant the workers' clocks are frozen at: the start of a five-second bucket. */
const START = Date.parse('2026-12-06T10:00:00Z');
/** Output tokens are $0.15 for 512, input is free: a call reserving 512 reserves $0.15. */
const PRICES = { 'gpt-4.1-nano': { input_cost_per_token: 0, output_cost_per_token: 0.15 / 512 } };
/** How long to wait for what other processes do. */
const WAIT = { timeout: 10_000, interval: 20 };
/** What a call answered with the fixture really costs: its 363 output tokens. */
const FIXTURE_COST = (363 * 0.15) / 512;
/** The same as a budget counts it: in whole nano-dollars. */
const FIXTURE_COST_COUNTED = Math.round(FIXTURE_COST * 1e9) / 1e9;
/** The fixture's usage: 379 tokens in all. */
const FIXTURE_TOKENS = 379;

cleanUpRedisAfterAll();
const startWorker = useWorkers(new URL('./scripts/limits-worker.ts', import.meta.url));

/** Requests the fake provider holds at this moment, from both processes, and the most so far. */
let inFlight = 0;
let mostInFlight = 0;
/** Until it settles, the fake provider holds its answers; undefined: it answers at once. */
let held: Promise<void> | undefined;
/** Settles `held`. */
let release: () => void = () => {};

/** From now on, the fake provider holds its answers until `release()`. */
function holdAnswers(): void {
  held = new Promise((resolve) => {
    release = resolve;
  });
}

/** `reply`, with the requests in flight counted (an answer stops counting as it starts). */
function counted(reply: FakeReply): FakeReply {
  return {
    ...reply,
    respond: () => {
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      // A turn of the event loop, so that concurrent requests overlap even when not held.
      const answering = (held ?? new Promise((resolve) => setImmediate(resolve))).then(() => {
        inFlight--;
      });
      return { gate: answering };
    },
  };
}

const fake = useFakeProvider({ reply: counted({ body: fixture('openai-chat.json') }) });
beforeEach(() => {
  inFlight = 0;
  mostInFlight = 0;
  held = undefined;
});
// A test that failed while answers were held: let them go, so that none reaches the next test.
afterEach(() => release());

/** Options of one worker: its layer's, and where it reaches Redis. */
interface WorkerSetup {
  limits: Omit<LimitsOptions, 'store' | 'prices'>;
  redisUrl?: string;
}

/** Two workers sharing one Redis namespace, new for the test; the second's setup defaults to the first's. */
async function startTwoWorkers(
  first: WorkerSetup,
  second: WorkerSetup = first,
): Promise<[Worker, Worker]> {
  const keyPrefix = `${REDIS_TEST_PREFIX}limits-two-processes:${randomUUID()}:`;
  const envOf = (setup: WorkerSetup) => ({
    WORKER_REDIS_URL: setup.redisUrl ?? REDIS_URL,
    WORKER_KEY_PREFIX: keyPrefix,
    WORKER_CLOCK_MS: String(START),
    WORKER_API_BASE: fake.url,
    WORKER_PRICES: JSON.stringify(PRICES),
    // Generous by default: a store that answered late would hand the count to each process.
    WORKER_LIMITS: JSON.stringify({ storeTimeoutMs: REDIS_TEST_TIMEOUT_MS, ...setup.limits }),
  });
  return Promise.all([startWorker(envOf(first)), startWorker(envOf(second))]);
}

/** Both workers send their calls at once. */
function bothSend(
  workers: readonly Worker[],
  counts: readonly number[],
  metadata: Record<string, string>,
  waves = 1,
): Promise<CallsAnswer[]> {
  return Promise.all(
    workers.map((worker, index) =>
      worker.send<CallsAnswer>({ calls: counts[index], metadata, waves }),
    ),
  );
}

/** The answers' calls with this outcome, over both workers. */
function total(answers: readonly CallsAnswer[], outcome: string): number {
  return answers.reduce((sum, answer) => sum + (answer.outcomes[outcome] ?? 0), 0);
}

function advanceBoth(workers: readonly Worker[], ms: number): Promise<unknown> {
  return Promise.all(workers.map((worker) => worker.send({ advanceMs: ms })));
}

/** One call from `worker`, alone. */
function callFrom(worker: Worker, metadata: Record<string, string>): Promise<CallsAnswer> {
  return worker.send<CallsAnswer>({ calls: 1, metadata });
}

/** The usage `worker`'s layer reports for `scope` under the test's one rule. */
async function usageOf(worker: Worker, scope: string): Promise<RuleUsage | undefined> {
  const [usage] = await worker.send<RuleUsage[]>({ usage: scope });
  return usage;
}

/** Ends both workers; fails the test when one failed or wrote to stderr. */
function endBoth(workers: readonly Worker[]): Promise<unknown> {
  return Promise.all(workers.map((worker) => worker.end()));
}

/** The Redis proxies of the test: stopped after it, whether or not it stopped them. */
const proxies: StoppableProxy[] = [];
afterEach(async () => {
  for (const proxy of proxies.splice(0)) await proxy.stop();
});

/**
 * Two workers reaching Redis through a proxy the test may stop or slow down, with a per-user
 * rpm of 50 and `storeTimeoutMs`: the first fails open, the second closed.
 */
async function openAndClosedBehindProxy(
  storeTimeoutMs: number,
): Promise<{ proxy: StoppableProxy; workers: [Worker, Worker] }> {
  const proxy = await redisProxy();
  proxies.push(proxy);
  const rules = [{ name: 'per-user', scope: 'user', rpm: 50 }];
  const redisUrl = `redis://127.0.0.1:${proxy.port}`;
  const workers = await startTwoWorkers(
    { limits: { rules, storeTimeoutMs }, redisUrl },
    { limits: { rules, storeTimeoutMs, failOpen: false }, redisUrl },
  );
  return { proxy, workers };
}

describeWithRedis('limits() in two processes sharing Redis', () => {
  it(
    'admits exactly rpm between both: of 200 concurrent calls, 50; the rest are refused before any request, with the time the window frees, and it admits 50 again then',
    async () => {
      const workers = await startTwoWorkers({
        limits: { rules: [{ name: 'per-user', scope: 'user', rpm: 50 }] },
      });
      const burst = await bothSend(workers, [100, 100], { user: 'alice' });
      expect(total(burst, 'ok')).toBe(50);
      expect(total(burst, 'rate_limit')).toBe(150);
      expect(fake.requests).toHaveLength(50);
      // The whole burst is in the bucket that leaves the window a minute after it starts.
      expect(new Set(burst.flatMap((answer) => answer.retryAfterMs))).toEqual(new Set([60_000]));
      expect(burst.map((answer) => answer.storeErrors)).toEqual([0, 0]);
      const usage = await usageOf(workers[1], 'alice');
      expect(usage?.rpm).toEqual({ limit: 50, used: 50, remaining: 0 });

      await advanceBoth(workers, 55_000);
      const early = await callFrom(workers[0], { user: 'alice' });
      expect(early).toMatchObject({ outcomes: { rate_limit: 1 }, retryAfterMs: [5_000] });

      await advanceBoth(workers, 5_000);
      const again = await bothSend(workers, [100, 100], { user: 'alice' });
      expect(total(again, 'ok')).toBe(50);
      expect(total(again, 'rate_limit')).toBe(150);
      expect(fake.requests).toHaveLength(100);
      // Another user has a window of its own.
      const bob = await callFrom(workers[0], { user: 'bob' });
      expect(bob.outcomes).toEqual({ ok: 1 });
      await endBoth(workers);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'admits three of five concurrent calls reserving $0.15 each on a $0.45 budget, and settles the spend to their real cost',
    async () => {
      const workers = await startTwoWorkers({
        limits: {
          rules: [{ name: 'team', scope: 'team', budget: { usd: 0.45, period: 'day' } }],
          defaultOutputTokens: 512,
        },
      });
      const answers = await bothSend(workers, [3, 2], { team: 'search' });
      expect(total(answers, 'ok')).toBe(3);
      expect(total(answers, 'budget_exceeded')).toBe(2);
      expect(fake.requests).toHaveLength(3);
      const spent = answers.reduce((sum, answer) => sum + answer.costUsd, 0);
      expect(spent).toBeCloseTo(3 * FIXTURE_COST, 9);

      const usage = await usageOf(workers[0], 'search');
      expect(usage?.budget?.spentUsd).toBeCloseTo(3 * FIXTURE_COST_COUNTED, 12);
      expect(usage?.budget?.spentUsd).toBeLessThanOrEqual(0.45);
      expect(usage?.budget?.resetsAt).toBe('2026-12-07T00:00:00.000Z');
      // What is left ($0.13) is less than a call reserves.
      const next = await callFrom(workers[1], { team: 'search' });
      expect(next.outcomes).toEqual({ budget_exceeded: 1 });
      await endBoth(workers);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'never lets a fifth call in flight with maxParallel 4, whichever process sends it, and frees the slots as calls end',
    async () => {
      const workers = await startTwoWorkers({
        limits: { rules: [{ name: 'pool', scope: 'pool', maxParallel: 4 }] },
      });
      // Phase 1: the answers are held until every call has been admitted or refused.
      holdAnswers();
      const sending = bothSend(workers, [10, 10], { pool: 'everyone' });
      await vi.waitFor(async () => {
        expect(fake.requests).toHaveLength(4);
        const progress = await Promise.all(
          workers.map((worker) => worker.send<Record<string, number>>({ progress: true })),
        );
        expect(progress.reduce((sum, counts) => sum + (counts.rate_limit ?? 0), 0)).toBe(16);
      }, WAIT);
      expect(fake.requests).toHaveLength(4);
      expect(inFlight).toBe(4);
      release();
      const answers = await sending;
      expect(total(answers, 'ok')).toBe(4);
      expect(total(answers, 'rate_limit')).toBe(16);

      // Phase 2: answered at once, ten waves of six calls from each process at the same time.
      held = undefined;
      fake.forget();
      mostInFlight = 0;
      const waves = await bothSend(workers, [6, 6], { pool: 'everyone' }, 10);
      expect(total(waves, 'ok') + total(waves, 'rate_limit')).toBe(120);
      expect(fake.requests).toHaveLength(total(waves, 'ok'));
      // More than four: slots were given back and taken again, by either process.
      expect(total(waves, 'ok')).toBeGreaterThan(4);
      expect(mostInFlight).toBeLessThanOrEqual(4);
      const usage = await usageOf(workers[0], 'everyone');
      expect(usage?.maxParallel).toEqual({ limit: 4, inFlight: 0 });
      await endBoth(workers);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'settles every call to what it used, whichever process made it, and gives back what failed calls reserved',
    async () => {
      const workers = await startTwoWorkers({
        limits: {
          rules: [
            {
              name: 'per-user',
              scope: 'user',
              rpm: 1000,
              tpm: 100_000,
              maxParallel: 20,
              budget: { usd: 10, period: 'day' },
            },
          ],
          defaultOutputTokens: 1000,
        },
      });
      const succeeded = await bothSend(workers, [5, 5], { user: 'alice' });
      expect(total(succeeded, 'ok')).toBe(10);
      const after = await usageOf(workers[0], 'alice');
      expect(after).toMatchObject({
        rpm: { used: 10 },
        tpm: { used: 10 * FIXTURE_TOKENS },
        maxParallel: { inFlight: 0 },
      });
      expect(after?.budget?.spentUsd).toBeCloseTo(10 * FIXTURE_COST_COUNTED, 12);

      fake.reply(counted({ status: 500, body: '{"error":{"message":"down"}}' }));
      const failed = await bothSend(workers, [3, 3], { user: 'alice' });
      expect(total(failed, 'ok')).toBe(0);
      expect(fake.requests).toHaveLength(16);
      const afterFailures = await usageOf(workers[1], 'alice');
      // Their requests stay counted (they were made); their tokens, dollars and slots do not.
      expect(afterFailures).toMatchObject({
        rpm: { used: 16 },
        tpm: { used: 10 * FIXTURE_TOKENS },
        maxParallel: { inFlight: 0 },
      });
      expect(afterFailures?.budget?.spentUsd).toBeCloseTo(10 * FIXTURE_COST_COUNTED, 12);
      await endBoth(workers);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'with Redis down, a process that fails open counts in its own memory and one that fails closed sends nothing, each reporting it once',
    async () => {
      const { proxy, workers } = await openAndClosedBehindProxy(1000);
      const before = await bothSend(workers, [10, 10], { user: 'alice' });
      expect(total(before, 'ok')).toBe(20);

      await proxy.stop();
      const [open, closed] = await bothSend(workers, [100, 100], { user: 'alice' });
      // Alone, the first process admits a whole rpm of its own: Redis had counted the 20.
      expect(open).toMatchObject({ outcomes: { ok: 50, rate_limit: 50 }, storeErrors: 1 });
      expect(closed).toMatchObject({ outcomes: { service_unavailable: 100 }, storeErrors: 1 });
      expect(fake.requests).toHaveLength(70);
      await endBoth(workers);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'with Redis slower than storeTimeoutMs, fails open or closed as each process was told, without waiting for it',
    async () => {
      const { proxy, workers } = await openAndClosedBehindProxy(100);
      proxy.delayMs = 1_000;
      const started = performance.now();
      const [open, closed] = await bothSend(workers, [60, 60], { user: 'alice' });
      expect(open).toMatchObject({ outcomes: { ok: 50, rate_limit: 10 }, storeErrors: 1 });
      expect(closed).toMatchObject({ outcomes: { service_unavailable: 60 }, storeErrors: 1 });
      expect(fake.requests).toHaveLength(50);
      // Every call waited storeTimeoutMs, not the second Redis took.
      expect(performance.now() - started).toBeLessThan(900);
      proxy.delayMs = 0;
      await endBoth(workers);
    },
    TEST_TIMEOUT_MS,
  );
});

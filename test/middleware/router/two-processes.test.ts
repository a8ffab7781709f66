import { randomUUID } from 'node:crypto';
import type { DeploymentHealth, DeploymentOptions } from 'shallot/middleware/router';
import { afterEach, expect, it } from 'vitest';
import { fixture, useFakeProvider } from '../../support/fake-provider.js';
import {
  cleanUpRedisAfterAll,
  describeWithRedis,
  REDIS_TEST_PREFIX,
  REDIS_TEST_TIMEOUT_MS,
  REDIS_URL,
} from '../../support/redis.js';
import { useWorkers } from '../../support/workers.js';

const MINUTE_MS = 60_000;
/** Two processes starting and sending a few hundred calls: far more than they need. */
const TEST_TIMEOUT_MS = 60_000;

cleanUpRedisAfterAll();

/** Times of the requests the limited deployment received, on the workers' shifted clock. */
let limitedTimes: number[] = [];
/** How far the workers' clocks are ahead of this process's. */
let shiftMs = 0;
const limited = useFakeProvider({
  reply: {
    body: fixture('openai-chat.json'),
    respond: () => {
      limitedTimes.push(Date.now() + shiftMs);
      return {};
    },
  },
});
const spare = useFakeProvider({ reply: { body: fixture('openai-chat.json') } });

/** What a worker answers to `{ calls: n }`. */
interface CallsReply {
  served: Record<string, number>;
  failed: Record<string, number>;
  storeErrors: number;
}

const startWorker = useWorkers(new URL('./scripts/router-worker.ts', import.meta.url));
afterEach(() => {
  limitedTimes = [];
  shiftMs = 0;
});

/** Two workers sharing one Redis namespace, with a limited deployment (order 0) and a spare. */
async function startTwoWorkers(router: { rpm?: number; cooldownMs?: number }) {
  const run = randomUUID();
  const ids = { limited: `limited-${run}`, spare: `spare-${run}` };
  const modelList: DeploymentOptions[] = [
    {
      modelName: 'gpt-4o',
      model: 'openai/gpt-4o',
      apiBase: limited.url,
      apiKey: 'sk-limited',
      id: ids.limited,
      order: 0,
      ...(router.rpm === undefined ? {} : { rpm: router.rpm }),
    },
    {
      modelName: 'gpt-4o',
      model: 'openai/gpt-4o',
      apiBase: spare.url,
      apiKey: 'sk-spare',
      id: ids.spare,
      order: 1,
    },
  ];
  const env = {
    WORKER_REDIS_URL: REDIS_URL,
    WORKER_KEY_PREFIX: `${REDIS_TEST_PREFIX}two-processes:`,
    WORKER_CLOCK_SHIFT_MS: String(shiftMs),
    WORKER_ROUTER: JSON.stringify({
      modelList,
      // Generous: a store that answers late would hand the count to each process's own state.
      storeTimeoutMs: REDIS_TEST_TIMEOUT_MS,
      ...(router.cooldownMs === undefined ? {} : { cooldownMs: router.cooldownMs }),
    }),
  };
  const [first, second] = await Promise.all([startWorker(env), startWorker(env)]);
  return { first, second, ids };
}

/** Requests by minute window, `Math.floor(t / 60000)`, as the router counts them. */
function byMinute(times: readonly number[]): Record<number, number> {
  const windows: Record<number, number> = {};
  for (const time of times) {
    const minute = Math.floor(time / MINUTE_MS);
    windows[minute] = (windows[minute] ?? 0) + 1;
  }
  return windows;
}

function sum(replies: readonly CallsReply[], id: string): number {
  return replies.reduce((total, reply) => total + (reply.served[id] ?? 0), 0);
}

describeWithRedis('router() in two processes sharing Redis', () => {
  it(
    'admits a deployment’s rpm, exactly, across both processes in each minute, the surplus going to the spare',
    async () => {
      // The workers' clock starts a minute now, so that a burst never straddles two.
      shiftMs = MINUTE_MS - (Date.now() % MINUTE_MS);
      const { first, second, ids } = await startTwoWorkers({ rpm: 60 });
      const burst = () =>
        Promise.all([
          first.send<CallsReply>({ calls: 80 }),
          second.send<CallsReply>({ calls: 80 }),
        ]);

      const thisMinute = await burst();
      for (const reply of thisMinute) {
        expect(reply.failed).toEqual({});
        expect(reply.storeErrors).toBe(0);
      }
      expect(sum(thisMinute, ids.limited)).toBe(60);
      expect(sum(thisMinute, ids.spare)).toBe(100);
      expect(limited.requests).toHaveLength(60);
      expect(spare.requests).toHaveLength(100);

      await Promise.all([
        first.send({ advanceMs: MINUTE_MS }),
        second.send({ advanceMs: MINUTE_MS }),
      ]);
      shiftMs += MINUTE_MS;
      const nextMinute = await burst();
      expect(sum(nextMinute, ids.limited)).toBe(60);
      expect(sum(nextMinute, ids.spare)).toBe(100);
      for (const reply of nextMinute) expect(reply.storeErrors).toBe(0);

      const windows = byMinute(limitedTimes);
      const start = Math.floor((Date.now() + shiftMs) / MINUTE_MS) - 1;
      expect(windows).toEqual({ [start]: 60, [start + 1]: 60 });
      await Promise.all([first.end(), second.end()]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'honours a cooldown one process set on the very next call of the other',
    async () => {
      const { first, second, ids } = await startTwoWorkers({ cooldownMs: MINUTE_MS });
      // The second process has sent to the limited deployment: it knows it as healthy.
      expect(await second.send<CallsReply>({ calls: 1 })).toMatchObject({
        served: { [ids.limited]: 1 },
      });

      limited.reply({
        status: 401,
        body: JSON.stringify({
          error: { message: 'Incorrect API key', type: 'invalid_request_error' },
        }),
      });
      expect(await first.send<CallsReply>({ calls: 1 })).toEqual({
        served: {},
        failed: { authentication: 1 },
        storeErrors: 0,
      });
      expect(limited.requests).toHaveLength(2);

      // Answering again, the limited deployment would show any call the second process sent it.
      limited.reply({ body: fixture('openai-chat.json') });
      const after = await second.send<CallsReply>({ calls: 1 });
      expect(after).toEqual({ served: { [ids.spare]: 1 }, failed: {}, storeErrors: 0 });
      expect(limited.requests).toHaveLength(2);

      const { health } = await second.send<{ health: DeploymentHealth[] }>({ health: true });
      expect(health.find((item) => item.id === ids.limited)).toMatchObject({
        state: 'cooling',
        shared: true,
      });
      await Promise.all([first.end(), second.end()]);
    },
    TEST_TIMEOUT_MS,
  );
});

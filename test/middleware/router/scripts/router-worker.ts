/**
 * One process of a fleet that shares a router's state through Redis: a client with
 * `router({ ..., store })`, driven by the test through `test/support/workers.ts`. It ends,
 * closing its store, when stdin closes.
 *
 * The environment gives the router's options (`WORKER_ROUTER`, JSON), where Redis is
 * (`WORKER_REDIS_URL`, `WORKER_KEY_PREFIX`) and how far this process's clock is shifted
 * (`WORKER_CLOCK_SHIFT_MS`), so that every process of the test sees the same fake minute.
 *
 * It says `{ "ready": true }` once its store has answered. Commands: `{ "calls": n }` sends n calls at once and answers
 * `{ served: { [deployment id]: count }, failed: { [error code]: count }, storeErrors }`;
 * `{ "advanceMs": n }` moves the clock on, answering `{ now }`; `{ "health": true }` answers
 * `{ health }`, the router's `health()`.
 */
import { createClient, RedisStore } from 'shallot';
import { type RouterOptions, router } from 'shallot/middleware/router';
import { serveCommands, shiftClock } from '../../../support/worker-commands.js';

const env = process.env;
const store = new RedisStore({
  url: env.WORKER_REDIS_URL,
  keyPrefix: env.WORKER_KEY_PREFIX,
  commandTimeout: 5000,
});
const options = JSON.parse(env.WORKER_ROUTER ?? '{}') as Omit<RouterOptions, 'store'>;
const layer = router({ ...options, store });
// No retries: each call is one attempt, so the test can count the requests exactly.
const client = createClient({ middleware: [layer], numRetries: 0 });

// The router reads the time through Date.now(): shifting it gives every process one fake clock.
const clock = shiftClock(Number(env.WORKER_CLOCK_SHIFT_MS ?? 0));

let storeErrors = 0;
client.onCallbackError = (error, info) => {
  if (info.callback === 'router (store)') storeErrors++;
  else process.stderr.write(`${info.callback} (${info.event}): ${String(error)}\n`);
};

const served = new Map<string, number>();
client.use(async (ctx, next) => {
  await next();
  const id = (ctx.metadata.model_info as { id: string } | undefined)?.id ?? '(none)';
  served.set(id, (served.get(id) ?? 0) + 1);
});

const messages = [{ role: 'user' as const, content: 'Hello' }];

async function sendCalls(count: number) {
  served.clear();
  const failed = new Map<string, number>();
  await Promise.all(
    Array.from({ length: count }, () =>
      client
        .completion({ model: options.modelList[0]?.modelName ?? '', messages })
        .catch((error: { code?: string }) => {
          const code = error.code ?? 'unknown';
          failed.set(code, (failed.get(code) ?? 0) + 1);
        }),
    ),
  );
  await client.flush();
  return {
    served: Object.fromEntries(served),
    failed: Object.fromEntries(failed),
    storeErrors,
  };
}

type Command = { calls: number } | { advanceMs: number } | { health: true };

async function answer(command: Command): Promise<unknown> {
  if ('calls' in command) return sendCalls(command.calls);
  if ('advanceMs' in command) return { now: clock.advance(command.advanceMs) };
  return { health: await layer.health() };
}

await store.run((redis) => redis.call('PING'));
// The test waits for each answer before its next command.
await serveCommands(answer);
await client.shutdown();
await store.close();

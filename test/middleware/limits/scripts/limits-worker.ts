/**
 * One process of a fleet that shares its limits through Redis: a client with
 * `limits({ ..., store })` calling the test's fake provider, driven by the test through
 * `test/support/workers.ts`. It ends, closing its store, when stdin closes.
 *
 * The environment gives the layer's options (`WORKER_LIMITS`, JSON: its rules' scopes are
 * metadata keys), the prices of its models (`WORKER_PRICES`, JSON, for the reservations and the
 * cost), where the provider is (`WORKER_API_BASE`), where Redis is (`WORKER_REDIS_URL`,
 * `WORKER_KEY_PREFIX`) and the instant its clock is frozen at (`WORKER_CLOCK_MS`).
 *
 * Commands: `{ calls: n, metadata, waves? }` sends n calls at once (`waves` times in a row) and
 * answers a {@link CallsAnswer}; `{ progress: true }` answers how many calls have ended so
 * far, by outcome (those of a command still under way too); `{ usage: scope }` answers the
 * layer's `usage(scope)`; `{ advanceMs: n }` moves the clock on, answering `{ now }`.
 */
import { type CallbackKwargs, createClient, PriceBook, type PriceInput, RedisStore } from 'shallot';
import { type LimitsOptions, limits } from 'shallot/middleware/limits';
import { freezeClock, serveCommands } from '../../../support/worker-commands.js';

/** What a worker answers to `{ calls }`. */
export interface CallsAnswer {
  /** Calls by outcome: `ok`, or the error's code (`rate_limit`, `budget_exceeded`, ...). */
  outcomes: Record<string, number>;
  /** The `retryAfterMs` of each refusal that had one. */
  retryAfterMs: number[];
  /** What the successful calls cost, in US dollars (when no other command sends calls meanwhile). */
  costUsd: number;
  /** Failures of the store reported to `onCallbackError` so far, in this process. */
  storeErrors: number;
}

type Command =
  | { calls: number; metadata: Record<string, string>; waves?: number }
  | { progress: true }
  | { usage: string }
  | { advanceMs: number };

const env = process.env;
const store = new RedisStore({
  url: env.WORKER_REDIS_URL,
  keyPrefix: env.WORKER_KEY_PREFIX,
  commandTimeout: 5000,
});
const prices = JSON.parse(env.WORKER_PRICES ?? '{}') as Record<string, PriceInput>;
const priceBook = new PriceBook();
priceBook.register(prices);
const options = JSON.parse(env.WORKER_LIMITS ?? '{}') as Omit<LimitsOptions, 'store' | 'prices'>;
const layer = limits({ ...options, store, prices: priceBook });
// No retries: each admitted call is one request, so the test can count them exactly.
const client = createClient({
  middleware: [layer],
  numRetries: 0,
  providers: { openai: { apiKey: 'sk-test', apiBase: env.WORKER_API_BASE } },
});
client.registerModel(prices);

// The layer reads the time through Date.now(), and gives it to the Redis scripts: every process
// of the test, frozen at the same instant, sees one clock.
const clock = freezeClock(Number(env.WORKER_CLOCK_MS));

/** What the successful calls cost so far, in US dollars, as the success callbacks saw it. */
let spentUsd = 0;
client.callbacks = [
  (kwargs: CallbackKwargs) => {
    if (kwargs.log_event_type === 'successful_api_call') spentUsd += kwargs.response_cost ?? 0;
  },
];

let storeErrors = 0;
client.onCallbackError = (error, info) => {
  if (info.callback === 'limits (store)') storeErrors++;
  else process.stderr.write(`${info.callback} (${info.event}): ${String(error)}\n`);
};

const messages = [{ role: 'user' as const, content: 'Hello there' }];
/** Outcomes of every call this process has made, as each ends (the commands' too, while under way). */
const progress = new Map<string, number>();

async function sendCalls(count: number, metadata: Record<string, string>, waves: number) {
  const answer: CallsAnswer = { outcomes: {}, retryAfterMs: [], costUsd: 0, storeErrors: 0 };
  const spentBefore = spentUsd;
  const counted = (outcome: string) => {
    answer.outcomes[outcome] = (answer.outcomes[outcome] ?? 0) + 1;
    progress.set(outcome, (progress.get(outcome) ?? 0) + 1);
  };
  for (let wave = 0; wave < waves; wave++) {
    await Promise.all(
      Array.from({ length: count }, () =>
        client.completion({ model: 'gpt-4.1-nano', messages, metadata }).then(
          () => counted('ok'),
          (error: { code?: string; retryAfterMs?: number }) => {
            counted(error.code ?? 'unknown');
            if (typeof error.retryAfterMs === 'number')
              answer.retryAfterMs.push(error.retryAfterMs);
          },
        ),
      ),
    );
  }
  await client.flush();
  answer.costUsd = spentUsd - spentBefore;
  answer.storeErrors = storeErrors;
  return answer;
}

async function answer(command: Command): Promise<unknown> {
  if ('calls' in command) return sendCalls(command.calls, command.metadata, command.waves ?? 1);
  if ('progress' in command) return Object.fromEntries(progress);
  if ('usage' in command) return layer.usage(command.usage);
  return { now: clock.advance(command.advanceMs) };
}

await store.run((redis) => redis.call('PING')).catch(() => {});
await serveCommands(answer);
await client.shutdown();
await store.close();

/**
 * Fault injection: a local provider that answers at random with 429, 500, 503, a hang, a
 * connection reset before the head, a stream cut mid-way, a malformed body or SSE line, or
 * success. 2,000 calls, 64 in flight, streamed and not, through retries and a fallback.
 *
 * The hangs are ended by the calls' own timeouts (100 ms of real time): this suite measures
 * nothing about time, only that every call ends once, typed, and leaves nothing open.
 */
import { type CallbackKwargs, createClient, ShallotError } from 'shallot';
import { Agent } from 'undici';
import { describe, expect, it } from 'vitest';
import {
  type ChaosProvider,
  FAULTS,
  seededRandom,
  startChaosProvider,
} from '../../support/chaos-provider.js';

const CALLS = 2_000;
const IN_FLIGHT = 64;
const SEED = Number(process.env.SHALLOT_FAULT_SEED ?? 20261128);

/** Timers and sockets open right now, by kind. */
function openResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

const KINDS = ['Timeout', 'TCPSocketWrap', 'TCPServerWrap'];

/**
 * The open resources once closing sockets have closed: a destroyed socket's handle goes a few
 * event-loop turns later, so this looks again, for up to two seconds, until no kind of
 * resource outnumbers `before`. What is still open then is a leak.
 */
async function settledResources(before: Record<string, number>): Promise<Record<string, number>> {
  let now = openResources();
  for (let turn = 0; turn < 200; turn++) {
    if (KINDS.every((kind) => (now[kind] ?? 0) <= (before[kind] ?? 0))) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
    now = openResources();
  }
  return now;
}

describe('resilience under injected faults', () => {
  it(`${CALLS} calls, ${IN_FLIGHT} in flight, mixed streamed and plain: each ends once, typed, with nothing left open (seed ${SEED})`, async () => {
    const before = openResources();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);

    const random = seededRandom(SEED);
    const chaos: ChaosProvider = await startChaosProvider(
      () => FAULTS[Math.floor(random() * FAULTS.length)] ?? 'ok',
    );
    const dispatcher = new Agent({ keepAliveTimeout: 1_000 });
    const client = createClient({
      dispatcher,
      numRetries: 2,
      retry: { baseDelayMs: 1, maxDelayMs: 4, jitter: 0 },
      providers: { openai: { apiKey: 'sk-chaos-0123456789', apiBase: chaos.url } },
    });
    const terminal = new Map<string, number>();
    const count = (kwargs: CallbackKwargs) => {
      if (kwargs.will_retry) return;
      terminal.set(kwargs.litellm_call_id, (terminal.get(kwargs.litellm_call_id) ?? 0) + 1);
    };
    client.successCallback = [count];
    client.failureCallback = [count];
    const callIds: string[] = [];
    client.use(async (ctx, next) => {
      callIds.push(ctx.callId);
      await next();
    });

    const outcomes = { succeeded: 0, failed: 0, untyped: 0 };
    let next = 0;
    const worker = async () => {
      while (next < CALLS) {
        const index = next++;
        const stream = index % 2 === 0;
        const options = {
          model: 'gpt-4o-mini',
          messages: [{ role: 'user' as const, content: `call ${index}` }],
          timeout: 100,
          fallbacks: ['openai/gpt-4.1-nano'],
          ...(stream ? { stream: true as const, firstChunkTimeout: 100, chunkTimeout: 100 } : {}),
        };
        try {
          if (stream) {
            const answer = await client.completion({ ...options, stream: true });
            for await (const _chunk of answer) {
              // reading to the end, or to the failure
            }
          } else {
            await client.completion(options);
          }
          outcomes.succeeded++;
        } catch (error) {
          if (error instanceof ShallotError) outcomes.failed++;
          else outcomes.untyped++;
        }
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    expect(await client.flush({ timeoutMs: 30_000 })).toBe(true);

    expect(outcomes.untyped).toBe(0);
    expect(outcomes.succeeded + outcomes.failed).toBe(CALLS);
    expect(outcomes.succeeded).toBeGreaterThan(0);
    expect(outcomes.failed).toBeGreaterThan(0);
    expect(callIds).toHaveLength(CALLS);
    expect(callIds.every((id) => terminal.get(id) === 1)).toBe(true);
    for (const fault of FAULTS)
      expect(chaos.counts[fault], `fault ${fault} was never injected`).toBeGreaterThan(0);

    await client.shutdown();
    await dispatcher.close();
    await chaos.close();
    process.off('unhandledRejection', onUnhandled);
    expect(unhandled).toEqual([]);
    const after = await settledResources(before);
    expect(after.Timeout ?? 0).toBeLessThanOrEqual(before.Timeout ?? 0);
    expect(after.TCPSocketWrap ?? 0).toBeLessThanOrEqual(before.TCPSocketWrap ?? 0);
    expect(after.TCPServerWrap ?? 0).toBeLessThanOrEqual(before.TCPServerWrap ?? 0);
  }, 120_000);
});

import {
  AbortError,
  Cache,
  type CacheStore,
  type CallbackKwargs,
  CustomLogger,
  type Middleware,
  TimeoutError,
} from 'shallot';
import { cache } from 'shallot/middleware/cache';
import { describe, expect, it } from 'vitest';
import { useFakeProvider } from '../support/fake-provider.js';
import { countingClient, failureOf, KEY, paramsFor, readToEnd } from './support.js';
import { validBodies } from './wire.js';

/**
 * Class 5 of issue 13: a call ends within its own `signal` and `totalTimeout`, whatever other
 * calls, callbacks, layers or the cache do.
 */

/** How long past its bound a call may take to end: timers and sockets, on a busy machine. */
const SLACK_MS = 700;

const fake = useFakeProvider();

/** Milliseconds `work` took to settle, and its error if it failed. */
async function timed(work: Promise<unknown>): Promise<{ ms: number; error: unknown }> {
  const started = performance.now();
  try {
    await work;
    return { ms: performance.now() - started, error: undefined };
  } catch (error) {
    return { ms: performance.now() - started, error };
  }
}

/** Lets deferred callbacks of calls that ended run, without waiting for ones that never settle. */
const afterCallbacks = () => new Promise((resolve) => setTimeout(resolve, 20));

const forever = () => new Promise<never>(() => {});

/** A cached client whose first call leads, on a server that never answers, until stopped. */
async function hangingLeader() {
  fake.reply({ hang: true });
  const counting = countingClient('openai', fake.url);
  counting.client.cache = new Cache();
  const leaderStop = new AbortController();
  const leader = failureOf(
    counting.client.completion({ ...paramsFor('openai'), signal: leaderStop.signal }),
  );
  await new Promise((resolve) => setTimeout(resolve, 20));
  return { counting, leaderStop, leader };
}

describe('a call waiting on an identical call in flight', () => {
  it('ends at its own signal while the leader hangs, and the leader is unaffected', async () => {
    const { counting, leaderStop, leader } = await hangingLeader();
    const follower = await timed(
      counting.client.completion({ ...paramsFor('openai'), signal: AbortSignal.timeout(500) }),
    );
    expect(follower.error).toBeInstanceOf(TimeoutError);
    expect(follower.ms).toBeLessThan(500 + SLACK_MS);
    await afterCallbacks();
    expect(counting.failures).toHaveLength(1);
    leaderStop.abort();
    expect(await leader).toBeInstanceOf(AbortError);
    expect(await counting.terminalEvents()).toBe(2);
  });

  it('ends at its own totalTimeout while the leader hangs', async () => {
    const { counting, leaderStop, leader } = await hangingLeader();
    const follower = await timed(
      counting.client.completion({ ...paramsFor('openai'), totalTimeout: 400 }),
    );
    expect(follower.error).toBeInstanceOf(TimeoutError);
    expect((follower.error as Error).message).toContain('totalTimeout');
    expect(follower.ms).toBeLessThan(400 + SLACK_MS);
    leaderStop.abort();
    await leader;
    expect(await counting.terminalEvents()).toBe(2);
  });

  it('is released by a leader stream that nobody reads, and sends its own request', async () => {
    fake.reply({ body: validBodies('openai').stream });
    const counting = countingClient('openai', fake.url, {
      middleware: [cache({ cache: new Cache(), streamIdleMs: 100 })],
    });
    const unread = await counting.client.completion({ ...paramsFor('openai'), stream: true });
    const sent = fake.requests.length;
    const follower = await timed(
      (async () => {
        const stream = await counting.client.completion({ ...paramsFor('openai'), stream: true });
        expect(await readToEnd(stream)).toBeUndefined();
      })(),
    );
    expect(follower.error).toBeUndefined();
    expect(follower.ms).toBeLessThan(100 + SLACK_MS);
    expect(fake.requests.length).toBe(sent + 1);
    unread.abort();
  });

  it('with the built-in cache, is released by an unread leader stream within about a second', async () => {
    fake.reply({ body: validBodies('openai').stream });
    const counting = countingClient('openai', fake.url);
    counting.client.cache = new Cache();
    const unread = await counting.client.completion({ ...paramsFor('openai'), stream: true });
    const follower = await timed(
      counting.client
        .completion({ ...paramsFor('openai'), stream: true })
        .then((stream) => readToEnd(stream)),
    );
    expect(follower.error).toBeUndefined();
    expect(follower.ms).toBeLessThan(2000 + SLACK_MS);
    unread.abort();
    expect(await counting.terminalEvents()).toBe(2);
  });

  it('still shares a leader stream that is being read', async () => {
    fake.reply({ body: validBodies('openai').stream, sliceBytes: 64 });
    const counting = countingClient('openai', fake.url);
    counting.client.cache = new Cache();
    const sent = fake.requests.length;
    const leader = counting.client
      .completion({ ...paramsFor('openai'), stream: true })
      .then((stream) => readToEnd(stream));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const follower = await counting.client.completion(paramsFor('openai'));
    expect(await leader).toBeUndefined();
    expect(follower.choices[0]?.message.content).toBe('Hi');
    expect(fake.requests.length).toBe(sent + 1);
    await counting.terminalEvents();
    expect(counting.successes.map((kwargs) => kwargs.cache_hit)).toEqual([false, true]);
  });
});

describe('a call with callbacks that never settle', () => {
  it('an async failure callback that never settles does not hold a call with retries past its signal', async () => {
    fake.reply({ status: 500, body: '{"error":{"message":"down"}}' });
    const counting = countingClient('openai', fake.url, { retry: { baseDelayMs: 1 } });
    counting.client.failureCallback.push(forever);
    const { ms, error } = await timed(
      counting.client.completion({
        ...paramsFor('openai'),
        numRetries: 3,
        signal: AbortSignal.timeout(400),
      }),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(ms).toBeLessThan(400 + SLACK_MS);
    await afterCallbacks();
    expect(counting.failures).toHaveLength(1);
  });

  it('a handler whose async failure hook never settles does not hold a call with fallbacks past its totalTimeout', async () => {
    fake.reply({ status: 500, body: '{"error":{"message":"down"}}' });
    class Stuck extends CustomLogger {
      override asyncLogFailureEvent(_kwargs: CallbackKwargs): Promise<void> {
        return forever();
      }
    }
    const counting = countingClient('openai', fake.url);
    counting.client.callbacks.push(new Stuck());
    const { ms, error } = await timed(
      counting.client.completion({
        ...paramsFor('openai'),
        fallbacks: ['openai/gpt-4o', 'openai/gpt-4.1'],
        totalTimeout: 400,
      }),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(ms).toBeLessThan(400 + SLACK_MS);
    await afterCallbacks();
    expect(counting.failures).toHaveLength(1);
  });

  it('an input callback that never settles does not hold a call past its totalTimeout', async () => {
    fake.reply({ body: validBodies('openai').plain });
    const counting = countingClient('openai', fake.url);
    counting.client.inputCallback.push(forever);
    const { ms, error } = await timed(
      counting.client.completion({ ...paramsFor('openai'), totalTimeout: 300 }),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(ms).toBeLessThan(300 + SLACK_MS);
    await afterCallbacks();
    expect(counting.failures).toHaveLength(1);
  });
});

describe('a call held by a layer', () => {
  it('a middleware that awaits forever does not hold a call past its signal, and the call ends once', async () => {
    const ends: string[] = [];
    const stuck: Middleware = async (ctx) => {
      ctx.onEnd(() => ends.push(ctx.status));
      await forever();
    };
    const counting = countingClient('openai', fake.url, { middleware: [stuck] });
    const { ms, error } = await timed(
      counting.client.completion({ ...paramsFor('openai'), signal: AbortSignal.timeout(300) }),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(ms).toBeLessThan(300 + SLACK_MS);
    expect(ends).toEqual(['failure']);
  });

  it('totalTimeout counts from the start of the call, the outer layers included', async () => {
    fake.reply({ body: validBodies('openai').plain });
    const slow = async (_ctx: unknown, next: () => Promise<void>) => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await next();
    };
    const counting = countingClient('openai', fake.url, { middleware: [slow] });
    const { ms, error } = await timed(
      counting.client.completion({ ...paramsFor('openai'), totalTimeout: 300 }),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(ms).toBeLessThan(300 + SLACK_MS);
  });

  it('a cache store that never answers does not hold a call past its signal', async () => {
    const silent: CacheStore = {
      get: forever,
      set: async () => {},
      delete: async () => {},
    };
    fake.reply({ body: validBodies('openai').plain });
    const counting = countingClient('openai', fake.url);
    counting.client.cache = new Cache({ store: silent, timeoutMs: 10_000 });
    const { ms, error } = await timed(
      counting.client.completion({ ...paramsFor('openai'), signal: AbortSignal.timeout(300) }),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(ms).toBeLessThan(300 + SLACK_MS);
    expect(await counting.terminalEvents()).toBe(1);
    expect(String(counting.reported)).not.toContain(KEY);
  });
});

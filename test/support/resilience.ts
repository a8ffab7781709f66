import { type AttemptFailure, type ClientOptions, createClient } from 'shallot';
import { afterEach, beforeEach, vi } from 'vitest';
import { type FakeProvider, type FakeReply, fixture } from './fake-provider.js';

export const messages = [{ role: 'user' as const, content: 'hello' }];
/** A recorded OpenAI answer. */
export const ok: FakeReply = { body: fixture('openai-chat.json') };

/** An OpenAI-style error reply. */
export function errorReply(status: number, code: string | null, message: string): FakeReply {
  return {
    status,
    body: JSON.stringify({ error: { message, type: 'invalid_request_error', code } }),
  };
}

export const unavailable = errorReply(503, null, 'overloaded');

/** The callback states of a call that failed once and then succeeded (LiteLLM's router sequence). */
export const FAILED_THEN_SUCCEEDED = [
  'async_pre_api_call',
  'post_api_call',
  'async_failure',
  'async_pre_api_call',
  'post_api_call',
  'async_success',
];

/**
 * Fakes `setTimeout` and `clearTimeout` for each test around the call (sockets and servers keep
 * real time); real timers come back after each test.
 */
export function useFakeTimeouts(): void {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });
}

/** A client on the fake provider that keeps every attempt failure it is told about. */
export function resilientClient(fake: FakeProvider, options: ClientOptions = {}) {
  const failures: AttemptFailure[] = [];
  const client = createClient({
    ...options,
    providers: {
      openai: { apiKey: 'sk-resilience-0123456789', apiBase: fake.url },
      ...options.providers,
    },
  });
  client.use(async (ctx, next) => {
    ctx.onAttemptFailure((failure) => {
      failures.push(failure);
    });
    await next();
  });
  return { client, failures };
}

/**
 * Waits, in real time and without timers (which a test may have faked), until `ready` holds:
 * each turn lets sockets and servers run. Fails after two seconds.
 */
export async function until(ready: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 2_000;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Lets sockets and servers run for a while (in real time): long enough for a request to arrive. */
export async function settle(turns = 50): Promise<void> {
  for (let turn = 0; turn < turns; turn++) await new Promise((resolve) => setImmediate(resolve));
}

/** The model of each request the fake provider received, in order. */
export function modelsRequested(fake: FakeProvider): unknown[] {
  return fake.requests.map((request) => request.body.model);
}

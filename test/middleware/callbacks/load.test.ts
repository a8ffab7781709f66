import { type CallbackKwargs, CustomLogger, createClient } from 'shallot';
import { describe, expect, it } from 'vitest';
import { fixture, useFakeProvider } from '../../support/fake-provider.js';
import { collect } from '../../support/streams.js';

const CALLS = 10_000;
const IN_FLIGHT = 64;

const fake = useFakeProvider();

/** Counts terminal events per call id. */
class Counter extends CustomLogger {
  readonly terminal = new Map<string, number>();
  override async asyncLogSuccessEvent(kwargs: CallbackKwargs) {
    this.#count(kwargs);
  }
  override logFailureEvent(kwargs: CallbackKwargs) {
    this.#count(kwargs);
  }
  #count(kwargs: CallbackKwargs) {
    const id = kwargs.litellm_call_id;
    this.terminal.set(id, (this.terminal.get(id) ?? 0) + 1);
  }
}

/** Throws on every event it can see. */
class Saboteur extends CustomLogger {
  override logPreApiCall(): void {
    throw new Error('pre');
  }
  override logPostApiCall(): void {
    throw new Error('post');
  }
  override async asyncLogStreamEvent(): Promise<void> {
    throw new Error('stream');
  }
  override logSuccessEvent(): void {
    throw new Error('success');
  }
  override async asyncLogFailureEvent(): Promise<void> {
    throw new Error('failure');
  }
}

describe('callbacks under load', () => {
  it(`${CALLS} calls, ${IN_FLIGHT} in flight, three handlers, one throwing on every event: every call succeeds and each survivor sees one terminal event per call`, async () => {
    fake.reply({ body: fixture('openai-chat.json') });
    const first = new Counter();
    const second = new Counter();
    let reported = 0;
    const client = createClient({
      providers: { openai: { apiKey: 'sk-load', apiBase: fake.url } },
      onCallbackError: () => {
        reported++;
      },
    });
    client.callbacks = [first, new Saboteur(), second];

    const ids: string[] = [];
    client.use(async (ctx, next) => {
      ids.push(ctx.callId);
      await next();
    });
    let next = 0;
    let succeeded = 0;
    const worker = async () => {
      while (next < CALLS) {
        const index = next++;
        // Every tenth call is a mocked stream, the rest go over HTTP.
        if (index % 10 === 0) {
          const stream = await client.completion({
            model: 'gpt-4o',
            messages,
            stream: true,
            mockResponse: 'a b',
          });
          await collect(stream);
        } else {
          await client.completion({ model: 'gpt-4.1-nano', messages });
        }
        succeeded++;
      }
    };
    const messages = [{ role: 'user' as const, content: 'load' }];
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    expect(await client.flush({ timeoutMs: 30_000 })).toBe(true);

    expect(succeeded).toBe(CALLS);
    expect(ids).toHaveLength(CALLS);
    for (const counter of [first, second]) {
      expect(counter.terminal.size).toBe(CALLS);
      expect([...counter.terminal.values()].every((count) => count === 1)).toBe(true);
      expect(ids.every((id) => counter.terminal.get(id) === 1)).toBe(true);
    }
    // pre, post and success for every call, plus one per streamed chunk (1,000 streams of 5 chunks).
    expect(reported).toBe(CALLS * 3 + (CALLS / 10) * 5);
    expect(await client.flush({ timeoutMs: 1 })).toBe(true);
  }, 120_000);
});

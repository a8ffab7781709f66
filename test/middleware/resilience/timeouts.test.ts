/**
 * Timeouts, cancellation and cut streams, with fake time: which are retried, which end the
 * call, and what the caller gets. Only `setTimeout` is faked; sockets run for real.
 */
import {
  AbortError,
  type ChatCompletionChunk,
  IncompleteStreamError,
  ServiceUnavailableError,
  TimeoutError,
} from 'shallot';
import { describe, expect, it, vi } from 'vitest';
import { ConformanceHandler } from '../../support/conformance-handler.js';
import { fixture, useFakeProvider } from '../../support/fake-provider.js';
import {
  FAILED_THEN_SUCCEEDED,
  messages,
  ok,
  resilientClient,
  settle,
  unavailable,
  until,
  useFakeTimeouts,
} from '../../support/resilience.js';
import { collect, rejectionOf } from '../../support/streams.js';

const streamed = fixture('openai-chat-stream-usage.sse');
/** The fixture's first two events: the role, then the content "I'm". */
const twoEvents = `${streamed.split('\n\n').slice(0, 2).join('\n\n')}\n\n`;
const keepalive = ': keepalive\n\n';
const retryOnce = { numRetries: 1, retry: { jitter: 0 } };

const fake = useFakeProvider();
useFakeTimeouts();

const textOf = (chunks: ChatCompletionChunk[]) =>
  chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');

describe('timeouts', () => {
  it('an attempt that passes its timeout is retried, and the retry answers', async () => {
    fake.reply({ hang: true }, ok);
    const { client, failures } = resilientClient(fake, retryOnce);
    const answer = client.completion({ model: 'gpt-4o', messages, timeout: 1000 });
    await until(() => fake.requests.length === 1, 'the first request arrives');
    await vi.advanceTimersByTimeAsync(1000);
    await until(() => failures.length === 1, 'the first attempt times out');
    expect(failures[0]?.error).toBeInstanceOf(TimeoutError);
    await vi.advanceTimersByTimeAsync(500);
    expect((await answer).choices[0]?.message.content).toBeTruthy();
    expect(fake.requests).toHaveLength(2);
  });

  it('a long timeout (10 s and more, kept by one shared timer) still ends the attempt, within a second of its deadline', async () => {
    vi.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
    });
    fake.reply({ hang: true }, ok);
    const { client, failures } = resilientClient(fake, retryOnce);
    const answer = client.completion({ model: 'gpt-4o', messages, timeout: 30_000 });
    await until(() => fake.requests.length === 1, 'the first request arrives');
    await vi.advanceTimersByTimeAsync(29_000);
    await settle();
    expect(failures).toEqual([]);
    await vi.advanceTimersByTimeAsync(2_000);
    await until(() => failures.length === 1, 'the first attempt times out');
    expect(failures[0]?.error).toBeInstanceOf(TimeoutError);
    expect(failures[0]?.error.message).toContain('timeout of 30000 ms');
    await vi.advanceTimersByTimeAsync(500);
    expect((await answer).choices[0]?.message.content).toBeTruthy();
  });

  it('firstChunkTimeout: a stream with no first chunk in time is retried, and the caller keeps reading the same stream', async () => {
    fake.reply({ body: keepalive, holdOpen: true }, { body: streamed });
    const { client, failures } = resilientClient(fake, retryOnce);
    const handler = new ConformanceHandler();
    client.callbacks = [handler];
    const stream = await client.completion({
      model: 'gpt-4o',
      messages,
      stream: true,
      firstChunkTimeout: 2000,
    });
    const reading = collect(stream);
    await settle();
    await vi.advanceTimersByTimeAsync(2000);
    await until(() => failures.length === 1, 'the first chunk times out');
    expect(failures[0]?.error).toBeInstanceOf(TimeoutError);
    expect(failures[0]?.error.message).toContain('firstChunkTimeout (2000 ms)');
    await vi.advanceTimersByTimeAsync(500);
    const chunks = await reading;

    expect(textOf(chunks)).toMatch(/^I'm unable to provide/);
    expect((await stream.finalResponse()).choices[0]?.message.content).toBe(textOf(chunks));
    expect(fake.requests).toHaveLength(2);
    await client.flush();
    expect(handler.errors).toEqual([]);
    expect(handler.states.filter((state) => state !== 'async_stream')).toEqual(
      FAILED_THEN_SUCCEEDED,
    );
  });

  it('chunkTimeout after the first chunk ends the call with a TimeoutError carrying the partial answer; it is never retried', async () => {
    fake.reply({ body: twoEvents, holdOpen: true }, { body: streamed });
    const { client, failures } = resilientClient(fake, { ...retryOnce, numRetries: 3 });
    const stream = await client.completion({
      model: 'gpt-4o',
      messages,
      stream: true,
      chunkTimeout: 1000,
    });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    expect((await iterator.next()).value?.choices[0]?.delta.content).toBe("I'm");
    const stalled = rejectionOf(iterator.next());
    await settle();
    await vi.advanceTimersByTimeAsync(1000);
    const error = await stalled;

    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).message).toContain('chunkTimeout (1000 ms)');
    expect((error as TimeoutError).partialResponse?.choices[0]?.message.content).toBe("I'm");
    await vi.advanceTimersByTimeAsync(10_000);
    await settle();
    expect(fake.requests).toHaveLength(1);
    expect(failures).toEqual([]);
    await fake.clientGone(0);
  });

  it('totalTimeout ends the call, retries and waits included, with one TimeoutError and one failure event', async () => {
    fake.reply(unavailable);
    const { client } = resilientClient(fake, {
      numRetries: 5,
      retry: { baseDelayMs: 1000, jitter: 0 },
    });
    const handler = new ConformanceHandler();
    client.callbacks = [handler];
    const failed = rejectionOf(
      client.completion({ model: 'gpt-4o', messages, totalTimeout: 2500 }),
    );
    await until(() => fake.requests.length === 1, 'the first request arrives');
    await vi.advanceTimersByTimeAsync(1000);
    await until(() => fake.requests.length === 2, 'the second request arrives');
    await vi.advanceTimersByTimeAsync(1500);
    const error = await failed;

    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).message).toContain('totalTimeout of 2500 ms');
    await vi.advanceTimersByTimeAsync(10_000);
    await settle();
    expect(fake.requests).toHaveLength(2);
    await client.flush();
    const terminal = handler.seen.filter(
      (kwargs) => kwargs.log_event_type !== 'pre_api_call' && !kwargs.will_retry,
    );
    expect(terminal.map((kwargs) => kwargs.log_event_type)).toEqual([
      'post_api_call',
      'post_api_call',
      'failed_api_call',
    ]);
    expect(terminal.at(-1)?.exception).toBeInstanceOf(TimeoutError);
    expect(terminal.at(-1)?.exception?.message).toBe((error as TimeoutError).message);
  });
});

describe('cancellation', () => {
  it('an abort during a retry wait ends the call with an AbortError at once, and no further request is sent', async () => {
    fake.reply(unavailable);
    const { client, failures } = resilientClient(fake, {
      numRetries: 3,
      retry: { baseDelayMs: 10_000 },
    });
    const controller = new AbortController();
    const failed = rejectionOf(
      client.completion({ model: 'gpt-4o', messages, signal: controller.signal }),
    );
    await until(() => failures.length === 1, 'the first attempt fails');
    expect(failures[0]?.error).toBeInstanceOf(ServiceUnavailableError);
    controller.abort();
    expect(await failed).toBeInstanceOf(AbortError);
    await vi.advanceTimersByTimeAsync(60_000);
    await settle();
    expect(fake.requests).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('an abort during a stream’s retry wait ends the stream with an AbortError', async () => {
    fake.reply({ body: keepalive, holdOpen: true });
    const { client, failures } = resilientClient(fake, {
      numRetries: 3,
      retry: { baseDelayMs: 10_000 },
    });
    const controller = new AbortController();
    const stream = await client.completion({
      model: 'gpt-4o',
      messages,
      stream: true,
      firstChunkTimeout: 100,
      signal: controller.signal,
    });
    const reading = rejectionOf(collect(stream));
    await settle();
    await vi.advanceTimersByTimeAsync(100);
    await until(() => failures.length === 1, 'the first chunk times out');
    controller.abort();
    expect(await reading).toBeInstanceOf(AbortError);
    await vi.advanceTimersByTimeAsync(60_000);
    await settle();
    expect(fake.requests).toHaveLength(1);
  });
});

describe('cut streams', () => {
  it('a stream cut after its first chunk is an IncompleteStreamError with the partial answer, never retried and never a success', async () => {
    fake.reply({ body: streamed, cutAfterBytes: twoEvents.length }, { body: streamed });
    const { client, failures } = resilientClient(fake, { ...retryOnce, numRetries: 3 });
    const handler = new ConformanceHandler();
    client.callbacks = [handler];
    const stream = await client.completion({ model: 'gpt-4o', messages, stream: true });
    const error = await rejectionOf(collect(stream));

    expect(error).toBeInstanceOf(IncompleteStreamError);
    expect((error as IncompleteStreamError).partialResponse?.choices[0]?.message.content).toBe(
      "I'm",
    );
    await vi.advanceTimersByTimeAsync(10_000);
    await settle();
    expect(fake.requests).toHaveLength(1);
    expect(failures).toEqual([]);
    await client.flush();
    expect(handler.states.filter((state) => state !== 'async_stream')).toEqual([
      'async_pre_api_call',
      'post_api_call',
      'async_failure',
    ]);
  });

  it('a stream cut before its first chunk is retried: the caller never sees the failure', async () => {
    fake.reply(
      { body: `${keepalive}data: {"id"`, cutAfterBytes: keepalive.length + 5 },
      { body: streamed },
    );
    const { client, failures } = resilientClient(fake, retryOnce);
    const stream = await client.completion({ model: 'gpt-4o', messages, stream: true });
    const reading = collect(stream);
    await until(() => failures.length === 1, 'the cut is seen');
    expect(failures[0]?.error).toBeInstanceOf(IncompleteStreamError);
    await vi.advanceTimersByTimeAsync(500);
    expect(textOf(await reading)).toMatch(/^I'm unable to provide/);
    expect(fake.requests).toHaveLength(2);
  });
});

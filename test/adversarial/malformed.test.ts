import {
  Cache,
  type CacheEntry,
  type CacheStore,
  type ChatCompletionChunk,
  InvalidResponseError,
} from 'shallot';
import { afterEach, describe, expect, it } from 'vitest';
import { useFakeProvider } from '../support/fake-provider.js';
import { cleanUpRedisAfterAll, itWithRedis } from '../support/redis.js';
import { expectRedisPoisonIsAMiss } from './redis-poison.js';
import {
  countingClient,
  expectPrototypesClean,
  failureOf,
  paramsFor,
  readToEnd,
  type WireFormat,
} from './support.js';
import {
  plainAnswer,
  sseOf,
  streamBody,
  streamContentType,
  streamEvents,
  validBodies,
} from './wire.js';

/**
 * Class 4 of issue 13: a malformed answer, chunk or cache entry is checked at the boundary.
 * A provider's is an InvalidResponseError, retryable, so that retries and fallbacks apply; a
 * cache entry's is a miss. Never a raw TypeError, never a success, always one terminal event.
 */

cleanUpRedisAfterAll();

const fake = useFakeProvider();
afterEach(() => {
  expectPrototypesClean();
});

/** Malformed plain answers, per format: each must be an InvalidResponseError. */
const MALFORMED_PLAIN: Readonly<Record<WireFormat, ReadonlyArray<[string, string]>>> = {
  openai: [
    ['choices: [null]', '{"choices":[null]}'],
    ['choices: [1]', '{"choices":[1]}'],
    ['a choice without a message', '{"choices":[{"index":0,"finish_reason":"stop"}]}'],
    ['content: 5', '{"choices":[{"index":0,"message":{"role":"assistant","content":5}}]}'],
    [
      'tool_calls: [null]',
      '{"choices":[{"index":0,"message":{"content":null,"tool_calls":[null]}}]}',
    ],
    ['usage: "lots"', '{"choices":[],"usage":"lots"}'],
    ['null', 'null'],
    ['42', '42'],
  ],
  anthropic: [
    ['null', 'null'],
    ['content: "Hi"', '{"content":"Hi"}'],
    ['an array', '[]'],
  ],
  gemini: [
    ['candidates: [null]', '{"candidates":[null]}'],
    ['candidates: [{content: {parts: 5}}]', '{"candidates":[{"content":{"parts":5}}]}'],
    ['null', 'null'],
  ],
  ollama: [
    ['message: null', '{"message":null}'],
    ['tool_calls: "x"', '{"message":{"content":"","tool_calls":"x"}}'],
    ['tool_calls: [null]', '{"message":{"content":"","tool_calls":[null]}}'],
  ],
};

/** Malformed stream events, per format, as the raw text of one event's data (or line). */
const MALFORMED_EVENTS: Readonly<Record<WireFormat, ReadonlyArray<[string, string]>>> = {
  openai: [
    ['data: null', 'null'],
    ['data: 42', '42'],
    ['data: []', '[]'],
    ['choices: [null]', '{"choices":[null]}'],
    [
      'logprobs: {content: 5}',
      '{"choices":[{"index":0,"delta":{"content":"x"},"logprobs":{"content":5}}]}',
    ],
    ['delta.content: {}', '{"choices":[{"index":0,"delta":{"content":{}}}]}'],
    ['tool_calls: [null]', '{"choices":[{"index":0,"delta":{"tool_calls":[null]}}]}'],
  ],
  anthropic: [
    ['data: null', 'null'],
    ['data: 42', '42'],
  ],
  gemini: [
    ['data: null', 'null'],
    ['candidates: [null]', '{"candidates":[null]}'],
    ['parts: 5', '{"candidates":[{"content":{"parts":5}}]}'],
  ],
  ollama: [
    ['42', '42'],
    ['message.tool_calls: [null]', '{"message":{"tool_calls":[null]},"done":false}'],
  ],
};

/** A stream body whose first event is `data`, in `format`'s framing. */
function streamStartingWith(format: WireFormat, data: string): string {
  if (format === 'ollama') return `${data}\n${streamBody('ollama', streamEvents('ollama'))}`;
  const name = format === 'anthropic' ? 'event: message_start\n' : '';
  return `${name}data: ${data}\n\n${streamBody(format, streamEvents(format))}`;
}

describe('a malformed provider answer', () => {
  for (const [format, cases] of Object.entries(MALFORMED_PLAIN) as Array<
    [WireFormat, ReadonlyArray<[string, string]>]
  >) {
    for (const [label, body] of cases) {
      it(`${format}: the plain answer ${label} is a retryable InvalidResponseError, and a retry gets the good answer`, async () => {
        fake.reply({ body }, { body: validBodies(format).plain });
        const failing = countingClient(format, fake.url);
        const error = await failureOf(failing.client.completion(paramsFor(format)));
        expect(error).toBeInstanceOf(InvalidResponseError);
        expect(error.retryable).toBe(true);
        expect(await failing.terminalEvents()).toBe(1);

        fake.reply({ body }, { body: validBodies(format).plain });
        const retrying = countingClient(format, fake.url, { retry: { baseDelayMs: 1 } });
        const answer = await retrying.client.completion({ ...paramsFor(format), numRetries: 1 });
        expect(answer.choices[0]?.message.content).toBe('Hi');
        expect(await retrying.terminalEvents()).toBe(1);
      });
    }
  }
});

describe('a malformed stream event', () => {
  for (const [format, cases] of Object.entries(MALFORMED_EVENTS) as Array<
    [WireFormat, ReadonlyArray<[string, string]>]
  >) {
    for (const [label, data] of cases) {
      it(`${format}: a first event ${label} is a retryable InvalidResponseError, and a retry gets the good stream`, async () => {
        const headers = { 'content-type': streamContentType(format) };
        fake.reply({ body: streamStartingWith(format, data), headers });
        const failing = countingClient(format, fake.url);
        const stream = await failing.client.completion({ ...paramsFor(format), stream: true });
        const error = await readToEnd(stream);
        expect(error).toBeInstanceOf(InvalidResponseError);
        expect(error?.retryable).toBe(true);
        expect(await failing.terminalEvents()).toBe(1);

        fake.reply(
          { body: streamStartingWith(format, data), headers },
          { body: validBodies(format).stream, headers },
        );
        const retrying = countingClient(format, fake.url, { retry: { baseDelayMs: 1 } });
        const retried = await retrying.client.completion({
          ...paramsFor(format),
          stream: true,
          numRetries: 1,
        });
        expect(await readToEnd(retried)).toBeUndefined();
        expect((await retried.finalResponse()).choices[0]?.message.content).toBe('Hi');
        expect(await retrying.terminalEvents()).toBe(1);
      });
    }
  }

  it('openai: a malformed chunk after the first one ends the stream with an InvalidResponseError carrying what arrived', async () => {
    const events = streamEvents('openai') as unknown[];
    const body = `${sseOf(events[0])}data: {"choices":[{"index":0,"delta":{"content":"x"},"logprobs":{"content":5}}]}\n\n`;
    fake.reply({ body });
    const counting = countingClient('openai', fake.url);
    const stream = await counting.client.completion({ ...paramsFor('openai'), stream: true });
    const error = await readToEnd(stream);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error?.message).toContain('logprobs.content');
    expect(error?.partialResponse?.choices[0]?.message.content).toBe('H');
    expect(await counting.terminalEvents()).toBe(1);
  });

  it('a mock chunk list with a malformed chunk is a ValidationError naming it, with one terminal event', async () => {
    const counting = countingClient('openai', fake.url);
    const error = await failureOf(
      counting.client.completion({
        ...paramsFor('openai'),
        stream: true,
        mockResponse: [{ choices: [{ index: 0, delta: { content: 5 } }] } as never],
      }),
    );
    expect(error.name).toBe('ValidationError');
    expect(error.message).toContain('mockResponse[0]');
    expect(await counting.terminalEvents()).toBe(1);
  });
});

/** A cache store that hands back `entry` for every key and keeps nothing. */
function storeReturning(entry: unknown): CacheStore {
  return {
    get: async () => entry as CacheEntry,
    set: async () => {},
    delete: async () => {},
  };
}

const goodChunks = () => streamEvents('openai') as ChatCompletionChunk[];
const MALFORMED_ENTRIES: ReadonlyArray<[string, unknown]> = [
  [
    'chunks: [null]',
    { v: 1, createdAt: Date.now(), response: plainAnswer('openai'), chunks: [null] },
  ],
  [
    'tool_calls: [null] in a chunk',
    {
      v: 1,
      createdAt: Date.now(),
      response: plainAnswer('openai'),
      chunks: [{ ...goodChunks()[0], choices: [{ index: 0, delta: { tool_calls: [null] } }] }],
    },
  ],
  [
    'tool_calls: [null] in the response',
    {
      v: 1,
      createdAt: Date.now(),
      response: {
        ...plainAnswer('openai'),
        choices: [{ index: 0, message: { content: null, tool_calls: [null] } }],
      },
    },
  ],
  ['response: null', { v: 1, createdAt: Date.now(), response: null }],
  ['a string', 'not an entry'],
  ['createdAt: "yesterday"', { v: 1, createdAt: 'yesterday', response: plainAnswer('openai') }],
];

describe('a malformed cache entry', () => {
  for (const [label, entry] of MALFORMED_ENTRIES) {
    itWithRedis(`${label}, written into Redis by another process, is a miss`, async () => {
      await expectRedisPoisonIsAMiss(fake, entry);
    });

    for (const stream of [false, true]) {
      it(`${label} is a miss for a ${stream ? 'streamed' : 'plain'} call, and an identical call after it ends within its own signal`, async () => {
        fake.reply({
          body: stream ? validBodies('openai').stream : validBodies('openai').plain,
        });
        const counting = countingClient('openai', fake.url);
        counting.client.cache = new Cache({ store: storeReturning(entry) });
        const sent = fake.requests.length;
        for (let call = 0; call < 2; call++) {
          const signal = AbortSignal.timeout(2000);
          if (stream) {
            const reading = await counting.client.completion({
              ...paramsFor('openai'),
              stream: true,
              signal,
            });
            expect(await readToEnd(reading)).toBeUndefined();
          } else {
            const answer = await counting.client.completion({ ...paramsFor('openai'), signal });
            expect(answer.choices[0]?.message.content).toBe('Hi');
          }
          // The first answer lands in the store before the second call reads it.
          await counting.client.flush();
        }
        expect(fake.requests.length).toBe(sent + 2);
        expect(await counting.terminalEvents()).toBe(2);
        expect(counting.successes.every((kwargs) => kwargs.cache_hit === false)).toBe(true);
      });
    }
  }
});

import {
  Cache,
  type CompletionCacheEntry as CacheEntry,
  type CacheStore,
  type ChatCompletionChunk,
  InvalidResponseError,
} from 'shallot';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useFakeProvider } from '../support/fake-provider.js';
import { cleanUpRedisAfterAll, itWithRedis } from '../support/redis.js';
import { expectRedisPoisonIsAMiss } from './redis-poison.js';
import {
  countingClient,
  expectPrototypesClean,
  failureOf,
  maxLoopDelayDuring,
  paramsFor,
  readToEnd,
  type WireFormat,
  warmUp,
} from './support.js';
import { plainAnswer, streamBody, streamContentType, streamEvents, validBodies } from './wire.js';

/**
 * Classes 1 and 2 of issue 13: a value from the wire or a cache used as a key or an index
 * never writes to a prototype and never makes the process fill a sparse array. Every index
 * (choices, tool calls, candidates, content blocks) is bounded; the rest is an
 * InvalidResponseError, retryable.
 */

cleanUpRedisAfterAll();

const fake = useFakeProvider();
beforeAll(async () => {
  await warmUp(
    fake.url,
    (body, type) => fake.reply({ body, headers: { 'content-type': type } }),
    validBodies,
  );
});
afterEach(() => {
  expectPrototypesClean();
});

const HOSTILE_INDEXES: ReadonlyArray<[string, unknown]> = [
  ['"__proto__"', '__proto__'],
  ['4294967294', 4294967294],
  ['1e8', 1e8],
  ['-1', -1],
  ['1.5', 1.5],
];

/** A stream in `format` whose one index field is `index`, and nothing else wrong. */
function streamWithIndex(format: WireFormat, index: unknown): string {
  const events = streamEvents(format) as Array<Record<string, unknown>>;
  if (format === 'openai') {
    const first = events[0] as { choices: Array<Record<string, unknown>> };
    (first.choices[0] as Record<string, unknown>).index = index;
  } else if (format === 'gemini') {
    const first = events[0] as { candidates: Array<Record<string, unknown>> };
    (first.candidates[0] as Record<string, unknown>).index = index;
  } else {
    (events[1] as Record<string, unknown>).index = index;
    (events[2] as Record<string, unknown>).index = index;
  }
  return streamBody(format, events);
}

/** Expects the typed, retryable failure of one hostile answer, and the promises around it. */
async function expectRejected(
  format: WireFormat,
  run: (client: ReturnType<typeof countingClient>['client']) => Promise<unknown>,
) {
  const counting = countingClient(format, fake.url);
  const { result: error, maxDelayMs } = await maxLoopDelayDuring(() => run(counting.client));
  expect(error).toBeInstanceOf(InvalidResponseError);
  expect((error as InvalidResponseError).retryable).toBe(true);
  expect(maxDelayMs).toBeLessThan(100);
  expect(await counting.terminalEvents()).toBe(1);
  expect(counting.failures).toHaveLength(1);
}

describe('an index from a stream', () => {
  for (const format of ['openai', 'gemini', 'anthropic'] as const) {
    for (const [label, index] of HOSTILE_INDEXES) {
      it(`${format}: a ${format === 'anthropic' ? 'content block' : 'choice'} index of ${label} is an InvalidResponseError, with no prototype write and no blocked loop`, async () => {
        fake.reply({
          body: streamWithIndex(format, index),
          headers: { 'content-type': streamContentType(format) },
        });
        await expectRejected(format, async (client) => {
          const stream = await client.completion({ ...paramsFor(format), stream: true });
          return readToEnd(stream);
        });
      });
    }
  }

  for (const [label, index] of HOSTILE_INDEXES) {
    it(`openai: a tool-call index of ${label} is an InvalidResponseError, with no prototype write and no blocked loop`, async () => {
      const events = streamEvents('openai') as Array<{ choices: Array<Record<string, unknown>> }>;
      (events[0]?.choices[0] as Record<string, unknown>).delta = {
        role: 'assistant',
        tool_calls: [
          { index, id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } },
        ],
      };
      fake.reply({ body: streamBody('openai', events) });
      await expectRejected('openai', async (client) => {
        const stream = await client.completion({ ...paramsFor('openai'), stream: true });
        return readToEnd(stream);
      });
    });
  }

  it('a stream of 2,000 chunks with indexes within bounds still reads through, several choices and tool calls included', async () => {
    const chunks: unknown[] = [];
    for (let index = 0; index < 2000; index++) {
      chunks.push({
        id: 'c',
        object: 'chat.completion.chunk',
        created: 1,
        model: 'm',
        choices: [{ index: index % 4, delta: { content: 'x' }, finish_reason: null }],
      });
    }
    fake.reply({ body: streamBody('openai', chunks) });
    const counting = countingClient('openai', fake.url);
    const stream = await counting.client.completion({ ...paramsFor('openai'), stream: true });
    expect(await readToEnd(stream)).toBeUndefined();
    const answer = await stream.finalResponse();
    expect(answer.choices.map((choice) => choice.message.content?.length)).toEqual([
      500, 500, 500, 500,
    ]);
  });
});

describe('an index from a JSON answer', () => {
  for (const [label, index] of HOSTILE_INDEXES) {
    it(`openai: a JSON answer to a stream request with a choice index of ${label} is an InvalidResponseError`, async () => {
      const answer = plainAnswer('openai') as { choices: Array<Record<string, unknown>> };
      (answer.choices[0] as Record<string, unknown>).index = index;
      fake.reply({ body: JSON.stringify(answer) });
      await expectRejected('openai', async (client) => {
        try {
          const stream = await client.completion({ ...paramsFor('openai'), stream: true });
          return await readToEnd(stream);
        } catch (error) {
          return error;
        }
      });
    });

    it(`openai: a plain answer with a choice index of ${label} is an InvalidResponseError`, async () => {
      const answer = plainAnswer('openai') as { choices: Array<Record<string, unknown>> };
      (answer.choices[0] as Record<string, unknown>).index = index;
      fake.reply({ body: JSON.stringify(answer) });
      await expectRejected('openai', (client) => failureOf(client.completion(paramsFor('openai'))));
    });

    it(`gemini: a plain answer with a candidate index of ${label} is an InvalidResponseError`, async () => {
      const answer = plainAnswer('gemini') as { candidates: Array<Record<string, unknown>> };
      (answer.candidates[0] as Record<string, unknown>).index = index;
      fake.reply({ body: JSON.stringify(answer) });
      await expectRejected('gemini', (client) => failureOf(client.completion(paramsFor('gemini'))));
    });
  }
});

/** A cache entry whose chunks carry a hostile choice index. */
function poisonedEntry(index: unknown): CacheEntry {
  const chunks = streamEvents('openai') as ChatCompletionChunk[];
  (chunks[0]?.choices[0] as unknown as Record<string, unknown>).index = index;
  return {
    v: 1,
    createdAt: Date.now(),
    response: plainAnswer('openai') as unknown as CacheEntry['response'],
    chunks,
  };
}

describe('an index from a cache entry', () => {
  for (const [label, index] of HOSTILE_INDEXES) {
    it(`a custom store's entry with a choice index of ${label} is a miss: the call goes to the provider and succeeds`, async () => {
      const store: CacheStore = {
        get: async () => poisonedEntry(index),
        set: async () => {},
        delete: async () => {},
      };
      fake.reply({ body: streamBody('openai', streamEvents('openai')) });
      const counting = countingClient('openai', fake.url);
      counting.client.cache = new Cache({ store });
      const sent = fake.requests.length;
      const { result, maxDelayMs } = await maxLoopDelayDuring(async () => {
        const stream = await counting.client.completion({ ...paramsFor('openai'), stream: true });
        return readToEnd(stream);
      });
      expect(result).toBeUndefined();
      expect(maxDelayMs).toBeLessThan(100);
      expect(fake.requests.length).toBe(sent + 1);
      expect(await counting.terminalEvents()).toBe(1);
      expect(counting.successes[0]?.cache_hit).toBe(false);
    });
  }

  for (const index of ['__proto__', 4294967294]) {
    itWithRedis(
      `an entry another process wrote into Redis with a choice index of ${JSON.stringify(index)} is a miss, for plain and streamed calls`,
      async () => {
        const entry = poisonedEntry(index);
        const answer = entry.response as unknown as { choices: Array<Record<string, unknown>> };
        (answer.choices[0] as Record<string, unknown>).index = index;
        await expectRedisPoisonIsAMiss(fake, entry);
      },
    );
  }
});

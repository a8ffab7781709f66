import {
  Cache,
  type CacheEntry,
  type CallbackKwargs,
  type ChatCompletionChunk,
  createClient,
  decodeCacheEntry,
  encodeCacheEntry,
  ShallotError,
  UnexpectedError,
} from 'shallot';
import { MockAgent } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../support/chaos-provider.js';
import { fixture } from '../support/fake-provider.js';
import { mutateText, mutateValue, type Random } from '../support/mutate.js';
import {
  expectPrototypesClean,
  KEY,
  MODEL_OF,
  maxLoopDelayDuring,
  paramsFor,
  WIRE_FORMATS,
  type WireFormat,
} from './support.js';

/**
 * The fuzz suite of issue 13: recorded answers and streams of every wire format, and cache
 * entries, mutated a few thousand times with a fixed seed (fields deleted, types swapped,
 * `__proto__` keys, absurd numbers, nulls, cut or doubled bytes) and fed through the public
 * API. Every outcome must be a result or a ShallotError: never another exception, never a
 * prototype change, never a blocked event loop, and exactly one terminal event per call.
 */

const SEED = 0x5ea1;
const MUTATIONS_PER_FIXTURE = 250;
const ORIGIN = 'http://fuzz.invalid';

/** The recorded fixtures of each wire format: plain answers, then streams. */
const FIXTURES: Readonly<Record<WireFormat, { plain: string[]; stream: string[] }>> = {
  openai: {
    plain: ['openai-chat.json'],
    stream: [
      'openai-chat-stream-usage.sse',
      'openai-chat-stream-tool-calls.sse',
      'azure-chat-stream-content-filter.sse',
    ],
  },
  anthropic: {
    plain: ['anthropic-messages.json', 'written-anthropic-messages-thinking-tool-use.json'],
    stream: ['anthropic-messages-stream-thinking.sse', 'anthropic-messages-stream-tool-use.sse'],
  },
  gemini: {
    plain: [
      'gemini-generate-content-tool-call.json',
      'written-gemini-generate-content-thinking.json',
    ],
    stream: ['gemini-stream.sse', 'written-gemini-stream-tool-calls.sse'],
  },
  ollama: {
    plain: ['written-ollama-chat.json', 'written-ollama-chat-tool-call.json'],
    stream: ['written-ollama-stream-tool-calls.ndjson', 'written-ollama-stream-thinking.ndjson'],
  },
};

/** One event of a recorded stream: its `event:` name, and its data as JSON where it is. */
interface WireEvent {
  event: string | undefined;
  data: unknown;
  raw: string;
}

function eventsOf(format: WireFormat, text: string): WireEvent[] {
  if (format === 'ollama') {
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => ({ event: undefined, data: JSON.parse(line), raw: line }));
  }
  return text
    .split(/\r?\n\r?\n/)
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const event = /^event: ?(.*)$/m.exec(block)?.[1];
      const raw = block
        .split(/\r?\n/)
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n');
      let data: unknown = raw;
      try {
        data = JSON.parse(raw);
      } catch {
        // `[DONE]`
      }
      return { event, data, raw };
    });
}

function frame(format: WireFormat, events: readonly { event?: string; data: string }[]): string {
  if (format === 'ollama') return `${events.map((event) => event.data).join('\n')}\n`;
  return events
    .map((event) => `${event.event ? `event: ${event.event}\n` : ''}data: ${event.data}\n\n`)
    .join('');
}

/** A stream with one or two of its events mutated (as values, or as text). */
function mutatedStream(format: WireFormat, events: readonly WireEvent[], random: Random): string {
  const mutated = events.map((event) => ({ event: event.event, data: event.raw }));
  const count = 1 + Math.floor(random() * 2);
  for (let step = 0; step < count; step++) {
    const at = Math.floor(random() * mutated.length);
    const original = events[at] as WireEvent;
    const target = mutated[at] as { data: string };
    target.data =
      typeof original.data === 'object' && random() < 0.8
        ? JSON.stringify(mutateValue(original.data, random))
        : mutateText(original.raw, random);
  }
  return frame(format, mutated);
}

function mutatedAnswer(text: string, random: Random): string {
  return random() < 0.8
    ? JSON.stringify(mutateValue(JSON.parse(text), random))
    : mutateText(text, random);
}

/** The outcome of every fuzzed call: how many, and anything that was not a ShallotError. */
interface Tally {
  calls: number;
  untyped: unknown[];
}

/** One call through the public API; a stream is read to its end. */
async function run(
  call: () => Promise<unknown>,
  stream: boolean,
  tally: Tally,
  label: string,
): Promise<void> {
  tally.calls++;
  // The in-process mock answers without a turn of the event loop; a network would take one.
  await new Promise((resolve) => setImmediate(resolve));
  try {
    const result = await call();
    if (stream) {
      for await (const _chunk of result as AsyncIterable<unknown>) {
        // read through
      }
    }
  } catch (error) {
    // No layer of the caller's here: an UnexpectedError would be shallot's own untyped throw.
    if (!(error instanceof ShallotError) || error instanceof UnexpectedError) {
      tally.untyped.push({ label, error });
    }
  }
  expectPrototypesClean();
}

const agents: MockAgent[] = [];
afterAll(async () => {
  for (const agent of agents) await agent.close();
});

/** A client over an in-process undici MockAgent that answers every request with `body()`. */
function fuzzClient(format: WireFormat, body: () => { text: string; type: string }) {
  const agent = new MockAgent();
  agent.disableNetConnect();
  agents.push(agent);
  agent
    .get(ORIGIN)
    .intercept({ path: () => true, method: 'POST' })
    .reply(() => {
      const { text, type } = body();
      return {
        statusCode: 200,
        data: text,
        responseOptions: { headers: { 'content-type': type } },
      };
    })
    .persist();
  let terminal = 0;
  const reported: unknown[] = [];
  const client = createClient({
    dispatcher: agent,
    providers: { [format]: { apiKey: KEY, apiBase: `${ORIGIN}/v1` } },
    onCallbackError: (error) => reported.push(error),
  });
  const count = () => {
    terminal++;
  };
  client.successCallback.push(count);
  client.failureCallback.push(count);
  return { client, terminal: () => terminal, reported };
}

/**
 * Loads, before the loop is measured, what every process loads once on first use: the modules
 * of each wire format's path, and the tokenizer that prices a stream sent without usage
 * (about 100 ms, once; see docs/cost.md). The measurement is then of the answers themselves.
 */
async function loadOnce(): Promise<void> {
  const noUsage = JSON.stringify({
    choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' }],
  });
  const fuzz = fuzzClient('openai', () => ({ text: noUsage, type: 'application/json' }));
  await fuzz.client.completion(paramsFor('openai'));
  await fuzz.client.flush();
}

describe('fuzzing every wire format and the cache codec', () => {
  it(`${MUTATIONS_PER_FIXTURE} mutations of every recorded answer and stream, of every format: a result or a ShallotError, one terminal event each, no prototype change, no blocked loop`, async () => {
    const random = seededRandom(SEED);
    const tally: Tally = { calls: 0, untyped: [] };
    await loadOnce();
    const { maxDelayMs } = await maxLoopDelayDuring(async () => {
      for (const format of WIRE_FORMATS) {
        const streamType = format === 'ollama' ? 'application/x-ndjson' : 'text/event-stream';
        let current = { text: '', type: 'application/json' };
        const fuzz = fuzzClient(format, () => current);
        const { plain, stream } = FIXTURES[format];
        for (const name of plain) {
          const text = fixture(name);
          for (let index = 0; index < MUTATIONS_PER_FIXTURE; index++) {
            current = { text: mutatedAnswer(text, random), type: 'application/json' };
            await run(() => fuzz.client.completion(paramsFor(format)), false, tally, name);
          }
        }
        for (const name of stream) {
          const events = eventsOf(format, fixture(name));
          for (let index = 0; index < MUTATIONS_PER_FIXTURE; index++) {
            current = { text: mutatedStream(format, events, random), type: streamType };
            await run(
              () => fuzz.client.completion({ ...paramsFor(format), stream: true }),
              true,
              tally,
              name,
            );
          }
        }
        await fuzz.client.flush();
        expect(fuzz.terminal()).toBe((plain.length + stream.length) * MUTATIONS_PER_FIXTURE);
        // Observers (cost, records, callbacks) met the same answers: none of them broke.
        expect(fuzz.reported.filter((error) => !(error instanceof ShallotError))).toEqual([]);
      }
    });
    expect(tally.untyped).toEqual([]);
    expect(tally.calls).toBe(4000);
    expect(maxDelayMs).toBeLessThan(100);
  }, 60_000);

  it('mutated cache entries, plain and compact, as a store of your own decodes them: a hit, a miss or a ShallotError, never another exception', async () => {
    const random = seededRandom(SEED + 1);
    const answer = JSON.parse(fixture('openai-chat.json'));
    const chunks = eventsOf('openai', fixture('openai-chat-stream-usage.sse'))
      .map((event) => event.data)
      .filter((data) => typeof data === 'object') as ChatCompletionChunk[];
    const entries = [
      encodeCacheEntry({ v: 1, createdAt: Date.now(), response: answer }),
      encodeCacheEntry({ v: 1, createdAt: Date.now(), response: answer, chunks }),
    ];
    let stored = '';
    const fuzz = fuzzClient('openai', () => ({
      text: fixture('openai-chat.json'),
      type: 'application/json',
    }));
    fuzz.client.cache = new Cache({
      store: {
        get: async () => decodeCacheEntry(stored) as CacheEntry,
        set: async () => {},
        delete: async () => {},
      },
    });
    const tally: Tally = { calls: 0, untyped: [] };
    const hits: unknown[] = [];
    fuzz.client.successCallback.push((kwargs: CallbackKwargs, response: unknown) => {
      if (kwargs.cache_hit) hits.push(response);
    });
    const { maxDelayMs } = await maxLoopDelayDuring(async () => {
      for (let index = 0; index < 400; index++) {
        const entry = entries[index % 2] as string;
        stored =
          random() < 0.8
            ? JSON.stringify(mutateValue(JSON.parse(entry), random))
            : mutateText(entry, random);
        const stream = random() < 0.5;
        await run(
          () =>
            fuzz.client.completion({
              model: MODEL_OF.openai,
              messages: [{ role: 'user', content: 'Hello' }],
              stream,
            }),
          stream,
          tally,
          'cache entry',
        );
        await fuzz.client.flush();
      }
    });
    expect(tally.untyped).toEqual([]);
    expect(fuzz.terminal()).toBe(400);
    // Some mutations leave a valid entry (an unread field changed): those are real hits.
    expect(hits.length).toBeGreaterThan(0);
    expect(maxDelayMs).toBeLessThan(100);
  }, 60_000);
});

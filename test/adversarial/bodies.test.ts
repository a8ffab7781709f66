import {
  createClient,
  IncompleteStreamError,
  InternalServerError,
  InvalidResponseError,
} from 'shallot';
import { describe, expect, it } from 'vitest';
import { useFakeProvider } from '../support/fake-provider.js';
import { runScript } from './child-process.js';
import {
  countingClient,
  failureOf,
  paramsFor,
  readToEnd,
  WIRE_FORMATS,
  type WireFormat,
} from './support.js';
import { sseOf, streamContentType, streamEvents, validBodies } from './wire.js';

/**
 * Class 8 of issue 13, and the body half of class 6: what a server sends is held in memory
 * only up to documented limits (`maxResponseBytes`, 32 MiB, for a plain answer or an error
 * body; `maxEventBytes`, 4 MiB, for one event of a stream), counted before it is parsed; a
 * stream request answered with something that is no stream is an InvalidResponseError; and a
 * body held open after its terminal marker does not keep the process alive.
 */

const MiB = 1024 * 1024;
/** A 600 MiB body: 9,600 pieces of 64 KiB, written as the client reads them. */
const HUGE = { piece: 'x'.repeat(64 * 1024), times: 9600 };

const fake = useFakeProvider();

/** The most the process's RSS grew, in MiB, while `work` ran. */
async function rssGrowthDuring(work: () => Promise<unknown>): Promise<number> {
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  try {
    await work();
  } finally {
    clearInterval(sampler);
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  return (peak - before) / MiB;
}

describe('a huge plain answer', () => {
  it('600 MiB sent without a length fails at maxResponseBytes with an InvalidResponseError naming it, the memory held within a small multiple of it', async () => {
    fake.reply({ body: '{"choices":[{"message":{"content":"', repeat: HUGE });
    const counting = countingClient('openai', fake.url);
    let error: unknown;
    const growth = await rssGrowthDuring(async () => {
      error = await failureOf(counting.client.completion(paramsFor('openai')));
    });
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as Error).message).toContain('maxResponseBytes (32 MiB)');
    expect(growth).toBeLessThan(4 * 32);
    expect(await counting.terminalEvents()).toBe(1);
  });

  it('a Content-Length of 600 MiB fails before the body is read', async () => {
    fake.reply({
      body: '{"choices":[',
      headers: { 'content-length': String(600 * MiB) },
      repeat: HUGE,
    });
    const counting = countingClient('openai', fake.url);
    const error = await failureOf(counting.client.completion(paramsFor('openai')));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.message).toContain('declares 600 MiB');
  });

  it('a limit of the client’s own: maxResponseBytes of 1 KiB refuses a 2 KiB answer, and a retry does not help it', async () => {
    const answer = JSON.parse(validBodies('openai').plain);
    answer.choices[0].message.content = 'y'.repeat(2048);
    fake.reply({ body: JSON.stringify(answer) });
    const client = createClient({
      maxResponseBytes: 1024,
      providers: { openai: { apiKey: 'sk-limit-0123456789', apiBase: fake.url } },
    });
    const error = await failureOf(client.completion(paramsFor('openai')));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.message).toContain('maxResponseBytes (1 KiB)');
  });

  it('a 600 MiB error body is cut at the limit: the error still says what its status means', async () => {
    fake.reply({ status: 500, body: '<html>', repeat: HUGE });
    const counting = countingClient('openai', fake.url);
    let error: unknown;
    const growth = await rssGrowthDuring(async () => {
      error = await failureOf(counting.client.completion(paramsFor('openai')));
    });
    expect(error).toBeInstanceOf(InternalServerError);
    expect(growth).toBeLessThan(4 * 32);
  });
});

/** A stream in `format` whose second event never ends: `data: xxxx...` (or a line) forever. */
function endlessEvent(format: WireFormat): { body: string; headers: Record<string, string> } {
  // The first event alone: no terminal marker (`[DONE]`) before the endless one.
  const [event] = streamEvents(format);
  const first = format === 'ollama' ? `${JSON.stringify(event)}\n` : sseOf(event);
  const opening = format === 'ollama' ? '{"message":{"content":"' : 'data: {"x":"';
  return { body: first + opening, headers: { 'content-type': streamContentType(format) } };
}

describe('a huge stream event', () => {
  for (const format of WIRE_FORMATS) {
    it(`${format}: an event that grows past maxEventBytes fails the stream with an InvalidResponseError naming it, the memory held`, async () => {
      fake.reply({ ...endlessEvent(format), repeat: HUGE });
      const counting = countingClient(format, fake.url);
      let error: unknown;
      const growth = await rssGrowthDuring(async () => {
        const stream = await counting.client.completion({ ...paramsFor(format), stream: true });
        error = await readToEnd(stream);
      });
      expect(error).toBeInstanceOf(InvalidResponseError);
      expect((error as Error).message).toContain('maxEventBytes (4 MiB)');
      expect(growth).toBeLessThan(4 * 32);
      expect(await counting.terminalEvents()).toBe(1);
    });
  }
});

describe('a stream request answered with no stream', () => {
  for (const format of WIRE_FORMATS) {
    it(`${format}: an HTML page with a 200 is an InvalidResponseError, retryable, not an IncompleteStreamError`, async () => {
      fake.reply({
        body: '<html><body>Bad gateway, but with a 200</body></html>',
        headers: { 'content-type': format === 'ollama' ? 'application/x-ndjson' : 'text/html' },
      });
      const counting = countingClient(format, fake.url);
      const stream = await counting.client.completion({ ...paramsFor(format), stream: true });
      const error = await readToEnd(stream);
      expect(error).toBeInstanceOf(InvalidResponseError);
      expect(error).not.toBeInstanceOf(IncompleteStreamError);
      expect(error?.retryable).toBe(true);
      expect(await counting.terminalEvents()).toBe(1);
    });
  }

  it('an empty event stream is an InvalidResponseError too', async () => {
    fake.reply({ body: '', headers: { 'content-type': 'text/event-stream' } });
    const counting = countingClient('openai', fake.url);
    const stream = await counting.client.completion({ ...paramsFor('openai'), stream: true });
    expect(await readToEnd(stream)).toBeInstanceOf(InvalidResponseError);
  });
});

describe('a body held open after its terminal marker', () => {
  it('does not keep the process alive after shutdown(): it exits on its own within a few seconds', async () => {
    fake.reply({ body: validBodies('openai').stream, holdOpen: true });
    const run = await runScript(
      new URL('./lingering-stream-script.ts', import.meta.url),
      [fake.url],
      'shutdown resolved',
    );
    expect(run.outcome, `still running; it printed: ${run.stdout}${run.stderr}`).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('read "Hi"; shutdown resolved true\n');
    expect(run.exitAfterMarkerMs).toBeLessThan(3000);
  }, 20_000);
});

describe('a stream read slowly', () => {
  it('stops taking the body while 256 decoded chunks wait unread, then delivers every chunk once the reader goes on', async () => {
    const times = 2_000;
    const perPiece = 100;
    const event = sseOf({
      id: 'chatcmpl-slow',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'gpt-4o-mini',
      choices: [{ index: 0, delta: { content: 'x' }, finish_reason: null }],
    });
    fake.reply({
      headers: { 'content-type': 'text/event-stream' },
      repeat: { piece: event.repeat(perPiece), times, tail: 'data: [DONE]\n\n' },
    });
    const client = createClient({
      providers: { openai: { apiKey: 'sk-slow-0123456789', apiBase: fake.url } },
    });
    const stream = await client.completion({ ...paramsFor('openai'), stream: true });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    // Had the body kept flowing, all 200,000 chunks (24 MB of events) would now wait decoded
    // in memory, 60 MB and more of the heap.
    const before = process.memoryUsage().heapUsed;
    await new Promise((resolve) => setTimeout(resolve, 300));
    const held = (process.memoryUsage().heapUsed - before) / MiB;
    expect(held).toBeLessThan(16);
    let chunks = 1;
    while (!(await iterator.next()).done) chunks++;
    expect(chunks).toBe(times * perPiece);
    // 200,000 chunks take a few seconds, many more on a loaded machine.
  }, 90_000);
});

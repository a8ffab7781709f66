import { type CallRecord, createClient, createSink } from 'shallot';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { collect } from '../../support/streams.js';

const messages = [{ role: 'user' as const, content: 'Hi' }];

afterEach(() => {
  vi.useRealTimers();
});

describe('createSink()', () => {
  it('hands every finished call’s record over after the caller has its result, a stream after its last chunk', async () => {
    const written: CallRecord[][] = [];
    const sink = createSink({ name: 'testSink', write: (records) => written.push(records) });
    const client = createClient({ middleware: [sink] });
    await client.completion({ model: 'gpt-4o-mini', messages, mockResponse: 'one' });
    expect(written).toEqual([]);
    const stream = await client.completion({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
      mockResponse: 'two',
    });
    await client.flush();
    expect(written.flat().map((record) => record.stream)).toEqual([false]);
    await collect(stream);
    await client.flush();
    expect(written.flat().map((record) => record.stream)).toEqual([false, true]);
  });

  it('batches records, writes one batch at a time in order, and flush() drains a partial batch', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const batches: string[][] = [];
    let active = 0;
    let overlapped = false;
    const sink = createSink({
      name: 'batchSink',
      batchSize: 3,
      maxWaitMs: 60_000,
      write: async (records) => {
        active++;
        overlapped ||= active > 1;
        await Promise.resolve();
        batches.push(records.map((record) => record.metadata.n as string));
        active--;
      },
    });
    const client = createClient({ middleware: [sink] });
    for (let n = 0; n < 7; n++) {
      await client.completion({
        model: 'gpt-4o-mini',
        messages,
        mockResponse: 'x',
        metadata: { n: String(n) },
      });
    }
    await client.flush();
    expect(batches).toEqual([['0', '1', '2'], ['3', '4', '5'], ['6']]);
    expect(overlapped).toBe(false);
  });

  it('under load writes only full batches, and leaves the rest for the timer or flush()', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const batches: string[][] = [];
    const sink = createSink({
      name: 'loadSink',
      batchSize: 2,
      maxWaitMs: 60_000,
      write: (records) => batches.push(records.map((record) => record.metadata.n as string)),
    });
    const client = createClient({ middleware: [sink] });
    // Three calls end in the same turn: the batch fills, and one record is left over.
    await Promise.all(
      ['0', '1', '2'].map((n) =>
        client.completion({ model: 'gpt-4o-mini', messages, mockResponse: 'x', metadata: { n } }),
      ),
    );
    for (let turn = 0; turn < 10; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([['0', '1']]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(batches).toEqual([['0', '1'], ['2']]);
    await client.completion({
      model: 'gpt-4o-mini',
      messages,
      mockResponse: 'x',
      metadata: { n: '3' },
    });
    await client.flush();
    expect(batches).toEqual([['0', '1'], ['2'], ['3']]);
  });

  it('writes a partial batch after maxWaitMs', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const written: CallRecord[] = [];
    const sink = createSink({
      name: 'slowSink',
      batchSize: 10,
      maxWaitMs: 2_000,
      write: (records) => written.push(...records),
    });
    await createClient({ middleware: [sink] }).completion({
      model: 'gpt-4o-mini',
      messages,
      mockResponse: 'x',
    });
    await vi.advanceTimersByTimeAsync(1_999);
    expect(written).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(written).toHaveLength(1);
  });

  it('reports a failing write through onCallbackError and never fails the call', async () => {
    const reports: string[] = [];
    const sink = createSink({
      name: 'brokenSink',
      write: () => {
        throw new Error('disk full');
      },
    });
    const client = createClient({
      middleware: [sink],
      onCallbackError: (error, info) =>
        reports.push(`${info.callback}@${info.event}: ${(error as Error).message}`),
    });
    const answer = await client.completion({
      model: 'gpt-4o-mini',
      messages,
      mockResponse: 'fine',
    });
    await client.flush();
    expect(answer.choices[0]?.message.content).toBe('fine');
    expect(reports).toEqual(['brokenSink@write: disk full']);
  });

  it('reports a failing write to every client whose stack holds the sink, not to whichever called last', async () => {
    const sink = createSink({
      name: 'sharedSink',
      write: () => {
        throw new Error('disk full');
      },
    });
    const reports: Record<string, string[]> = { first: [], second: [], perCall: [] };
    const first = createClient({
      middleware: [sink],
      onCallbackError: (error, info) =>
        reports.first?.push(`${info.callback}: ${(error as Error).message}`),
    });
    const second = createClient({
      onCallbackError: (error, info) =>
        reports.second?.push(`${info.callback}: ${(error as Error).message}`),
    });
    second.use(sink);
    await first.completion({ model: 'gpt-4o-mini', messages, mockResponse: 'one' });
    await first.flush();
    expect(reports.first).toEqual(['sharedSink: disk full']);
    expect(reports.second).toEqual(['sharedSink: disk full']);

    // A sink no client adopted (given per call) tells the client of the call it saw.
    const loose = createSink({
      name: 'looseSink',
      write: () => {
        throw new Error('no route');
      },
    });
    const third = createClient({
      onCallbackError: (error, info) =>
        reports.perCall?.push(`${info.callback}: ${(error as Error).message}`),
    });
    await third.completion({
      model: 'gpt-4o-mini',
      messages,
      mockResponse: 'two',
      middleware: [loose],
    });
    await third.flush();
    await loose.flush();
    expect(reports.perCall).toEqual(['looseSink: no route']);
  });

  it('flushes on shutdown() and closes after the last write', async () => {
    const order: string[] = [];
    const sink = createSink({
      name: 'closingSink',
      batchSize: 100,
      write: (records) => order.push(`write ${records.length}`),
      close: () => order.push('close'),
    });
    const client = createClient({ middleware: [sink] });
    await client.completion({ model: 'gpt-4o-mini', messages, mockResponse: 'x' });
    await client.completion({ model: 'gpt-4o-mini', messages, mockResponse: 'y' });
    await client.shutdown();
    expect(order).toEqual(['write 2', 'close']);
  });
});

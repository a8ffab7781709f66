import { mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type CallbackErrorInfo,
  type CallRecord,
  callRecordSchema,
  createClient,
  type Middleware,
  RateLimitError,
  ValidationError,
} from 'shallot';
import { jsonlLogger } from 'shallot/middleware/jsonl-logger';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fixture, useFakeProvider } from '../../support/fake-provider.js';
import { callsWithKey } from '../../support/keyed-calls.js';
import { collect } from '../../support/streams.js';

const KEY = 'sk-proj-SECRETjsonlSECRET0123456789';
const messages = [{ role: 'user' as const, content: 'What is the capital of France?' }];

const fake = useFakeProvider();
let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'shallot-jsonl-test-'));
});
afterEach(async () => {
  vi.useRealTimers();
  await rm(directory, { recursive: true, force: true });
});

/** The file's text, or '' while it does not exist. */
async function contents(path: string): Promise<string> {
  return readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
}

/** Every line of the file, each parsed and validated against the call record's schema. */
async function readRecords(path: string): Promise<CallRecord[]> {
  const text = await contents(path);
  if (text === '') return [];
  expect(text.endsWith('\n')).toBe(true);
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => callRecordSchema.parse(JSON.parse(line)));
}

/** Lets the event loop turn a few times, so that background work that was started can run. */
async function turns(count = 20): Promise<void> {
  for (let turn = 0; turn < count; turn++) await new Promise((resolve) => setImmediate(resolve));
}

describe('jsonlLogger()', () => {
  it('appends one record per line that reads back valid against callRecordSchema', async () => {
    const path = join(directory, 'calls.jsonl');
    const client = createClient({ middleware: [jsonlLogger({ path })] });
    const answer = await client.completion({
      model: 'openai/gpt-4o-mini',
      messages,
      mockResponse: 'Paris.',
      metadata: { tags: ['geo'], user_id: 'u-42' },
    });
    await client.flush();
    const [record, ...rest] = await readRecords(path);
    expect(rest).toEqual([]);
    expect(record).toMatchObject({
      status: 'success',
      model: 'openai/gpt-4o-mini',
      provider: 'openai',
      stream: false,
      messages,
      tags: ['geo'],
      metadata: { tags: ['geo'], user_id: 'u-42' },
      finish_reason: 'stop',
      error: null,
    });
    expect(record?.response).toEqual(JSON.parse(JSON.stringify(answer)));
    expect(record?.usage?.total_tokens).toBe(answer.usage?.total_tokens);
    expect(record?.response_cost).toBeGreaterThan(0);
  });

  it('records a failure with its error, and the call still fails with its own error', async () => {
    const path = join(directory, 'calls.jsonl');
    const client = createClient({ middleware: [jsonlLogger({ path })] });
    const limit = new RateLimitError({ message: 'slow down', status: 429, provider: 'openai' });
    await expect(
      client.completion({ model: 'openai/gpt-4o-mini', messages, mockResponse: limit }),
    ).rejects.toBe(limit);
    await client.flush();
    const records = await readRecords(path);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      status: 'failure',
      response: null,
      error: {
        class: 'RateLimitError',
        code: 'rate_limit',
        status: 429,
        provider: 'openai',
        message: 'slow down',
        retryable: true,
      },
    });
  });

  it('records a stream once, after its last chunk, with the assembled answer', async () => {
    const path = join(directory, 'calls.jsonl');
    const client = createClient({ middleware: [jsonlLogger({ path })] });
    const stream = await client.completion({
      model: 'openai/gpt-4o-mini',
      messages,
      stream: true,
      mockResponse: 'Paris is the capital.',
    });
    await client.flush();
    expect(await contents(path)).toBe('');
    await collect(stream);
    await client.flush();
    const records = await readRecords(path);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ stream: true, status: 'success', finish_reason: 'stop' });
    expect(records[0]?.time_to_first_token_ms).not.toBeNull();
    expect(JSON.stringify(records[0]?.response)).toContain('Paris is the capital.');
  });

  it('writes 64 concurrent calls, plain and streamed, some failing, as 64 whole valid lines, each call once', async () => {
    const path = join(directory, 'calls.jsonl');
    const callIds: string[] = [];
    const seeIds: Middleware = async (ctx, next) => {
      callIds.push(ctx.callId);
      await next();
    };
    // A batch size that does not divide 64, so full batches and a last partial one are written.
    const client = createClient({
      middleware: [seeIds, jsonlLogger({ path, batchSize: 5 })],
      providers: { openai: { apiKey: 'sk-test', apiBase: fake.url } },
    });
    fake.reply({ body: fixture('openai-chat-stream-usage.sse'), sliceBytes: 64 });
    const requestsBefore = fake.requests.length;
    const call = async (index: number): Promise<void> => {
      const question = [
        { role: 'user' as const, content: `Question ${index}: ${'why? '.repeat(index)}` },
      ];
      switch (index % 4) {
        case 0:
          await client.completion({
            model: 'gpt-4o-mini',
            messages: question,
            mockResponse: `Answer ${index}`,
          });
          return;
        case 1:
          await collect(
            await client.completion({
              model: 'gpt-4o-mini',
              messages: question,
              stream: true,
              mockResponse: `Streamed answer ${index}`,
            }),
          );
          return;
        case 2:
          // streamed over HTTP from the local fake provider
          await collect(
            await client.completion({ model: 'gpt-4o', messages: question, stream: true }),
          );
          return;
        default:
          await client
            .completion({
              model: 'gpt-4o-mini',
              messages: question,
              mockResponse: new RateLimitError({ message: `limit ${index}` }),
            })
            .catch(() => {});
      }
    };
    await Promise.all(Array.from({ length: 64 }, (_unused, index) => call(index)));
    await client.flush();

    const text = await contents(path);
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(64);
    const records = lines.map((line) => callRecordSchema.parse(JSON.parse(line)));
    expect(new Set(records.map((record) => record.id)).size).toBe(64);
    expect(records.map((record) => record.id).sort()).toEqual([...callIds].sort());
    expect(records.filter((record) => record.status === 'failure')).toHaveLength(16);
    expect(records.filter((record) => record.stream)).toHaveLength(32);
    const overHttp = records.filter((record) => record.model === 'gpt-4o');
    expect(overHttp).toHaveLength(16);
    expect(overHttp.every((record) => record.usage !== null && record.stream)).toBe(true);
    expect(fake.requests.length - requestsBefore).toBe(16);
  });

  it('waits for a batch to fill, then appends it in one go', async () => {
    const path = join(directory, 'calls.jsonl');
    const sink = jsonlLogger({ path, batchSize: 3, maxWaitMs: 60_000 });
    const client = createClient({ middleware: [sink] });
    const ask = (text: string) =>
      client.completion({ model: 'openai/gpt-4o-mini', messages, mockResponse: text });
    await ask('one');
    await ask('two');
    await turns();
    expect(await contents(path)).toBe('');
    await ask('three');
    await sink.flush();
    expect(await readRecords(path)).toHaveLength(3);
  });

  it('appends a partial batch after maxWaitMs', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const path = join(directory, 'calls.jsonl');
    const sink = jsonlLogger({ path, batchSize: 10, maxWaitMs: 500 });
    const client = createClient({ middleware: [sink] });
    await client.completion({ model: 'openai/gpt-4o-mini', messages, mockResponse: 'one' });
    await client.completion({ model: 'openai/gpt-4o-mini', messages, mockResponse: 'two' });
    await vi.advanceTimersByTimeAsync(499);
    await turns();
    expect(await contents(path)).toBe('');
    await vi.advanceTimersByTimeAsync(1);
    for (let tries = 0; tries < 200 && (await contents(path)) === ''; tries++) await turns(1);
    expect(await readRecords(path)).toHaveLength(2);
  });

  it('holds records until flush(), then writes them; shutdown() writes the rest', async () => {
    const path = join(directory, 'calls.jsonl');
    const client = createClient({ middleware: [jsonlLogger({ path })] });
    for (const text of ['one', 'two', 'three']) {
      await client.completion({ model: 'openai/gpt-4o-mini', messages, mockResponse: text });
    }
    await turns();
    expect(await contents(path)).toBe('');
    await client.flush();
    expect(await readRecords(path)).toHaveLength(3);
    await client.completion({ model: 'openai/gpt-4o-mini', messages, mockResponse: 'four' });
    await client.shutdown();
    expect(await readRecords(path)).toHaveLength(4);
  });

  it('creates missing directories, and appends after what the file already holds', async () => {
    const path = join(directory, 'a', 'b', 'calls.jsonl');
    const client = createClient({ middleware: [jsonlLogger({ path })] });
    await client.completion({ model: 'openai/gpt-4o-mini', messages, mockResponse: 'one' });
    await client.flush();
    expect((await stat(path)).isFile()).toBe(true);
    await client.completion({ model: 'openai/gpt-4o-mini', messages, mockResponse: 'two' });
    await client.flush();
    const records = await readRecords(path);
    expect(
      records.map(
        (record) =>
          (record.response as { choices: Array<{ message: { content: string } }> }).choices[0]
            ?.message.content,
      ),
    ).toEqual(['one', 'two']);

    const existing = join(directory, 'existing.jsonl');
    await writeFile(existing, '{"kept":true}\n');
    const other = createClient({ middleware: [jsonlLogger({ path: existing })] });
    await other.completion({ model: 'openai/gpt-4o-mini', messages, mockResponse: 'three' });
    await other.flush();
    const [kept, added] = (await contents(existing)).split('\n');
    expect(kept).toBe('{"kept":true}');
    expect(callRecordSchema.safeParse(JSON.parse(added ?? '')).success).toBe(true);
  });

  it('keeps writing to a log that was rotated away or deleted: the path is opened anew within a second', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const path = join(directory, 'calls.jsonl');
    const rotated = join(directory, 'calls.1.jsonl');
    const client = createClient({ middleware: [jsonlLogger({ path })] });
    const ask = async (text: string) => {
      await client.completion({ model: 'openai/gpt-4o-mini', messages, mockResponse: text });
      await client.flush();
    };
    const contentsOf = async (file: string) =>
      (await readRecords(file)).map(
        (record) =>
          (record.response as { choices: Array<{ message: { content: string } }> }).choices[0]
            ?.message.content,
      );

    await ask('one');
    await rename(path, rotated);
    vi.advanceTimersByTime(1000);
    await ask('two');
    expect(await contentsOf(rotated)).toEqual(['one']);
    expect(await contentsOf(path)).toEqual(['two']);

    await rm(path);
    vi.advanceTimersByTime(1000);
    await ask('three');
    expect(await contentsOf(path)).toEqual(['three']);
    await client.shutdown();
  });

  it('honours redaction by the client and by the call, on success and failure', async () => {
    const path = join(directory, 'calls.jsonl');
    const client = createClient({
      middleware: [jsonlLogger({ path })],
      redact: { messages: true },
    });
    const secretQuestion = [{ role: 'user' as const, content: 'my diary entry' }];
    await client.completion({
      model: 'openai/gpt-4o-mini',
      messages: secretQuestion,
      mockResponse: 'a private answer',
      redact: { response: true },
    });
    await client
      .completion({
        model: 'openai/gpt-4o-mini',
        messages: secretQuestion,
        mockResponse: new RateLimitError({ message: 'slow down' }),
      })
      .catch(() => {});
    await client.completion({
      model: 'openai/gpt-4o-mini',
      messages: secretQuestion,
      mockResponse: 'shown answer',
      redact: { messages: false },
    });
    await client.flush();
    const [redacted, failed, shown] = await readRecords(path);
    expect(redacted).toMatchObject({ messages: '[redacted]', response: '[redacted]' });
    expect(failed).toMatchObject({ status: 'failure', messages: '[redacted]' });
    expect(shown?.messages).toEqual(secretQuestion);
    expect(JSON.stringify(shown?.response)).toContain('shown answer');
    const text = await contents(path);
    expect(text).not.toContain('a private answer');
    expect(text.match(/my diary entry/g)).toHaveLength(1);
  });

  it('reports a write that fails to onCallbackError, and the call succeeds', async () => {
    const blocker = join(directory, 'not-a-directory');
    await writeFile(blocker, 'a file where the log folder should be');
    const reports: Array<{ error: unknown; info: CallbackErrorInfo }> = [];
    const client = createClient({
      middleware: [jsonlLogger({ path: join(blocker, 'calls.jsonl') })],
      onCallbackError: (error, info) => reports.push({ error, info }),
    });
    const answer = await client.completion({
      model: 'openai/gpt-4o-mini',
      messages,
      mockResponse: 'Still here.',
    });
    expect(answer.choices[0]?.message.content).toBe('Still here.');
    expect(await client.flush()).toBe(true);
    expect(reports).toHaveLength(1);
    expect(reports[0]?.info).toEqual({ callback: 'jsonlLogger', event: 'write' });
    expect(reports[0]?.error).toMatchObject({ code: 'ENOTDIR' });
  });

  it('writes no trace of the API key, on success, stream and failure, from mocks and the network', async () => {
    const path = join(directory, 'calls.jsonl');
    const client = createClient({
      middleware: [jsonlLogger({ path })],
      providers: { openai: { apiKey: KEY, apiBase: fake.url, headers: { 'x-api-key': KEY } } },
    });
    await callsWithKey(client, fake, KEY);
    await client.flush();
    const records = await readRecords(path);
    expect(records.map((record) => record.status)).toEqual([
      'success',
      'failure',
      'success',
      'success',
      'failure',
    ]);
    expect(records[4]?.error).toMatchObject({ class: 'AuthenticationError', status: 401 });
    const text = await contents(path);
    expect(text).not.toContain(KEY);
    expect(text).not.toContain('SECRETjsonlSECRET');
    expect(text).toContain('sk-p****6789');
  });
});

describe('jsonlLogger() options', () => {
  it('rejects a missing or empty path, a bad batchSize and a bad maxWaitMs', () => {
    const bad = (options: unknown) => () =>
      jsonlLogger(options as Parameters<typeof jsonlLogger>[0]);
    expect(bad(undefined)).toThrow(ValidationError);
    expect(bad(undefined)).toThrow(
      /jsonlLogger options\.path: expected a file path such as 'logs\/llm-calls\.jsonl', received undefined/,
    );
    expect(bad({ path: '  ' })).toThrow(/options\.path: .*received string " {2}"/);
    expect(bad({ path: 42 })).toThrow(/options\.path: .*received number 42/);
    expect(bad({ path: 'a.jsonl', batchSize: 0 })).toThrow(
      /jsonlLogger options\.batchSize: expected a positive whole number, received number 0/,
    );
    expect(bad({ path: 'a.jsonl', batchSize: 1.5 })).toThrow(/options\.batchSize/);
    expect(bad({ path: 'a.jsonl', maxWaitMs: -1 })).toThrow(
      /jsonlLogger options\.maxWaitMs: expected a number of milliseconds, 0 or more, received number -1/,
    );
    expect(bad({ path: 'a.jsonl', maxWaitMs: '10' })).toThrow(/options\.maxWaitMs: .*string "10"/);
  });

  it('returns a middleware named jsonlLogger with flush() and close()', () => {
    const sink = jsonlLogger({ path: join(directory, 'calls.jsonl') });
    expect(sink.name).toBe('jsonlLogger');
    expect(typeof sink.flush).toBe('function');
    expect(typeof sink.close).toBe('function');
  });
});

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import {
  BadRequestError,
  type CallbackErrorInfo,
  type CallRecord,
  callRecordSchema,
  createClient,
  RateLimitError,
  ValidationError,
} from 'shallot';
import { defaultCallLevel, type PinoLikeLogger, pinoLogger } from 'shallot/middleware/pino-logger';
import { describe, expect, it } from 'vitest';
import { fixture, useFakeProvider } from '../../support/fake-provider.js';
import { collect, rejectionOf } from '../../support/streams.js';

const messages = [{ role: 'user' as const, content: 'What is the weather?' }];
const KEY = 'sk-pino-test-0123456789abcdef';
const PINO_FIELDS = ['hostname', 'level', 'msg', 'pid', 'time'];

/** A pino logger writing to a destination stream that keeps its lines. */
function capture(options: pino.LoggerOptions = {}) {
  const written: string[] = [];
  const logger = pino(options, { write: (line: string) => written.push(line) });
  return {
    logger,
    written,
    /** Every line, parsed. */
    lines: () => written.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

/** A client whose callback errors are kept. */
function clientWith(sink: ReturnType<typeof pinoLogger>, redact?: { messages?: boolean }) {
  const errors: Array<{ error: unknown; info: CallbackErrorInfo }> = [];
  const client = createClient({
    middleware: [sink],
    onCallbackError: (error, info) => errors.push({ error, info }),
    ...(redact ? { redact } : {}),
  });
  return { client, errors };
}

describe('pinoLogger()', () => {
  it('writes a success as one info line with the record merged in and the message "shallot call"', async () => {
    const out = capture();
    const { client } = clientWith(pinoLogger(out.logger));
    await client.completion({
      model: 'openai/gpt-4o-mini',
      messages,
      mockResponse: 'Sunny.',
      metadata: { tags: ['weather'] },
    });
    await client.flush();
    expect(out.written).toHaveLength(1);
    const line = out.lines()[0] as Record<string, unknown>;
    expect(line).toMatchObject({
      level: 30,
      msg: 'shallot call',
      status: 'success',
      model: 'openai/gpt-4o-mini',
      provider: 'openai',
      tags: ['weather'],
      messages,
      response: { choices: [{ message: { content: 'Sunny.' } }] },
      error: null,
    });
    // Every field of the record, and pino's own, and nothing else.
    const record = Object.fromEntries(
      Object.entries(line).filter(([name]) => !PINO_FIELDS.includes(name)),
    );
    expect(callRecordSchema.parse(record)).toEqual(record);
    // Optional fields (an embedding's counts, a router's model group) are absent here.
    const completionFields = Object.entries(callRecordSchema.shape)
      .filter(([, field]) => !field.safeParse(undefined).success)
      .map(([name]) => name);
    expect(Object.keys(line).sort()).toEqual([...completionFields, ...PINO_FIELDS].sort());
  });

  it('writes a retryable failure at warn and any other failure at error, with the error fields', async () => {
    const out = capture();
    const { client } = clientWith(pinoLogger(out.logger));
    const limited = new RateLimitError({ message: 'slow down', status: 429, provider: 'openai' });
    const bad = new BadRequestError({
      message: 'no such parameter',
      status: 400,
      provider: 'openai',
    });
    await rejectionOf(client.completion({ model: 'gpt-4o-mini', messages, mockResponse: limited }));
    await rejectionOf(client.completion({ model: 'gpt-4o-mini', messages, mockResponse: bad }));
    await client.flush();
    const [first, second] = out.lines();
    expect(first).toMatchObject({
      level: 40,
      msg: 'shallot call',
      status: 'failure',
      error: { class: 'RateLimitError', code: 'rate_limit', status: 429, retryable: true },
      response: null,
    });
    expect(second).toMatchObject({
      level: 50,
      status: 'failure',
      error: { class: 'BadRequestError', code: 'bad_request', status: 400, retryable: false },
    });
  });

  it('writes a streamed call once, after its last chunk, with the assembled answer', async () => {
    const out = capture();
    const { client } = clientWith(pinoLogger(out.logger));
    const stream = await client.completion({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
      mockResponse: 'Sunny and warm.',
    });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    await client.flush();
    expect(out.written).toHaveLength(0);
    await collect({ [Symbol.asyncIterator]: () => iterator });
    await client.flush();
    expect(out.written).toHaveLength(1);
    const [line] = out.lines();
    expect(line).toMatchObject({
      level: 30,
      stream: true,
      status: 'success',
      finish_reason: 'stop',
    });
    expect(line?.response).toMatchObject({
      choices: [{ message: { content: 'Sunny and warm.' } }],
    });
    expect(line?.first_token_time).toEqual(expect.any(String));
  });

  it("honours the client's redaction and a call's own, on success and failure", async () => {
    const out = capture();
    const { client } = clientWith(pinoLogger(out.logger), { messages: true });
    await client.completion({ model: 'gpt-4o-mini', messages, mockResponse: 'Secret plans.' });
    await client.completion({
      model: 'gpt-4o-mini',
      messages,
      mockResponse: 'Secret plans.',
      redact: { messages: false, response: true },
    });
    await rejectionOf(
      client.completion({ model: 'gpt-4o-mini', messages, mockResponse: new Error('boom') }),
    );
    await client.flush();
    const [clientWide, perCall, failure] = out.lines();
    // The client redacts messages; the second call shows its messages and hides its answer.
    expect(clientWide).toMatchObject({ messages: '[redacted]' });
    expect(JSON.stringify(clientWide?.response)).toContain('Secret plans.');
    expect(perCall).toMatchObject({ messages, response: '[redacted]' });
    expect(failure).toMatchObject({ status: 'failure', messages: '[redacted]' });
    const [clientLine, perCallLine, failureLine] = out.written;
    expect(clientLine).not.toContain('What is the weather?');
    expect(perCallLine).not.toContain('Secret plans.');
    expect(failureLine).not.toContain('What is the weather?');
  });

  it('writes off the hot path, and client.flush() drains the sink and flushes a buffered destination', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'shallot-pino-'));
    const file = join(folder, 'calls.log');
    // minLength holds lines in memory until 4 KiB gather: only a flush of the logger writes them.
    const destination = pino.destination({ dest: file, minLength: 4096, sync: false });
    await new Promise((resolve) => destination.once('ready', resolve));
    const { client } = clientWith(pinoLogger(pino(destination)));
    await client.completion({ model: 'gpt-4o-mini', messages, mockResponse: 'One.' });
    await client.completion({ model: 'gpt-4o-mini', messages, mockResponse: 'Two.' });
    expect(readFileSync(file, 'utf8')).toBe('');
    await client.flush();
    const lines = readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => line.response.choices[0].message.content)).toEqual(['One.', 'Two.']);
    await new Promise((resolve) => {
      destination.once('close', resolve);
      destination.end();
    });
    rmSync(folder, { recursive: true, force: true });
  });

  it('reports a logger that throws to onCallbackError, and the call succeeds', async () => {
    const broken = pino(
      {},
      {
        write: () => {
          throw new Error('disk full');
        },
      },
    );
    const { client, errors } = clientWith(pinoLogger(broken));
    const answer = await client.completion({
      model: 'gpt-4o-mini',
      messages,
      mockResponse: 'Fine.',
    });
    expect(answer.choices[0]?.message.content).toBe('Fine.');
    await client.flush();
    expect(errors).toHaveLength(1);
    expect(errors[0]?.info).toEqual({ callback: 'pinoLogger', event: 'write' });
    expect(String(errors[0]?.error)).toBe('Error: disk full');
  });

  it('reports a logger whose flush fails, and client.flush() still resolves', async () => {
    const lines: object[] = [];
    const logger: PinoLikeLogger = {
      info: (fields) => lines.push(fields),
      warn: (fields) => lines.push(fields),
      error: (fields) => lines.push(fields),
      flush: (callback) => callback?.(new Error('SonicBoom destroyed')),
    };
    const { client, errors } = clientWith(pinoLogger(logger));
    await client.completion({ model: 'gpt-4o-mini', messages, mockResponse: 'Fine.' });
    expect(await client.flush()).toBe(true);
    expect(lines).toHaveLength(1);
    expect(errors.map(({ info }) => info)).toEqual([{ callback: 'pinoLogger', event: 'flush' }]);
    expect(String(errors[0]?.error)).toBe('Error: SonicBoom destroyed');
  });

  it('takes a level for every line, or a function of the record', async () => {
    const out = capture({ level: 'debug' });
    const fixed = clientWith(pinoLogger(out.logger, { level: 'debug' })).client;
    await fixed.completion({ model: 'gpt-4o-mini', messages, mockResponse: 'Quiet.' });
    await fixed.flush();
    const chosen = clientWith(
      pinoLogger(out.logger, {
        level: (record: CallRecord) => (record.metadata.loud ? 'fatal' : defaultCallLevel(record)),
      }),
    ).client;
    await chosen.completion({
      model: 'gpt-4o-mini',
      messages,
      mockResponse: 'A',
      metadata: { loud: true },
    });
    await chosen.completion({ model: 'gpt-4o-mini', messages, mockResponse: 'B' });
    await chosen.flush();
    expect(out.lines().map((line) => line.level)).toEqual([20, 60, 30]);
  });

  it('nests the record under key, and adds child bindings and its own message', async () => {
    const out = capture();
    const sink = pinoLogger(out.logger, {
      key: 'call',
      message: 'llm call',
      bindings: { component: 'llm', status: 'bound' },
    });
    const { client } = clientWith(sink);
    await client.completion({ model: 'gpt-4o-mini', messages, mockResponse: 'Nested.' });
    await client.flush();
    const [line] = out.lines();
    expect(line).toMatchObject({
      level: 30,
      msg: 'llm call',
      component: 'llm',
      status: 'bound',
      call: { status: 'success', model: 'gpt-4o-mini' },
    });
    expect(Object.keys(line ?? {}).sort()).toEqual(
      ['call', 'component', 'status', ...PINO_FIELDS].sort(),
    );
  });

  it('rejects bad options when the factory runs, naming the option', () => {
    const { logger } = capture();
    const cases: Array<[() => unknown, string]> = [
      [
        () => pinoLogger({} as PinoLikeLogger),
        'pinoLogger logger: expected a pino logger (an object with info, warn and error methods), received an object.',
      ],
      [
        () => pinoLogger(logger, { level: 'loud' as 'info' }),
        'pinoLogger options.level: expected one of trace, debug, info, warn, error, fatal, received string "loud".',
      ],
      [
        () => pinoLogger({ info() {}, warn() {}, error() {} }, { level: 'debug' }),
        'pinoLogger options.level: expected a level the logger has a debug() method for, received string "debug".',
      ],
      [
        () => pinoLogger(logger, { message: 42 as unknown as string }),
        'pinoLogger options.message: expected a string, received number 42.',
      ],
      [
        () => pinoLogger(logger, { key: 'msg' }),
        'pinoLogger options.key: expected a non-empty name other than level, time, msg, pid, hostname, received string "msg".',
      ],
      [
        () => pinoLogger(logger, { bindings: { model: 'x' } }),
        `pinoLogger options.bindings: expected names that no line field already has (the record's fields and pino's), received a binding named "model"; rename it, or nest the record with options.key.`,
      ],
      [
        () => pinoLogger({ info() {}, warn() {}, error() {} }, { bindings: { app: 'x' } }),
        'pinoLogger logger: expected a logger with a child() method, as options.bindings is given, received an object.',
      ],
    ];
    for (const [make, message] of cases) {
      const error = (() => {
        try {
          make();
        } catch (thrown) {
          return thrown;
        }
        throw new Error(`no error for: ${message}`);
      })();
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as Error).message).toBe(message);
    }
  });

  it('reports a level function that returns no level, and keeps logging the next calls', async () => {
    const out = capture();
    let bad = true;
    const sink = pinoLogger(out.logger, {
      level: () => (bad ? ('loud' as 'info') : 'info'),
    });
    const { client, errors } = clientWith(sink);
    await client.completion({ model: 'gpt-4o-mini', messages, mockResponse: 'A' });
    await client.flush();
    bad = false;
    await client.completion({ model: 'gpt-4o-mini', messages, mockResponse: 'B' });
    await client.flush();
    expect(errors.map(({ info }) => info.event)).toEqual(['write']);
    expect(String(errors[0]?.error)).toContain('received string "loud"');
    expect(out.written).toHaveLength(1);
  });
});

describe('pinoLogger() and API keys', () => {
  const fake = useFakeProvider();

  it('writes no trace of the key, on the success and the failure path', async () => {
    const out = capture();
    const { client } = clientWith(pinoLogger(out.logger));
    const metadata = { api_key: KEY, user_id: 'u-1' };
    await client.completion({
      model: 'gpt-4o-mini',
      messages,
      apiKey: KEY,
      metadata,
      mockResponse: 'Hi.',
    });
    await rejectionOf(
      client.completion({
        model: 'gpt-4o-mini',
        messages,
        apiKey: KEY,
        metadata,
        mockResponse: new Error(`Incorrect API key provided: ${KEY}`),
      }),
    );
    fake.reply({ body: fixture('openai-chat.json') });
    await client.completion({
      model: 'openai/gpt-4.1-nano',
      messages,
      apiKey: KEY,
      apiBase: fake.url,
      metadata,
    });
    fake.reply({
      status: 401,
      body: JSON.stringify({
        error: {
          message: `Incorrect API key provided: ${KEY}.`,
          type: 'invalid_request_error',
          code: 'invalid_api_key',
        },
      }),
    });
    await rejectionOf(
      client.completion({
        model: 'openai/gpt-4.1-nano',
        messages,
        apiKey: KEY,
        apiBase: fake.url,
        metadata,
      }),
    );
    await client.flush();
    // The key did reach the provider, so the test would see it if the sink leaked it.
    expect(fake.requests.at(-1)?.headers.authorization).toBe(`Bearer ${KEY}`);
    const lines = out.lines();
    expect(lines.map((line) => [line.status, line.level])).toEqual([
      ['success', 30],
      ['failure', 40], // a plain Error from mockResponse is a 500: retryable
      ['success', 30],
      ['failure', 50], // a 401 is not
    ]);
    expect(lines[3]).toMatchObject({ error: { class: 'AuthenticationError', status: 401 } });
    expect(out.written.join('')).not.toContain(KEY);
    expect(out.written.join('')).not.toContain(KEY.slice(3, -4));
  });
});

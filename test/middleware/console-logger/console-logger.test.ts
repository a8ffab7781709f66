import {
  Cache,
  type CallbackErrorInfo,
  createClient,
  RateLimitError,
  ValidationError,
} from 'shallot';
import { consoleLogger } from 'shallot/middleware/console-logger';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openAIEmbeddingsReply } from '../../support/embeddings.js';
import { useFakeProvider } from '../../support/fake-provider.js';
import { callsWithKey } from '../../support/keyed-calls.js';
import { collect } from '../../support/streams.js';

const KEY = 'sk-proj-SECRETconsoleSECRET0123456789';
const messages = [{ role: 'user' as const, content: 'What is the capital of France?' }];
const ESCAPE = '\u001b[';

const fake = useFakeProvider();
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  vi.useRealTimers();
});

/** A destination that keeps what it is given, as a terminal or not. */
function capture(isTTY = false) {
  const writes: string[] = [];
  return {
    writes,
    isTTY,
    write(text: string) {
      writes.push(text);
      return true;
    },
    /** Every line written so far. */
    lines: () => writes.join('').split('\n').slice(0, -1),
  };
}

/** A client whose console lines are captured, uncoloured. */
function loggedClient(options: Parameters<typeof createClient>[0] = {}) {
  const output = capture();
  const client = createClient({
    ...options,
    middleware: [consoleLogger({ stream: output, colors: false })],
  });
  return { client, output };
}

describe('consoleLogger()', () => {
  it('prints one line for a plain call: model, latency, prompt→completion tokens and cost', async () => {
    const { client, output } = loggedClient();
    const answer = await client.completion({
      model: 'openai/gpt-4o-mini',
      messages,
      mockResponse: 'Paris.',
    });
    await client.flush();
    const usage = answer.usage;
    // gpt-4o-mini: $0.15/M in, $0.60/M out
    // Rounded to a millionth of a dollar, without trailing zeros.
    const cost = String(
      Number(
        ((usage?.prompt_tokens ?? 0) * 1.5e-7 + (usage?.completion_tokens ?? 0) * 6e-7).toFixed(6),
      ),
    );
    expect(output.writes).toHaveLength(1);
    expect(output.lines()).toEqual([
      expect.stringMatching(
        new RegExp(
          `^✓ openai/gpt-4o-mini  \\d+ ms  ${usage?.prompt_tokens}→${usage?.completion_tokens} tokens  \\$${cost.replace('.', '\\.')}$`,
        ),
      ),
    ]);
  });

  it('prints an embedding call with its inputs, how many were cached, and its tokens', async () => {
    fake.reply(openAIEmbeddingsReply({ tokensEach: 3 }));
    const { client, output } = loggedClient({
      providers: { openai: { apiKey: 'sk-test', apiBase: fake.url } },
    });
    client.cache = new Cache();
    const call = (input: string[]) =>
      client.embedding({ model: 'openai/text-embedding-3-small', input });
    await call(['one']);
    await client.flush(); // the cache writes after the caller has its answer
    await call(['one', 'two']);
    await client.flush();
    expect(output.lines()).toEqual([
      expect.stringMatching(
        /^✓ openai\/text-embedding-3-small {2}\d+ ms {2}1 input {2}3 tokens {2}\$/,
      ),
      expect.stringMatching(
        /^✓ openai\/text-embedding-3-small {2}\d+ ms {2}2 inputs \(1 cached\) {2}3 tokens {2}\$/,
      ),
    ]);
  });

  it('prints a failure with ✗, the error class, its status and only the first line of its message', async () => {
    const { client, output } = loggedClient();
    const limit = new RateLimitError({
      message: 'Rate limit reached for gpt-4o-mini.\nDetails: {"limit": 500}',
      status: 429,
    });
    await expect(
      client.completion({ model: 'openai/gpt-4o-mini', messages, mockResponse: limit }),
    ).rejects.toBe(limit);
    await client.flush();
    expect(output.lines()).toEqual([
      expect.stringMatching(
        /^✗ openai\/gpt-4o-mini {2}\d+ ms {2}RateLimitError \(429\): Rate limit reached for gpt-4o-mini\.$/,
      ),
    ]);
  });

  it('prints a plain Error raised by the provider as the InternalServerError it becomes', async () => {
    const { client, output } = loggedClient();
    await expect(
      client.completion({ model: 'openai/gpt-4o-mini', messages, mockResponse: new Error('down') }),
    ).rejects.toThrow('down');
    await client.flush();
    expect(output.lines()[0]).toMatch(
      /^✗ openai\/gpt-4o-mini {2}\d+ ms {2}InternalServerError \(500\): openai\/gpt-4o-mini: mockResponse raised: down$/,
    );
  });

  it('prints a stream once, after its last chunk, marked with its time to the first token', async () => {
    const { client, output } = loggedClient();
    const stream = await client.completion({
      model: 'openai/gpt-4o-mini',
      messages,
      stream: true,
      mockResponse: 'Paris is the capital.',
    });
    await client.flush();
    expect(output.writes).toEqual([]);
    const chunks = await collect(stream);
    expect(chunks.length).toBeGreaterThan(2);
    await client.flush();
    expect(output.lines()).toEqual([
      expect.stringMatching(
        /^✓ openai\/gpt-4o-mini {2}\d+ ms {2}\d+→\d+ tokens {2}\$\d\.\d{1,6} {2}stream \(first token \d+ ms\)$/,
      ),
    ]);
  });

  it('marks a cache hit with what it saved, at a cost of 0', async () => {
    const { client, output } = loggedClient();
    client.cache = new Cache();
    await client.completion({ model: 'openai/gpt-4o-mini', messages, mockResponse: 'Paris.' });
    await client.completion({ model: 'openai/gpt-4o-mini', messages, mockResponse: 'Paris.' });
    await client.flush();
    const [miss, hit] = output.lines();
    expect(miss).not.toContain('cache hit');
    const paid = miss?.match(/\$(\d\.\d{1,6})$/)?.[1];
    expect(paid).toBeDefined();
    expect(hit).toMatch(
      new RegExp(
        `^✓ openai/gpt-4o-mini  \\d+ ms  \\d+→\\d+ tokens  \\$0  cache hit \\(saved \\$${paid}\\)$`,
      ),
    );
  });

  it('says "unpriced" for a model with no price, never $0', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { client, output } = loggedClient();
    await client.completion({ model: 'acme/llm-9', messages, mockResponse: 'Hi.' });
    await client.flush();
    expect(output.lines()[0]).toMatch(/^✓ acme\/llm-9 {2}\d+ ms {2}\d+→\d+ tokens {2}unpriced$/);
  });

  it('keeps a provider’s error on one line, with no control characters and at most 200 characters', async () => {
    const { client, output } = loggedClient();
    const message = `bad\u001b[31m request ${'x'.repeat(400)}\r\nsecond line`;
    await client
      .completion({
        model: 'openai/gpt-4o-mini',
        messages,
        mockResponse: new RateLimitError({ message }),
      })
      .catch(() => {});
    await client.flush();
    expect(output.writes).toHaveLength(1);
    const [line] = output.lines();
    expect(line).not.toContain('\u001b');
    expect(line).not.toContain('second line');
    expect(line).toMatch(/RateLimitError: bad \[31m request x+…$/);
    expect(line?.split(': ')[1]).toHaveLength(200);
  });

  it('writes lines off the hot path, and flush() drains them', async () => {
    const output = capture();
    const sink = consoleLogger({ stream: output, colors: false });
    const client = createClient({ middleware: [sink] });
    await client.completion({ model: 'openai/gpt-4o-mini', messages, mockResponse: 'One.' });
    await client.completion({ model: 'openai/gpt-4o-mini', messages, mockResponse: 'Two.' });
    // The caller has its answers, and nothing is printed before the next turn of the loop.
    expect(output.writes).toEqual([]);
    await sink.flush();
    expect(output.lines()).toHaveLength(2);
    expect(output.writes).toHaveLength(2);
  });

  it('prints the model and never the conversation, with or without redaction', async () => {
    const secretQuestion = [{ role: 'user' as const, content: 'my diary entry' }];
    for (const redact of [undefined, { messages: true, response: true }]) {
      const { client, output } = loggedClient({ redact });
      await client.completion({
        model: 'openai/gpt-4o-mini',
        messages: secretQuestion,
        mockResponse: 'your private answer',
      });
      await client.completion({
        model: 'openai/gpt-4o-mini',
        messages: secretQuestion,
        mockResponse: 'a second private answer',
        redact: { messages: false, response: false },
      });
      await client.flush();
      const printed = output.writes.join('');
      expect(output.lines()).toHaveLength(2);
      expect(printed).not.toMatch(/diary|private/);
    }
  });

  it('reports a destination that throws to onCallbackError, and the call succeeds', async () => {
    const reports: Array<{ error: unknown; info: CallbackErrorInfo }> = [];
    const broken = {
      write() {
        throw new Error('EPIPE: broken pipe');
      },
    };
    const client = createClient({
      middleware: [consoleLogger({ stream: broken, colors: false })],
      onCallbackError: (error, info) => reports.push({ error, info }),
    });
    const answer = await client.completion({
      model: 'openai/gpt-4o-mini',
      messages,
      mockResponse: 'Still here.',
    });
    expect(answer.choices[0]?.message.content).toBe('Still here.');
    await client.flush();
    expect(reports).toHaveLength(1);
    expect(reports[0]?.info).toEqual({ callback: 'consoleLogger', event: 'write' });
    expect(reports[0]?.error).toEqual(new Error('EPIPE: broken pipe'));
  });

  it('reports a destination whose write() rejects', async () => {
    const reports: unknown[] = [];
    const client = createClient({
      middleware: [consoleLogger({ stream: { write: () => Promise.reject(new Error('gone')) } })],
      onCallbackError: (error) => reports.push(error),
    });
    await client.completion({ model: 'openai/gpt-4o-mini', messages, mockResponse: 'Hi.' });
    await client.flush();
    expect(reports).toEqual([new Error('gone')]);
  });

  it('prints no trace of the API key, on success, stream and failure, from mocks and the network', async () => {
    const { client, output } = loggedClient({
      providers: { openai: { apiKey: KEY, apiBase: fake.url } },
    });
    await callsWithKey(client, fake, KEY);
    await client.flush();
    const printed = output.writes.join('');
    expect(output.lines()).toHaveLength(5);
    expect(printed).toContain('AuthenticationError (401)');
    expect(printed).toContain('the key sk-p****6789 was refused');
    expect(printed).not.toContain(KEY);
    expect(printed).not.toContain('SECRETconsoleSECRET');
  });

  it('writes to process.stderr by default', async () => {
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((text: string | Uint8Array) => {
      written.push(String(text));
      return true;
    });
    const client = createClient({ middleware: [consoleLogger({ colors: false })] });
    await client.completion({ model: 'openai/gpt-4o-mini', messages, mockResponse: 'Paris.' });
    await client.flush();
    expect(written).toEqual([expect.stringMatching(/^✓ openai\/gpt-4o-mini {2}.*\n$/)]);
  });

  it('puts the prefix before every line', async () => {
    const output = capture();
    const client = createClient({
      middleware: [consoleLogger({ stream: output, colors: false, prefix: '[llm] ' })],
    });
    await client.completion({ model: 'openai/gpt-4o-mini', messages, mockResponse: 'Paris.' });
    await client.flush();
    expect(output.lines()[0]).toMatch(/^\[llm\] ✓ openai\/gpt-4o-mini {2}/);
  });
});

describe('consoleLogger() colours', () => {
  /** What is printed for one successful and one failed call, to a terminal or not. */
  async function printed(
    isTTY: boolean,
    options: Omit<NonNullable<Parameters<typeof consoleLogger>[0]>, 'stream'> = {},
  ): Promise<string> {
    const output = capture(isTTY);
    const client = createClient({ middleware: [consoleLogger({ ...options, stream: output })] });
    await client.completion({ model: 'openai/gpt-4o-mini', messages, mockResponse: 'Paris.' });
    await client
      .completion({
        model: 'openai/gpt-4o-mini',
        messages,
        mockResponse: new RateLimitError({ message: 'slow down' }),
      })
      .catch(() => {});
    await client.flush();
    return output.writes.join('');
  }

  it('paints ✓ green, ✗ and the error red, and the model bold when colours are on', async () => {
    const text = await printed(false, { colors: true });
    expect(text).toContain(`${ESCAPE}32m✓${ESCAPE}39m ${ESCAPE}1mopenai/gpt-4o-mini${ESCAPE}22m`);
    expect(text).toContain(`${ESCAPE}31m✗${ESCAPE}39m`);
    expect(text).toContain(`${ESCAPE}31mRateLimitError: slow down${ESCAPE}39m\n`);
  });

  it('is plain when colours are off, even on a terminal with FORCE_COLOR', async () => {
    vi.stubEnv('FORCE_COLOR', '1');
    const text = await printed(true, { colors: false });
    expect(text).not.toContain(ESCAPE);
  });

  it("'auto' colours a terminal, and leaves a pipe or a file plain", async () => {
    vi.stubEnv('NO_COLOR', undefined);
    vi.stubEnv('FORCE_COLOR', undefined);
    vi.stubEnv('TERM', 'xterm-256color');
    expect(await printed(true)).toContain(`${ESCAPE}32m✓`);
    expect(await printed(false)).not.toContain(ESCAPE);
  });

  it("'auto' honours NO_COLOR on a terminal, and FORCE_COLOR off one", async () => {
    vi.stubEnv('FORCE_COLOR', undefined);
    vi.stubEnv('NO_COLOR', '1');
    expect(await printed(true)).not.toContain(ESCAPE);
    vi.stubEnv('FORCE_COLOR', '1');
    expect(await printed(false)).toContain(`${ESCAPE}32m✓`);
    vi.stubEnv('FORCE_COLOR', '0');
    vi.stubEnv('NO_COLOR', undefined);
    expect(await printed(true)).not.toContain(ESCAPE);
  });
});

describe('consoleLogger() options', () => {
  it('rejects a stream without write(), a bad colors value and a non-string prefix', () => {
    const bad = (options: unknown) => () =>
      consoleLogger(options as Parameters<typeof consoleLogger>[0]);
    expect(bad({ stream: {} })).toThrow(ValidationError);
    expect(bad({ stream: {} })).toThrow(
      /consoleLogger options\.stream: expected a writable stream with a write\(\) method, such as process\.stdout, received an object/,
    );
    expect(bad({ stream: 2 })).toThrow(/received number 2/);
    expect(bad({ colors: 'yes' })).toThrow(
      /consoleLogger options\.colors: expected true, false or 'auto', received string "yes"/,
    );
    expect(bad({ prefix: 7 })).toThrow(
      /consoleLogger options\.prefix: expected a string, received number 7/,
    );
  });

  it('returns a middleware named consoleLogger, and does not change the options given', () => {
    const options = Object.freeze({ stream: capture(), colors: 'auto' as const });
    const sink = consoleLogger(options);
    expect(sink.name).toBe('consoleLogger');
    expect(typeof sink.flush).toBe('function');
    expect(typeof sink.close).toBe('function');
  });
});

import { createRequire } from 'node:module';
import { inspect } from 'node:util';
import {
  AbortError,
  InternalServerError,
  InvalidResponseError,
  maskSecret,
  RateLimitError,
  ShallotError,
  TimeoutError,
} from 'shallot';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  base64Of,
  geminiEmbeddingsReply,
  geminiInputsOf,
  openAIEmbeddingsReply,
  vectorFor,
  WRITTEN_VECTORS,
} from '../support/embeddings.js';
import { type FakeReply, fixture, useFakeProvider } from '../support/fake-provider.js';
import {
  countingClient,
  expectNoKeyIn,
  expectPrototypesClean,
  failureOf,
  KEY,
  maxLoopDelayDuring,
} from './support.js';

/**
 * Issue 13's classes for embedding calls: whatever bytes a server sends back to
 * `client.embedding()`, the call ends with a typed error (an `InvalidResponseError` for a
 * malformed answer), never a `TypeError` and never a write to a prototype; it does not block
 * the event loop; it ends within its `totalTimeout` and `signal`; the key it sent never shows
 * in the error or the failure event; and one failing batch fails the call once and stops the
 * others.
 */

/** The three embedding wire formats: OpenAI's (and its family), Gemini's and Ollama's. */
type EmbeddingFormat = 'openai' | 'gemini' | 'ollama';

const MODEL_OF: Readonly<Record<EmbeddingFormat, string>> = {
  openai: 'openai/text-embedding-3-small',
  gemini: 'gemini/gemini-embedding-001',
  ollama: 'ollama/all-minilm',
};

/** Every test embeds these two texts, so a well-formed answer holds two vectors. */
const INPUT = ['a', 'b'];

/** How long past its bound a call may take to end: timers and sockets, on a busy machine. */
const SLACK_MS = 700;

/** The two fixture vectors, as OpenAI's base64 and as floats. */
const [A, B] = WRITTEN_VECTORS.map((vector) => base64Of(vector)) as [string, string];
const [FLOATS_A, FLOATS_B] = WRITTEN_VECTORS.map((vector) => JSON.stringify(vector)) as [
  string,
  string,
];

/** What a polluting payload would set on `Object.prototype`. */
const POLLUTER = '{"polluted":true}';

const fake = useFakeProvider();

beforeAll(async () => {
  // The tokenizer that estimates Gemini's usage loads synchronously on first use (about
  // 350 ms): loaded here, with modules and a connection, so that no measured call pays for it.
  createRequire(import.meta.url)('gpt-tokenizer/cjs/encoding/o200k_base');
  const documented: Record<EmbeddingFormat, string> = {
    openai: 'written-openai-embeddings-base64.json',
    gemini: 'written-gemini-embeddings.json',
    ollama: 'written-ollama-embeddings.json',
  };
  for (const format of ['openai', 'gemini', 'ollama'] as const) {
    fake.reply({ body: fixture(documented[format]) });
    const { client } = countingClient(format, fake.url);
    await client.embedding({ model: MODEL_OF[format], input: INPUT });
    await client.shutdown();
  }
});

afterEach(() => {
  expectPrototypesClean();
  expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
});

/** An OpenAI-format body around the text of its `data`. */
const openAIBody = (data: string, rest = '"usage":{"prompt_tokens":2,"total_tokens":2}') =>
  `{"object":"list","data":${data},"model":"text-embedding-3-small",${rest}}`;

/** OpenAI's `data` items from the text of each one's `index` and `embedding`. */
const items = (...pairs: Array<[string, string]>) =>
  `[${pairs.map(([index, embedding]) => `{"object":"embedding","index":${index},"embedding":${embedding}}`).join(',')}]`;

/** A hostile body, the format it is in, and what the error must name. */
interface HostileCase {
  label: string;
  format: EmbeddingFormat;
  body: string;
  names: string;
}

const HOSTILE_INDEXES: ReadonlyArray<[string, string]> = [
  ['1e9', '1e9'],
  ['4294967294', '4294967294'],
  ['-1', '-1'],
  ['1.5', '1.5'],
  ['"0"', '"0"'],
  ['"__proto__"', '"__proto__"'],
  ['null', 'null'],
];

const HOSTILE_BODIES: readonly HostileCase[] = [
  {
    label: 'data items whose index and embedding sit under an own __proto__ key',
    format: 'openai',
    body: openAIBody(
      `[{"__proto__":{"index":0,"embedding":"${A}","polluted":true}},{"__proto__":{"index":1,"embedding":"${B}"}}]`,
    ),
    names: 'data[0].index',
  },
  {
    label: 'a body whose data sits under a top-level __proto__ key',
    format: 'openai',
    body: `{"__proto__":{"data":${items(['0', `"${A}"`], ['1', `"${B}"`])},"polluted":true},"object":"list"}`,
    names: 'data',
  },
  {
    label: 'an embedding that is an object with an own __proto__ key',
    format: 'openai',
    body: openAIBody(items(['0', `{"__proto__":${FLOATS_A}}`], ['1', `"${B}"`])),
    names: 'data[0].embedding',
  },
  ...HOSTILE_INDEXES.map(
    ([label, index]): HostileCase => ({
      label: `an index of ${label}`,
      format: 'openai',
      body: openAIBody(items([index, `"${A}"`], ['1', `"${B}"`])),
      names: 'data[0].index',
    }),
  ),
  {
    label: 'the same index twice',
    format: 'openai',
    body: openAIBody(items(['0', `"${A}"`], ['0', `"${B}"`])),
    names: 'index 0 is listed twice',
  },
  {
    label: 'one vector for two inputs',
    format: 'openai',
    body: openAIBody(items(['0', `"${A}"`])),
    names: 'expected 2 embeddings',
  },
  {
    label: 'three vectors for two inputs',
    format: 'openai',
    body: openAIBody(items(['0', `"${A}"`], ['1', `"${B}"`], ['2', `"${A}"`])),
    names: 'expected 2 embeddings',
  },
  {
    label: '10,000 vectors for two inputs',
    format: 'openai',
    body: openAIBody(`[${Array.from({ length: 10_000 }, () => '{}').join(',')}]`),
    names: 'expected 2 embeddings',
  },
  {
    label: 'base64 of odd length',
    format: 'openai',
    body: openAIBody(items(['0', `"${A.slice(0, -3)}"`], ['1', `"${B}"`])),
    names: 'data[0].embedding',
  },
  {
    label: 'base64 of 5 bytes (not whole float32 values)',
    format: 'openai',
    body: openAIBody(items(['0', '"AAAAPwA="'], ['1', `"${B}"`])),
    names: 'data[0].embedding',
  },
  {
    label: 'base64 in the URL alphabet',
    format: 'openai',
    body: openAIBody(items(['0', `"${A.replace('+', '-')}"`], ['1', `"${B}"`])),
    names: 'data[0].embedding',
  },
  {
    label: 'an embedding that is an array-like object',
    format: 'openai',
    body: openAIBody(items(['0', '{"0":0.5,"length":1}'], ['1', `"${B}"`])),
    names: 'data[0].embedding',
  },
  {
    label: 'an embedding of numbers as strings',
    format: 'openai',
    body: openAIBody(items(['0', '["0.5","1"]'], ['1', `"${B}"`])),
    names: 'data[0].embedding[0]',
  },
  {
    label: 'an empty embedding',
    format: 'openai',
    body: openAIBody(items(['0', '[]'], ['1', '""'])),
    names: 'data[0].embedding',
  },
  {
    label: 'a null embedding',
    format: 'openai',
    body: openAIBody(items(['0', 'null'], ['1', `"${B}"`])),
    names: 'data[0].embedding',
  },
  {
    label: 'data as an object with numeric keys',
    format: 'openai',
    body: openAIBody(
      `{"0":{"index":0,"embedding":"${A}"},"1":{"index":1,"embedding":"${B}"},"length":2}`,
    ),
    names: 'data',
  },
  {
    label: 'vectors of two widths',
    format: 'openai',
    body: openAIBody(items(['0', `"${A}"`], ['1', '[1,2,3,4,5]'])),
    names: 'differ in width',
  },
  { label: 'a body that is an array', format: 'openai', body: '[]', names: 'the body' },
  { label: 'a body that is null', format: 'openai', body: 'null', names: 'the body' },
  {
    label: 'a body cut short',
    format: 'openai',
    body: '{"data":[',
    names: 'not valid JSON',
  },
  {
    label: 'a body whose embeddings sit under a top-level __proto__ key',
    format: 'gemini',
    body: `{"__proto__":{"embeddings":[{"values":${FLOATS_A}},{"values":${FLOATS_B}}],"polluted":true}}`,
    names: 'embeddings',
  },
  {
    label: 'embeddings whose values sit under an own __proto__ key',
    format: 'gemini',
    body: `{"embeddings":[{"__proto__":{"values":${FLOATS_A}}},{"values":${FLOATS_B}}]}`,
    names: 'embeddings[0].values',
  },
  {
    label: 'values as an object',
    format: 'gemini',
    body: `{"embeddings":[{"values":{"__proto__":${POLLUTER}}},{"values":${FLOATS_B}}]}`,
    names: 'embeddings[0].values',
  },
  {
    label: 'values as base64',
    format: 'gemini',
    body: `{"embeddings":[{"values":"${A}"},{"values":${FLOATS_B}}]}`,
    names: 'embeddings[0].values',
  },
  {
    label: 'one vector for two texts',
    format: 'gemini',
    body: `{"embeddings":[{"values":${FLOATS_A}}]}`,
    names: 'expected 2 embeddings',
  },
  {
    label: 'a body whose embeddings sit under a top-level __proto__ key',
    format: 'ollama',
    body: `{"__proto__":{"embeddings":[${FLOATS_A},${FLOATS_B}],"polluted":true},"model":"all-minilm"}`,
    names: 'embeddings',
  },
  {
    label: 'a vector that is an object with an own __proto__ key',
    format: 'ollama',
    body: `{"embeddings":[${FLOATS_A},{"__proto__":${FLOATS_B}}],"prompt_eval_count":2}`,
    names: 'embeddings[1]',
  },
  {
    label: 'three vectors for two texts',
    format: 'ollama',
    body: `{"embeddings":[${FLOATS_A},${FLOATS_B},${FLOATS_A}],"prompt_eval_count":2}`,
    names: 'expected 2 embeddings',
  },
  {
    label: 'a vector holding null',
    format: 'ollama',
    body: `{"embeddings":[${FLOATS_A},[1,null,2,3]],"prompt_eval_count":2}`,
    names: 'embeddings[1][1]',
  },
];

describe('a malformed embeddings answer', () => {
  for (const { label, format, body, names } of HOSTILE_BODIES) {
    it(`${format}: ${label} is a retryable InvalidResponseError naming “${names}”, with one failure event, no prototype write and no blocked loop`, async () => {
      fake.reply({ body });
      const counting = countingClient(format, fake.url);
      const { result: error, maxDelayMs } = await maxLoopDelayDuring(() =>
        failureOf(counting.client.embedding({ model: MODEL_OF[format], input: INPUT })),
      );
      expect(error).toBeInstanceOf(InvalidResponseError);
      expect(error.cause).not.toBeInstanceOf(TypeError);
      expect(error.retryable).toBe(true);
      expect(error.message).toContain(names);
      expect(maxDelayMs).toBeLessThan(100);
      expect(await counting.terminalEvents()).toBe(1);
      expect(counting.failures).toHaveLength(1);
      expect(counting.failures[0]?.exception).toMatchObject({
        code: 'invalid_response',
        message: error.message,
      });
    });
  }
});

describe('a deeply nested value where a vector or an index belongs', () => {
  /** 100,000 nested arrays: JSON.parse reads them, a recursive JSON.stringify overflows the stack. */
  const DEEP = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
  const cases: ReadonlyArray<[EmbeddingFormat, string, string]> = [
    ['openai', 'data[0].embedding', openAIBody(items(['0', DEEP], ['1', `"${B}"`]))],
    ['openai', 'data[0].index', openAIBody(items([DEEP, `"${A}"`], ['1', `"${B}"`]))],
    [
      'gemini',
      'embeddings[0].values',
      `{"embeddings":[{"values":${DEEP}},{"values":${FLOATS_B}}]}`,
    ],
  ];
  for (const [format, field, body] of cases) {
    // Bug: describe() in src/providers/shared/embedding-vectors.ts runs JSON.stringify on the
    // whole hostile value; it throws a RangeError (stack overflow), which send.ts's safety net
    // turns into "the answer is malformed: Maximum call stack size exceeded", naming no field.
    it(`${format}: is an InvalidResponseError naming ${field}, not a stack overflow`, async () => {
      fake.reply({ body });
      const counting = countingClient(format, fake.url);
      const error = await failureOf(
        counting.client.embedding({ model: MODEL_OF[format], input: INPUT }),
      );
      expect(error).toBeInstanceOf(InvalidResponseError);
      expect(error.cause).not.toBeInstanceOf(RangeError);
      expect(error.message).toContain(field);
    });
  }
});

describe('a vector value no float holds', () => {
  // Gap: floats() checks typeof 'number' only, so JSON's 1e999 (parsed as Infinity) reaches the
  // caller's vector; docs/embeddings-providers.md promises vectors of numbers, checked.
  it('openai: 1e999 in a float vector is an InvalidResponseError naming data[0].embedding[0]', async () => {
    fake.reply({ body: openAIBody(items(['0', '[1e999,0,0,0]'], ['1', `"${B}"`])) });
    const counting = countingClient('openai', fake.url);
    const error = await failureOf(
      counting.client.embedding({ model: MODEL_OF.openai, input: INPUT }),
    );
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.message).toContain('data[0].embedding[0]');
  });
});

describe('hostile keys in an answer that is otherwise sound', () => {
  it('openai: an extra own __proto__ key in an item and at the top level is ignored: the vectors come back, nothing polluted', async () => {
    fake.reply({
      body: `{"__proto__":${POLLUTER},"object":"list","data":[{"__proto__":${POLLUTER},"object":"embedding","index":1,"embedding":"${B}"},{"object":"embedding","index":0,"embedding":"${A}","constructor":{"prototype":${POLLUTER}}}],"model":"m","usage":{"prompt_tokens":2,"total_tokens":2}}`,
    });
    const counting = countingClient('openai', fake.url);
    const answer = await counting.client.embedding({ model: MODEL_OF.openai, input: INPUT });
    expect(answer.data.map((item) => item.embedding)).toEqual(
      WRITTEN_VECTORS.slice(0, 2).map((vector) => [...vector]),
    );
    for (const item of answer.data)
      expect(Object.keys(item).sort()).toEqual(['embedding', 'index', 'object']);
    expect(Object.getPrototypeOf(answer)).toBe(Object.prototype);
    expect(await counting.terminalEvents()).toBe(1);
  });

  const badCounts: ReadonlyArray<[EmbeddingFormat, string, string]> = [
    [
      'openai',
      'a usage of -1 and 1e300 tokens',
      openAIBody(
        items(['0', `"${A}"`], ['1', `"${B}"`]),
        '"usage":{"prompt_tokens":-1,"total_tokens":1e300}',
      ),
    ],
    [
      'openai',
      'token counts that sit under an own __proto__ key of usage',
      openAIBody(
        items(['0', `"${A}"`], ['1', `"${B}"`]),
        '"usage":{"__proto__":{"prompt_tokens":999,"total_tokens":999}}',
      ),
    ],
    [
      'ollama',
      'a prompt_eval_count of "8"',
      `{"model":"all-minilm","embeddings":[${FLOATS_A},${FLOATS_B}],"prompt_eval_count":"8"}`,
    ],
  ];
  for (const [format, label, body] of badCounts) {
    it(`${format}: ${label} keeps the vectors and estimates the usage, marked estimated`, async () => {
      fake.reply({ body });
      const counting = countingClient(format, fake.url);
      const answer = await counting.client.embedding({ model: MODEL_OF[format], input: INPUT });
      expect(answer.data).toHaveLength(2);
      expect(answer.usage.prompt_tokens).toBeGreaterThan(0);
      expect(answer.usage.prompt_tokens).toBeLessThan(10);
      expect(await counting.terminalEvents()).toBe(1);
      expect(counting.successes[0]?.standard_logging_object?.embedding?.estimated_tokens).toBe(
        true,
      );
    });
  }
});

describe('a huge answer', () => {
  /** A 600 MiB body: 9,600 pieces of 64 KiB, written as the client reads them. */
  const HUGE = { piece: 'A'.repeat(64 * 1024), times: 9600 };

  it('a 600 MiB base64 vector sent without a length fails at maxResponseBytes with an InvalidResponseError naming it, and the connection is dropped', async () => {
    fake.reply({ body: '{"object":"list","data":[{"index":0,"embedding":"', repeat: HUGE });
    const counting = countingClient('openai', fake.url, { maxResponseBytes: 1024 * 1024 });
    const { result: error, maxDelayMs } = await maxLoopDelayDuring(() =>
      failureOf(counting.client.embedding({ model: MODEL_OF.openai, input: INPUT })),
    );
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.message).toContain('maxResponseBytes (1 MiB)');
    expect(maxDelayMs).toBeLessThan(100);
    await fake.clientGone(0);
    expect(await counting.terminalEvents()).toBe(1);
  });

  it('a client limit of 1 KiB refuses a sound 2 KiB answer, and a retry does not help it', async () => {
    fake.reply(openAIEmbeddingsReply({ width: 300 }));
    const counting = countingClient('openai', fake.url, {
      maxResponseBytes: 1024,
      numRetries: 2,
      retry: { baseDelayMs: 1 },
    });
    const error = await failureOf(
      counting.client.embedding({ model: MODEL_OF.openai, input: INPUT }),
    );
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.message).toContain('maxResponseBytes (1 KiB)');
    expect(await counting.terminalEvents()).toBe(1);
  });

  it('a Content-Length of 600 MiB fails before the body is read', async () => {
    fake.reply({
      body: '{"data":[',
      headers: { 'content-length': String(600 * 1024 * 1024) },
      repeat: HUGE,
    });
    const counting = countingClient('gemini', fake.url);
    const error = await failureOf(
      counting.client.embedding({ model: MODEL_OF.gemini, input: INPUT }),
    );
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.message).toContain('declares 600 MiB');
  });

  it('a 600 MiB error body is cut at the limit: the error still says what its status means', async () => {
    fake.reply({ status: 429, body: '{"error":"slow down', repeat: HUGE });
    const counting = countingClient('ollama', fake.url, { maxResponseBytes: 1024 * 1024 });
    const error = await failureOf(
      counting.client.embedding({ model: MODEL_OF.ollama, input: INPUT }),
    );
    expect(error).toBeInstanceOf(RateLimitError);
    await fake.clientGone(0);
  });
});

/** Runs a call of `format` that fails, and checks that its one failure event shows no key. */
async function failingCall(format: EmbeddingFormat): Promise<ShallotError> {
  const counting = countingClient(format, fake.url);
  const error = await failureOf(
    counting.client.embedding({ model: MODEL_OF[format], input: INPUT }),
  );
  expect(error).toBeInstanceOf(ShallotError);
  expectNoKeyIn(error);
  expect(await counting.terminalEvents()).toBe(1);
  const [failure] = counting.failures;
  expect(failure).toBeDefined();
  expect(inspect(failure, { depth: 12 })).not.toContain(KEY);
  expect(JSON.stringify(failure?.standard_logging_object)).not.toContain(KEY);
  return error;
}

describe('the key echoed by a server never reaches an error or a failure event', () => {
  it('openai: a 200 whose vector is the key: the InvalidResponseError quotes it masked', async () => {
    fake.reply({ body: openAIBody(items(['0', `"${KEY}"`], ['1', `"${B}"`])) });
    const error = await failingCall('openai');
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.message).toContain('data[0].embedding');
    expect(error.message).toContain(maskSecret(KEY));
  });

  it('gemini: a 200 whose values hold the key', async () => {
    fake.reply({ body: `{"embeddings":[{"values":["${KEY}"]},{"values":${FLOATS_B}}]}` });
    const error = await failingCall('gemini');
    expect(error).toBeInstanceOf(InvalidResponseError);
  });

  it('ollama: a 200 whose body is no JSON and holds the key', async () => {
    fake.reply({
      body: `<html>key ${KEY} refused</html>`,
      headers: { 'content-type': 'text/html' },
    });
    const error = await failingCall('ollama');
    expect(error).toBeInstanceOf(InvalidResponseError);
  });

  for (const format of ['openai', 'gemini', 'ollama'] as const) {
    it(`${format}: a 401 whose body quotes the key, with the key in x-request-id`, async () => {
      const body =
        format === 'ollama'
          ? JSON.stringify({ error: `unauthorized: ${KEY}` })
          : JSON.stringify({ error: { code: 401, message: `Incorrect API key provided: ${KEY}` } });
      fake.reply({ status: 401, body, headers: { 'x-request-id': KEY } });
      const error = await failingCall(format);
      expect(error.status).toBe(401);
    });
  }

  it('openai: an error object inside a 200 that quotes the key', async () => {
    fake.reply({ body: JSON.stringify({ error: { message: `bad key ${KEY}`, type: 'x' } }) });
    await failingCall('openai');
  });

  it('openai: a sound answer whose model echoes the key: the success event’s original_response shows it masked', async () => {
    fake.reply({
      body: openAIBody(items(['0', `"${A}"`], ['1', `"${B}"`])).replace(
        'text-embedding-3-small',
        KEY,
      ),
    });
    const counting = countingClient('openai', fake.url);
    await counting.client.embedding({ model: MODEL_OF.openai, input: INPUT });
    expect(await counting.terminalEvents()).toBe(1);
    expect(counting.successes[0]?.original_response).toContain(maskSecret(KEY));
    expect(counting.successes[0]?.original_response).not.toContain(KEY);
    expect(JSON.stringify(counting.successes[0]?.standard_logging_object)).not.toContain(KEY);
  });
});

/** Milliseconds `work` took to settle, and its error (undefined when it succeeded). */
async function timed(work: Promise<unknown>): Promise<{ ms: number; error: unknown }> {
  const started = performance.now();
  try {
    await work;
    return { ms: performance.now() - started, error: undefined };
  } catch (error) {
    return { ms: performance.now() - started, error };
  }
}

describe('a slow server', () => {
  it('a server that never answers: the call ends at its totalTimeout with a TimeoutError, and drops the connection', async () => {
    fake.reply({ hang: true });
    const counting = countingClient('openai', fake.url);
    const { ms, error } = await timed(
      counting.client.embedding({ model: MODEL_OF.openai, input: INPUT, totalTimeout: 300 }),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toContain('totalTimeout');
    expect(ms).toBeLessThan(300 + SLACK_MS);
    await fake.clientGone(0);
    expect(await counting.terminalEvents()).toBe(1);
  });

  it('a server that never answers: the call ends at its AbortSignal.timeout with a TimeoutError', async () => {
    fake.reply({ hang: true });
    const counting = countingClient('gemini', fake.url);
    const { ms, error } = await timed(
      counting.client.embedding({
        model: MODEL_OF.gemini,
        input: INPUT,
        signal: AbortSignal.timeout(300),
      }),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(ms).toBeLessThan(300 + SLACK_MS);
    await fake.clientGone(0);
    expect(await counting.terminalEvents()).toBe(1);
  });

  it('a caller who aborts: the call ends at once with an AbortError, and drops the connection', async () => {
    fake.reply({ hang: true });
    const counting = countingClient('ollama', fake.url);
    const stop = new AbortController();
    const call = timed(
      counting.client.embedding({ model: MODEL_OF.ollama, input: INPUT, signal: stop.signal }),
    );
    while (fake.requests.length === 0) await new Promise((resolve) => setImmediate(resolve));
    stop.abort();
    const { ms, error } = await call;
    expect(error).toBeInstanceOf(AbortError);
    expect(ms).toBeLessThan(SLACK_MS);
    await fake.clientGone(0);
    expect(await counting.terminalEvents()).toBe(1);
  });

  it('a signal aborted before the call sends nothing', async () => {
    const counting = countingClient('openai', fake.url);
    const error = await failureOf(
      counting.client.embedding({
        model: MODEL_OF.openai,
        input: INPUT,
        signal: AbortSignal.abort(),
      }),
    );
    expect(error).toBeInstanceOf(AbortError);
    expect(fake.requests).toHaveLength(0);
  });

  it('half an answer, then silence: the client timeout ends the attempt with a TimeoutError', async () => {
    fake.reply({ body: `{"object":"list","data":[{"index":0,"embedding":"${A}"`, holdOpen: true });
    const counting = countingClient('openai', fake.url, { timeout: 300 });
    const { ms, error } = await timed(
      counting.client.embedding({ model: MODEL_OF.openai, input: INPUT }),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(ms).toBeLessThan(300 + SLACK_MS);
    await fake.clientGone(0);
    expect(await counting.terminalEvents()).toBe(1);
  });

  it('three batches that never answer: the call ends at its totalTimeout and drops all three', async () => {
    fake.reply({ hang: true });
    const counting = countingClient('gemini', fake.url);
    const texts = Array.from({ length: 250 }, (_unused, index) => `text ${index}`);
    const { ms, error } = await timed(
      counting.client.embedding({ model: MODEL_OF.gemini, input: texts, totalTimeout: 300 }),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(ms).toBeLessThan(300 + SLACK_MS);
    expect(fake.requests).toHaveLength(3);
    await Promise.all([0, 1, 2].map((index) => fake.clientGone(index)));
    expect(await counting.terminalEvents()).toBe(1);
  });
});

describe('a batch that fails', () => {
  const texts = Array.from({ length: 250 }, (_unused, index) => `text ${index}`);

  /**
   * Gemini's three batches of 100, 100 and 50: the one holding `text 100` gets `failing`
   * once all three have arrived; the others get `others`.
   */
  function secondBatchFails(failing: FakeReply, others: FakeReply): void {
    let arrived = 0;
    let allArrived: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      allArrived = resolve;
    });
    fake.reply({
      respond: (request) => {
        arrived++;
        if (arrived === 3) allArrived();
        if (geminiInputsOf(request)[0] !== 'text 100') return others;
        return { ...failing, gate };
      },
    });
  }

  it('a 500 on the second of three batches fails the call once, typed, and drops the batches still in flight', async () => {
    secondBatchFails(
      { status: 500, body: '{"error":{"code":500,"message":"boom","status":"INTERNAL"}}' },
      { hang: true },
    );
    const counting = countingClient('gemini', fake.url);
    const { ms, error } = await timed(
      counting.client.embedding({ model: MODEL_OF.gemini, input: texts }),
    );
    expect(error).toBeInstanceOf(InternalServerError);
    expect(ms).toBeLessThan(SLACK_MS);
    expect(fake.requests).toHaveLength(3);
    await Promise.all([0, 1, 2].map((index) => fake.clientGone(index)));
    expect(await counting.terminalEvents()).toBe(1);
    expect(counting.failures).toHaveLength(1);
    expect(counting.failures[0]?.exception).toMatchObject({
      code: 'internal_server',
      message: (error as InternalServerError).message,
    });
  });

  it('a batch that fails first stops the call from sending any batch not yet sent: at most four go out of ten', async () => {
    fake.reply({
      respond: (request) =>
        geminiInputsOf(request)[0] === 'text 0'
          ? { status: 503, body: '{"error":{"code":503,"message":"busy","status":"UNAVAILABLE"}}' }
          : { hang: true },
    });
    const counting = countingClient('gemini', fake.url);
    const many = Array.from({ length: 1000 }, (_unused, index) => `text ${index}`);
    const error = await failureOf(
      counting.client.embedding({ model: MODEL_OF.gemini, input: many }),
    );
    expect(error).toBeInstanceOf(ShallotError);
    expect(error.status).toBe(503);
    expect(await counting.terminalEvents()).toBe(1);
    expect(fake.requests.length).toBeLessThanOrEqual(4);
  });

  it('a retry after a failed batch sends every batch again and answers the call once, in order', async () => {
    const sound = geminiEmbeddingsReply({ width: 4 });
    let failed = false;
    fake.reply({
      respond: (request) => {
        if (!failed && geminiInputsOf(request)[0] === 'text 100') {
          failed = true;
          return {
            status: 500,
            body: '{"error":{"code":500,"message":"boom","status":"INTERNAL"}}',
          };
        }
        return sound.respond?.(request) ?? {};
      },
    });
    const counting = countingClient('gemini', fake.url, { retry: { baseDelayMs: 1 } });
    const answer = await counting.client.embedding({
      model: MODEL_OF.gemini,
      input: texts,
      numRetries: 1,
    });
    expect(answer.data.map((item) => item.embedding)).toEqual(
      texts.map((text) => vectorFor(text, 4)),
    );
    expect(fake.requests).toHaveLength(6);
    expect(await counting.terminalEvents()).toBe(1);
    expect(counting.successes).toHaveLength(1);
  });

  it('a malformed second batch, the others sound, fails the call once with an InvalidResponseError', async () => {
    const sound = geminiEmbeddingsReply({ width: 4 });
    let arrived = 0;
    fake.reply({
      respond: (request) => {
        arrived++;
        const answer = sound.respond?.(request) ?? {};
        if (geminiInputsOf(request)[0] !== 'text 100') return answer;
        return { body: `{"embeddings":[{"values":${FLOATS_A}}]}` };
      },
    });
    const counting = countingClient('gemini', fake.url);
    const error = await failureOf(
      counting.client.embedding({ model: MODEL_OF.gemini, input: texts }),
    );
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.message).toContain('expected 100 embeddings');
    expect(arrived).toBe(3);
    expect(await counting.terminalEvents()).toBe(1);
  });
});

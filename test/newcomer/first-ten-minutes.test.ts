/**
 * A new user's first ten minutes, as they would have them: the packed tarball installed into a
 * fresh strict TypeScript project outside the repository, every TypeScript and JavaScript
 * block of the README and docs/*.md type-checked there in one `tsc` run and run as a program
 * of its own against local fake providers, then the mistakes a newcomer makes. How a block
 * says what it needs or why it does not run: test/newcomer/README.md.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inputsOf, openAIEmbeddingsBody } from '../support/embeddings.js';
import { type FakeReply, fixture, useFakeProvider } from '../support/fake-provider.js';
import { itWithPostgres, POSTGRES_URL, postgresUp } from '../support/postgres.js';
import {
  cleanUpRedisAfterAll,
  itWithRedis,
  REDIS_HOST,
  REDIS_TEST_PREFIX,
  REDIS_TEST_TTL_SECONDS,
  REDIS_URL,
  redisIsUp,
} from '../support/redis.js';
import {
  type Consumer,
  describeRun,
  installConsumer,
  type PackedPackage,
  packRepository,
  REPO,
  type RunResult,
  scratchFolder,
} from './support/consumer.js';
import type { Snippet } from './support/markdown.js';
import {
  locateDiagnostics,
  readSnippets,
  type SnippetProgram,
  snippetProgram,
  whereIs,
} from './support/snippets.js';

/** Milliseconds a program may take before it counts as hanging (it is then killed). */
const PROGRAM_TIMEOUT_MS = 15_000;
/** Programs run at once: the machine has two cores, and vitest runs other files beside this one. */
const PARALLEL_PROGRAMS = 2;
const MODEL = 'openai/gpt-4o-mini';

// One fake per wire format; a stream request answered with JSON is replayed as chunks, so one
// recorded answer serves plain and streamed calls alike.
/** OpenAI's chat answer, or one vector per input for the embeddings snippets. */
const OPENAI_REPLY: FakeReply = {
  body: fixture('openai-chat.json'),
  respond: (request) =>
    request.path.endsWith('/embeddings')
      ? {
          body: openAIEmbeddingsBody(inputsOf(request), {
            width: Number(request.body.dimensions ?? 8),
          }),
        }
      : {},
};
const ANTHROPIC_REPLY = { body: fixture('anthropic-messages.json') };
const GEMINI_REPLY = { body: fixture('written-gemini-generate-content-thinking.json') };
const openai = useFakeProvider({ reply: OPENAI_REPLY });
const anthropic = useFakeProvider({ reply: ANTHROPIC_REPLY });
const gemini = useFakeProvider({ reply: GEMINI_REPLY });
const FIXTURE_TEXT = (
  JSON.parse(fixture('openai-chat.json')) as { choices: Array<{ message: { content: string } }> }
).choices[0]?.message.content;

const { snippets, problems } = readSnippets();
const programs = snippets.filter((snippet) => snippet.mode !== 'skip').map(snippetProgram);

/**
 * The environment variables the providers read (grepped from `apiKeyEnv` and `apiBaseEnv` in
 * src/providers), so that a real key or base URL of the machine's never reaches a snippet.
 */
function providerVariables(): { keys: string[]; bases: string[] } {
  const keys = new Set<string>();
  const bases = new Set<string>();
  const folder = join(REPO, 'src/providers');
  for (const entry of readdirSync(folder, { recursive: true, encoding: 'utf8' })) {
    if (!entry.endsWith('.ts')) continue;
    const source = readFileSync(join(folder, entry), 'utf8');
    for (const match of source.matchAll(/apiKeyEnv: '(\w+)'/g)) keys.add(match[1] as string);
    for (const match of source.matchAll(/apiBaseEnv: \[([^\]]*)\]/g)) {
      for (const name of (match[1] as string).matchAll(/'(\w+)'/g)) bases.add(name[1] as string);
    }
  }
  return { keys: [...keys], bases: [...bases] };
}
const PROVIDER_VARIABLES = providerVariables();

/**
 * What a program runs with: every provider's base URL set to a local fake (Anthropic's and
 * Gemini's to fakes of their own wire formats, every other to the OpenAI one), every key a
 * fake one, Redis and PostgreSQL where the tests' are. The network guard lets only this machine
 * (and those two) through.
 */
function programEnvironment(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const { keys, bases } = PROVIDER_VARIABLES;
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['TSX_TSCONFIG_PATH', 'FORCE_COLOR', 'OPENAI_ORG_ID', 'OPENAI_PROJECT_ID']) {
    delete env[name];
  }
  for (const name of keys) env[name] = `sk-newcomer-fake-${name.toLowerCase()}`;
  for (const name of bases) {
    env[name] = name.startsWith('ANTHROPIC')
      ? anthropic.url
      : name.startsWith('GEMINI')
        ? gemini.url
        : openai.url;
  }
  return {
    ...env,
    NO_COLOR: '1',
    REDIS_URL,
    DATABASE_URL: POSTGRES_URL,
    NEWCOMER_ALLOWED_HOSTS: [REDIS_HOST, new URL(POSTGRES_URL).hostname].join(','),
    ...extra,
  };
}

/** Runs `tasks` with at most `limit` at once, in order of start. */
async function inPool<T>(limit: number, tasks: ReadonlyArray<() => Promise<T>>): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await (tasks[index] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/** A consumer program of the cases below, written as the user of each case would. */
const CASES: Readonly<Record<string, string>> = {
  // The obvious declaration, with no annotation: its role is inferred as a string.
  'cases/messages.ts': `import { type ChatMessage, createClient } from 'shallot';

const messages = [{ role: 'user', content: 'Say hi' }];
const typed: ChatMessage[] = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'Say hi' },
];
const client = createClient();
const first = await client.completion({ model: '${MODEL}', messages });
const second = await client.completion({ model: '${MODEL}', messages: typed });
console.log(JSON.stringify([first.choices[0]?.message.content, second.choices[0]?.message.content]));
`,
  'cases/completion-import.ts': `import shallot, { completion, createClient } from 'shallot';

const messages = [{ role: 'user', content: 'Say hi' }];
const imported = await completion({ model: '${MODEL}', messages });
const { completion: fromDefault } = shallot;
const destructured = await fromDefault({ model: '${MODEL}', messages });
const { completion: fromClient } = createClient();
const fromOwnClient = await fromClient({ model: '${MODEL}', messages });
console.log(
  JSON.stringify([imported, destructured, fromOwnClient].map((answer) => answer.choices[0]?.message.content)),
);
`,
  'cases/commonjs.cts': `import { createClient } from 'shallot';

export const client = createClient();
`,
  'cases/mock-response.ts': `import shallot from 'shallot';

const messages = [{ role: 'user', content: 'Say hi' }];
// LiteLLM's spelling of mockResponse.
const answer = await shallot.completion({ model: '${MODEL}', messages, mock_response: 'hi' });
console.log(answer.choices[0]?.message.content);
`,
  'cases/redis-cache.ts': `import { Cache, createClient } from 'shallot';

const client = createClient();
client.cache = new Cache({
  type: 'redis',
  keyPrefix: process.env.NEWCOMER_REDIS_PREFIX,
  ttl: Number(process.env.NEWCOMER_REDIS_TTL),
});
const messages = [{ role: 'user', content: 'Say hi' }];
const answer = await client.completion({ model: '${MODEL}', messages });
console.log(answer.choices.length === 1 ? 'answered' : 'no answer');
// No shutdown(): the script ends here, and the process must end with it.
`,
  // A JavaScript user's mistakes: tsc never sees them (outside the checked folders).
  'programs/mistakes.mjs': `import shallot, { createClient, ValidationError } from 'shallot';

const messages = [{ role: 'user', content: 'Say hi' }];
async function outcome(attempt) {
  try {
    await attempt();
    return 'no error';
  } catch (error) {
    return { validation: error instanceof ValidationError, message: String(error?.message) };
  }
}
console.log(
  JSON.stringify({
    numRetry: await outcome(() => shallot.completion({ model: '${MODEL}', messages, numRetry: 2 })),
    maxTokens: await outcome(() => shallot.completion({ model: '${MODEL}', messages, maxTokens: 100 })),
    createClient: await outcome(() => createClient({ numRetry: 3 })),
    emptyModel: await outcome(() => shallot.completion({ model: 'openai/', messages })),
  }),
);
`,
};

/** A program of every subpath the package exports, each imported as the README's table says. */
function entryPointsProgram(packed: PackedPackage): string {
  const layers = packed.files
    .map((path) => /^dist\/middleware\/([^/]+)\/index\.js$/.exec(path)?.[1])
    .filter((name): name is string => name !== undefined)
    .sort();
  const specifiers = [
    'shallot',
    'shallot/kit',
    ...layers.map((name) => `shallot/middleware/${name}`),
  ];
  return [
    ...specifiers.map((specifier, index) => `import * as entry${index} from '${specifier}';`),
    '',
    `const entries = [${specifiers.map((_specifier, index) => `entry${index}`).join(', ')}];`,
    `console.log(JSON.stringify(Object.fromEntries(${JSON.stringify(specifiers)}.map((specifier, index) => [specifier, Object.keys(entries[index] ?? {}).length]))));`,
    '',
  ].join('\n');
}

let scratch: Awaited<ReturnType<typeof scratchFolder>>;
let packed: PackedPackage;
let consumer: Consumer;
let diagnostics: Map<string, string[]>;
const runs = new Map<string, RunResult>();

beforeAll(async () => {
  scratch = await scratchFolder();
  packed = await packRepository(scratch.path);
  // What the snippets import besides shallot: the optional peers a user installs for the layer
  // they use (the facades' users have openai, or ai and zod), and @types/node for a TypeScript
  // project.
  consumer = await installConsumer(scratch.path, packed, [
    'ioredis',
    'pg',
    '@types/pg',
    '@opentelemetry/api',
    'gpt-tokenizer',
    'openai',
    'ai',
    '@ai-sdk/provider',
    'zod',
    '@types/node',
  ]);
  for (const program of programs) await consumer.write(program.path, program.text);
  for (const [path, text] of Object.entries(CASES)) await consumer.write(path, text);
  await consumer.write('cases/entry-points.ts', entryPointsProgram(packed));
  diagnostics = await consumer.typeCheck();

  // The fakes take their scripts before each test; the snippets run before any test.
  openai.reply(OPENAI_REPLY);
  anthropic.reply(ANTHROPIC_REPLY);
  gemini.reply(GEMINI_REPLY);
  const redisUp = await redisIsUp();
  const runnable = programs.filter(
    ({ snippet }) =>
      snippet.mode === 'run' &&
      (!snippet.services.includes('redis') || redisUp) &&
      (!snippet.services.includes('postgres') || postgresUp),
  );
  await inPool(
    PARALLEL_PROGRAMS,
    runnable.map((program) => async () => {
      runs.set(
        program.path,
        await consumer.run(program.path, {
          env: programEnvironment(),
          timeoutMs: PROGRAM_TIMEOUT_MS,
        }),
      );
    }),
  );
}, 180_000);

afterAll(async () => {
  await scratch?.remove();
});

/** The type checker's messages about a file of the consumer project, and about none in particular. */
function errorsOf(path: string): string[] {
  return [...(diagnostics.get('') ?? []), ...(diagnostics.get(path) ?? [])];
}

/** Runs a case program now (the fakes' received requests are this test's own). */
async function runCase(path: string, extra: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return consumer.run(path, { env: programEnvironment(extra), timeoutMs: PROGRAM_TIMEOUT_MS });
}

/** Asserts a program exited 0 on its own, with what it printed in the message otherwise. */
function expectCleanExit(what: string, result: RunResult | undefined): void {
  expect(result, `${what} was not run`).toBeDefined();
  if (result === undefined) return;
  expect(result.code === 0 && !result.timedOut, describeRun(what, result)).toBe(true);
}

function checkSnippet(program: SnippetProgram): void {
  const { snippet } = program;
  const errors = locateDiagnostics(program, errorsOf(program.path));
  expect.soft(errors, `${whereIs(snippet)} does not type-check`).toEqual([]);
  if (snippet.mode === 'run')
    expectCleanExit(`${whereIs(snippet)} (${program.path})`, runs.get(program.path));
}

/** `it`, or the helper that skips it (fails it under CI) when its service is missing. */
function registerFor(snippet: Snippet): (name: string, test: () => Promise<unknown>) => void {
  if (snippet.services.includes('redis')) return itWithRedis;
  if (snippet.services.includes('postgres')) return itWithPostgres;
  return (name, test) => it(name, test);
}

describe('every TypeScript and JavaScript block of the README and docs/*.md', () => {
  it('finds the blocks, and every snippet comment is one it can honour', () => {
    expect(problems).toEqual([]);
    expect(snippets.length).toBeGreaterThan(10);
    expect(snippets.filter((snippet) => snippet.file === 'README.md').length).toBeGreaterThan(3);
  });

  for (const snippet of snippets) {
    const where = whereIs(snippet);
    if (snippet.mode === 'skip') {
      it.skip(`${where} [not checked: ${snippet.reason}]`, () => {});
      continue;
    }
    const program = snippetProgram(snippet);
    const title =
      snippet.mode === 'run'
        ? `${where} type-checks in a strict project, runs, and exits 0 on its own`
        : `${where} type-checks in a strict project (not run: ${snippet.reason})`;
    registerFor(snippet)(title, async () => checkSnippet(program));
  }
});

describe('the first ten minutes of a new user', () => {
  cleanUpRedisAfterAll();

  it('declares messages with no annotation (the role a string) or as ChatMessage[], and both type-check', async () => {
    expect(errorsOf('cases/messages.ts')).toEqual([]);
    const result = await runCase('cases/messages.ts');
    expectCleanExit('cases/messages.ts', result);
    expect(JSON.parse(result.stdout)).toEqual([FIXTURE_TEXT, FIXTURE_TEXT]);
  });

  it("imports completion from 'shallot' (the default client's), and destructures a client's methods", async () => {
    expect(errorsOf('cases/completion-import.ts')).toEqual([]);
    const result = await runCase('cases/completion-import.ts');
    expectCleanExit('cases/completion-import.ts', result);
    expect(JSON.parse(result.stdout)).toEqual([FIXTURE_TEXT, FIXTURE_TEXT, FIXTURE_TEXT]);
    expect(openai.requests).toHaveLength(3);
  });

  it('refuses a CommonJS (.cts) consumer in tsc, since the package is ESM only', () => {
    const errors = errorsOf('cases/commonjs.cts');
    expect(errors, 'a .cts file that imports shallot type-checked with no error').not.toEqual([]);
    expect(errors.join('\n')).toMatch(/TS\d+: .*'shallot'/);
  });

  it('refuses mistyped options with a ValidationError that names the option meant, before any request', async () => {
    const result = await runCase('programs/mistakes.mjs');
    expectCleanExit('programs/mistakes.mjs', result);
    const outcome = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(outcome.numRetry).toEqual({
      validation: true,
      message: expect.stringContaining('did you mean numRetries?'),
    });
    expect(outcome.maxTokens).toEqual({
      validation: true,
      message: expect.stringContaining('did you mean max_tokens?'),
    });
    expect(outcome.createClient).toEqual({
      validation: true,
      message: expect.stringContaining('did you mean numRetries?'),
    });
    expect(outcome.emptyModel).toEqual({ validation: true, message: expect.any(String) });
    expect(openai.requests).toEqual([]);
  });

  it("answers mock_response (LiteLLM's spelling) from the mock, with no request", async () => {
    expect(errorsOf('cases/mock-response.ts')).toEqual([]);
    const result = await runCase('cases/mock-response.ts');
    expectCleanExit('cases/mock-response.ts', result);
    expect(result.stdout).toBe('hi\n');
    expect(openai.requests).toEqual([]);
  });

  itWithRedis('ends a script whose client has a Redis cache without shutdown()', async () => {
    expect(errorsOf('cases/redis-cache.ts')).toEqual([]);
    const result = await runCase('cases/redis-cache.ts', {
      NEWCOMER_REDIS_PREFIX: REDIS_TEST_PREFIX,
      NEWCOMER_REDIS_TTL: String(REDIS_TEST_TTL_SECONDS),
    });
    expectCleanExit('cases/redis-cache.ts', result);
    expect(result.stdout).toBe('answered\n');
  });

  it('imports every entry point of the package: shallot, shallot/kit and each shallot/middleware/<name>', async () => {
    expect(errorsOf('cases/entry-points.ts')).toEqual([]);
    const result = await runCase('cases/entry-points.ts');
    expectCleanExit('cases/entry-points.ts', result);
    const exported = JSON.parse(result.stdout) as Record<string, number>;
    expect(Object.keys(exported).length).toBeGreaterThan(3);
    for (const [specifier, count] of Object.entries(exported)) {
      expect(count, `${specifier} exports nothing`).toBeGreaterThan(0);
    }
  });
});

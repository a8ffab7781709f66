import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../../', import.meta.url));

/** The optional peer dependencies: none of them is in the project the probe runs in. */
const OPTIONAL = ['pg', 'ioredis', '@opentelemetry/api', 'gpt-tokenizer'];

/**
 * Runs in a project that holds shallot's sources and, in its node_modules, only the packages
 * of package.json's `dependencies`: what a default install has. Prints what each layer that
 * needs an optional package did when created, and the cost of a stream that sent no usage.
 */
const PROBE = `
import { Cache, createClient, RedisStore, ValidationError } from './index.js';
import { otelLogger } from './middleware/otel-logger/index.js';
import { postgresLogger } from './middleware/postgres-logger/index.js';

const creating = (make) => {
  try {
    make();
    return 'created';
  } catch (error) {
    if (!(error instanceof ValidationError)) return \`\${error?.constructor?.name}: \${error?.code} \${error?.message}\`;
    return { field: error.field, message: error.message };
  }
};
const costs = [];
const client = createClient({
  middleware: [
    async (ctx, next) => {
      ctx.onEnd(() => costs.push(ctx.cost));
      await next();
    },
  ],
});
const stream = await client.completion({
  model: 'gpt-4o',
  messages: [{ role: 'user', content: 'Spell the longest word you know.' }],
  mockResponse: ['Pneumonoultra', 'microscopicsilicovolcanoconiosis'],
  stream: true,
});
for await (const _chunk of stream);
console.log(JSON.stringify({
  redisCache: creating(() => new Cache({ type: 'redis' })),
  redisStore: creating(() => new RedisStore()),
  postgresLogger: creating(() => postgresLogger({ connectionString: 'postgres://shallot@127.0.0.1:5432/shallot' })),
  postgresLoggerWithPool: creating(() => postgresLogger({ pool: { query: async () => undefined } })),
  otelLogger: creating(() => otelLogger()),
  cost: costs[0],
}));
`;

let project: string;
beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'shallot-default-install-'));
  for (const entry of ['index.ts', 'src', 'middleware']) {
    await cp(join(repo, entry), join(project, entry), { recursive: true });
  }
  await writeFile(join(project, 'package.json'), '{ "type": "module" }\n');
  await writeFile(join(project, 'probe.ts'), PROBE);
  const manifest = JSON.parse(await readFile(join(repo, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  for (const name of Object.keys(manifest.dependencies)) {
    await mkdir(join(project, 'node_modules', name, '..'), { recursive: true });
    await symlink(join(repo, 'node_modules', name), join(project, 'node_modules', name), 'dir');
  }
});
afterAll(async () => {
  if (project) await rm(project, { recursive: true, force: true });
});

async function probe(): Promise<Record<string, unknown>> {
  const tsx = pathToFileURL(join(repo, 'node_modules/tsx/dist/loader.mjs')).href;
  const { stdout } = await run(process.execPath, ['--import', tsx, 'probe.ts'], {
    cwd: project,
    env: { ...process.env, NODE_PATH: '' },
  });
  return JSON.parse(stdout) as Record<string, unknown>;
}

describe('a default install, without the optional peer dependencies', () => {
  it('lists them as optional peers, and as dev dependencies so that the tests have them', async () => {
    const manifest = JSON.parse(await readFile(join(repo, 'package.json'), 'utf8')) as Record<
      string,
      Record<string, unknown>
    >;
    for (const name of OPTIONAL) {
      expect(manifest.dependencies).not.toHaveProperty([name]);
      expect(manifest.peerDependencies).toHaveProperty([name]);
      expect(manifest.peerDependenciesMeta).toHaveProperty([name], { optional: true });
      expect(manifest.devDependencies).toHaveProperty([name]);
    }
  });

  it('fails each layer that needs a missing package when it is created, with a ValidationError naming the package and the command, and estimates cost by characters', async () => {
    const outcome = await probe();
    const missing = (field: string, name: string) => ({
      field,
      message: `${field} needs the package "${name}", which is not installed: run \`npm install ${name}\` (a default install of shallot leaves it out, as an optional peer dependency).`,
    });
    expect(outcome).toMatchObject({
      redisCache: missing('RedisStore', 'ioredis'),
      redisStore: missing('RedisStore', 'ioredis'),
      postgresLogger: missing('postgresLogger', 'pg'),
      // A pool of the caller's own needs no pg from shallot.
      postgresLoggerWithPool: 'created',
      otelLogger: missing('otelLogger', '@opentelemetry/api'),
    });
    // Without gpt-tokenizer: a token per four characters, 3 per message and 3 for the reply.
    // Prompt 3 + 3 + "user" 1 + 32 characters 8 = 15; the 45-letter answer 12.
    expect(outcome.cost).toMatchObject({
      estimated: true,
      breakdown: { usage: { promptTokens: 15, completionTokens: 12 } },
    });
    expect((outcome.cost as { total: number }).total).toBeCloseTo(15 * 2.5e-6 + 12 * 1e-5, 15);
  });
});

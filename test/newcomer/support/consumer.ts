/**
 * A new user's project, outside the repository: the packed tarball installed into a fresh
 * folder with a strict tsconfig, checked with the repository's own `tsc` and run with `node`.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository, with a trailing separator. */
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/** What `npm pack` made. */
export interface PackedPackage {
  /** The tarball's path. */
  tarball: string;
  /** Every path in it, relative to the package root (`docs/cache.md`). */
  files: string[];
}

/** What a program printed and how it ended. */
export interface RunResult {
  /** The exit code; null when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when it was killed for outliving its timeout. */
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** Milliseconds from start to exit. */
  ms: number;
}

/** Runs a command to its end; rejects only when it cannot be started. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<RunResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      {
        cwd: options.cwd,
        env: options.env ?? process.env,
        timeout: options.timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const failure = error as (NodeJS.ErrnoException & { killed?: boolean }) | null;
        if (failure !== null && typeof failure.code === 'string') {
          reject(failure);
          return;
        }
        resolve({
          code: failure === null ? 0 : ((failure.code as unknown as number | undefined) ?? null),
          signal: (failure as { signal?: NodeJS.Signals } | null)?.signal ?? null,
          timedOut: failure?.killed === true,
          stdout,
          stderr,
          ms: Math.round(performance.now() - started),
        });
      },
    );
  });
}

/** Says how a command ended, with its output, for an assertion's message. */
export function describeRun(what: string, result: RunResult): string {
  const ending = result.timedOut
    ? `was still running after its timeout (${result.ms} ms) and was killed: something keeps the process alive`
    : result.signal !== null
      ? `was ended by ${result.signal}`
      : `exited with code ${result.code} after ${result.ms} ms`;
  return [
    `${what} ${ending}`,
    result.stdout.trim() && `stdout:\n${result.stdout.trimEnd()}`,
    result.stderr.trim() && `stderr:\n${result.stderr.trimEnd()}`,
  ]
    .filter(Boolean)
    .join('\n');
}

/**
 * Packs the working tree as `npm pack` does, in a copy of it under `into`: `prepack` builds
 * `dist/` there, so the repository's own `dist/` (which the bench and other runs may be
 * using) is never deleted under them, and two test runs never build into one folder. The copy
 * holds the files git tracks or would track (nothing ignored), so it packs what the working
 * tree would; its node_modules is a link to the repository's.
 */
export async function packRepository(into: string): Promise<PackedPackage> {
  const copy = join(into, 'repository');
  const listed = await runCommand(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    { cwd: REPO, timeoutMs: 30_000 },
  );
  if (listed.code !== 0) throw new Error(describeRun('git ls-files', listed));
  const paths = listed.stdout.split('\0').filter(Boolean);
  await Promise.all(
    paths.map(async (path) => {
      await mkdir(dirname(join(copy, path)), { recursive: true });
      // A file git knows but the working tree has deleted is left out, as npm would.
      await copyFile(join(REPO, path), join(copy, path)).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
    }),
  );
  await symlink(join(REPO, 'node_modules'), join(copy, 'node_modules'), 'dir');
  const packed = await runCommand(
    'npm',
    ['pack', '--json', '--pack-destination', into, '--no-audit', '--no-fund'],
    { cwd: copy, timeoutMs: 120_000 },
  );
  if (packed.code !== 0) throw new Error(describeRun('npm pack', packed));
  // npm prints the JSON last; a lifecycle script's output may come before it.
  const json = packed.stdout.slice(packed.stdout.indexOf('['));
  const [result] = JSON.parse(json) as Array<{ filename: string; files: Array<{ path: string }> }>;
  if (result === undefined) throw new Error(`npm pack printed no package:\n${packed.stdout}`);
  return { tarball: join(into, result.filename), files: result.files.map((file) => file.path) };
}

/** The packed files `npm pack --dry-run` lists, without building: what the Markdown links may reach. */
export async function listPackedFiles(): Promise<string[]> {
  const listed = await runCommand(
    'npm',
    ['pack', '--dry-run', '--json', '--ignore-scripts', '--no-audit', '--no-fund'],
    { cwd: REPO, timeoutMs: 60_000 },
  );
  if (listed.code !== 0) throw new Error(describeRun('npm pack --dry-run', listed));
  const [result] = JSON.parse(listed.stdout.slice(listed.stdout.indexOf('['))) as Array<{
    files: Array<{ path: string }>;
  }>;
  return (result?.files ?? []).map((file) => file.path);
}

/** The strict tsconfig a new user starts from, and nothing looser. */
const CONSUMER_TSCONFIG = {
  compilerOptions: {
    strict: true,
    module: 'nodenext',
    moduleResolution: 'nodenext',
    noEmit: true,
    types: ['node'],
    // Stricter than `tsc --init`: the declarations shallot ships are checked too.
    skipLibCheck: false,
    // JavaScript blocks are checked as a TypeScript-aware editor checks them.
    allowJs: true,
    checkJs: true,
  },
  include: ['snippets', 'cases'],
};

/** A consumer project: its folder, its files, its type check and its programs. */
export interface Consumer {
  readonly dir: string;
  /** Writes a file of the project, folders created as needed. */
  write(path: string, text: string): Promise<void>;
  /**
   * Type-checks `snippets/` and `cases/` in one `tsc` run, which also compiles them to
   * `build/` (the project's own tsconfig keeps `noEmit`; the run overrides it), and gives each
   * file's errors by its path in the project.
   */
  typeCheck(): Promise<Map<string, string[]>>;
  /**
   * Runs a program of the project with node, the network guard preloaded: a `.ts` or `.cts`
   * file as `tsc` compiled it (so runs need no TypeScript loader), a `.mjs` or `.js` file as is.
   */
  run(path: string, options: { env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<RunResult>;
}

const LOOPBACK_ONLY = new URL('./loopback-only.mjs', import.meta.url).href;

/** `snippets/a.ts` compiled: `build/snippets/a.js`. */
function compiledPath(path: string): string {
  if (!/\.c?ts$/.test(path)) return path;
  return `build/${path.replace(/\.ts$/, '.js').replace(/\.cts$/, '.cjs')}`;
}

/**
 * Installs the tarball into a new project in `into`. npm is not used for the install itself:
 * an offline `npm install` of the tarball still needs the registry's metadata of every
 * dependency, which `npm ci` never caches, so it would reach the internet. Instead the
 * tarball is unpacked where npm would put it (node_modules/shallot), and each package it
 * depends on, and each package the snippets import (the optional peers, @types/node), is a
 * link to the repository's node_modules, where `npm ci` put the versions the lock file pins.
 */
export async function installConsumer(
  into: string,
  packed: PackedPackage,
  extraPackages: readonly string[],
): Promise<Consumer> {
  const dir = join(into, 'consumer');
  const installed = join(dir, 'node_modules', 'shallot');
  await mkdir(installed, { recursive: true });
  const untar = await runCommand(
    'tar',
    ['-xzf', packed.tarball, '-C', installed, '--strip-components=1'],
    { cwd: dir, timeoutMs: 60_000 },
  );
  if (untar.code !== 0) throw new Error(describeRun('tar', untar));
  const manifest = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  const packages = new Set([...Object.keys(manifest.dependencies ?? {}), ...extraPackages]);
  for (const name of packages) {
    const link = join(dir, 'node_modules', name);
    await mkdir(dirname(link), { recursive: true });
    await symlink(join(REPO, 'node_modules', name), link, 'dir');
  }
  const write = async (path: string, text: string) => {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  };
  await write(
    'package.json',
    `${JSON.stringify({ name: 'newcomer', private: true, type: 'module' }, null, 2)}\n`,
  );
  await write('tsconfig.json', `${JSON.stringify(CONSUMER_TSCONFIG, null, 2)}\n`);
  const tsc = async (project: string) => {
    const checked = await runCommand(
      process.execPath,
      [
        join(REPO, 'node_modules/typescript/bin/tsc'),
        ...['-p', project, '--pretty', 'false'],
        ...['--noEmit', 'false', '--outDir', 'build', '--rootDir', '.'],
      ],
      { cwd: dir, timeoutMs: 120_000 },
    );
    if (checked.timedOut || checked.signal !== null) throw new Error(describeRun('tsc', checked));
    return diagnosticsByFile(checked.stdout);
  };
  return {
    dir,
    write,
    typeCheck: async () => {
      const found = await tsc('tsconfig.json');
      // tsc reports no type errors at all while any file has a syntax error: check the
      // others again without the files that have one, so that one broken block hides nothing.
      const broken = [...found].filter(
        ([file, messages]) => file !== '' && messages.some(isSyntaxError),
      );
      if (broken.length === 0) return found;
      await write(
        'tsconfig.without-broken.json',
        JSON.stringify({ extends: './tsconfig.json', exclude: broken.map(([file]) => file) }),
      );
      const rest = await tsc('tsconfig.without-broken.json');
      for (const [file, messages] of rest) {
        if (!found.has(file)) found.set(file, messages);
      }
      return found;
    },
    run: (path, { env, timeoutMs }) =>
      runCommand(process.execPath, ['--import', LOOPBACK_ONLY, compiledPath(path)], {
        cwd: dir,
        env,
        timeoutMs,
      }),
  };
}

/** A parser's message (`TS1005: ';' expected.`): the 1xxx codes below the grammar checks. */
function isSyntaxError(message: string): boolean {
  const code = Number(/TS(\d+):/.exec(message)?.[1]);
  return code >= 1000 && code < 1400;
}

/** A temporary folder for one test file's packing and project, removed by `remove()`. */
export async function scratchFolder(): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'shallot-newcomer-'));
  return {
    path,
    // NEWCOMER_KEEP=1 keeps the project, to look into a failure.
    remove: async () => {
      if (process.env.NEWCOMER_KEEP === '1') console.warn(`[newcomer tests] kept ${path}`);
      else await rm(path, { recursive: true, force: true });
    },
  };
}

/** `tsc --pretty false` output as each file's messages (a message's continuation lines kept). */
function diagnosticsByFile(output: string): Map<string, string[]> {
  const byFile = new Map<string, string[]>();
  let last: string[] | undefined;
  for (const line of output.split(/\r?\n/)) {
    const match = /^(.+?)\((\d+),(\d+)\): (error|warning) (TS\d+: .*)$/.exec(line);
    if (match !== null) {
      const [, file = '', row, column, , message] = match;
      last = byFile.get(file) ?? [];
      byFile.set(file, last);
      last.push(`(${row},${column}) ${message}`);
    } else if (line.startsWith(' ') && last !== undefined && last.length > 0) {
      last[last.length - 1] += `\n${line}`;
    } else if (line.trim() !== '') {
      // A message with no file (a bad tsconfig, a missing type package) concerns every file.
      const general = byFile.get('') ?? [];
      byFile.set('', general);
      general.push(line);
      last = general;
    }
  }
  return byFile;
}

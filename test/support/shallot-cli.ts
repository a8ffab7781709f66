/**
 * `shallot` processes a test drives, started as `npx shallot` starts them but from the sources
 * (`node --import tsx gateway/cli.ts`), each killed after its test if the test left it running.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A running `shallot` process. */
export interface ShallotProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `pattern` in stdout or stderr; rejects if the process ends first. */
  output(pattern: RegExp): Promise<RegExpMatchArray>;
  /** The exit code. */
  readonly exited: Promise<number | null>;
}

/** A `shallot serve` that is listening, and the URL it printed. */
export interface ServedGateway {
  cli: ShallotProcess;
  /** `http://127.0.0.1:PORT`, as the start-up line gives it. */
  url: string;
  /** Sends SIGTERM; resolves with the exit code once it has stopped (requests drained, logs and spend flushed). */
  stop(): Promise<number | null>;
}

/** What {@link useShallotCli} gives the tests of a file. */
export interface ShallotCli {
  /** Starts `shallot` with `args`, `env` added to this process's environment (less `PORT`). */
  shallot(args: readonly string[], env?: Record<string, string>): ShallotProcess;
  /** Starts `shallot serve --config <config> --port 0` (or on `env.PORT`); resolves once it listens. */
  served(config: string, env?: Record<string, string>): Promise<ServedGateway>;
  /** Writes `yaml` to a file of this file's own temporary folder; resolves with its path. */
  configFile(name: string, yaml: string): Promise<string>;
  /** The path of `name` in that folder, whether or not a file is there. */
  pathOf(name: string): string;
}

/**
 * For the tests of a file: a way to start `shallot` processes and to write their config files
 * in a temporary folder (removed after the file's tests). A process a test left running is
 * killed after it, by its own handle.
 *
 * @example
 * const { served, configFile } = useShallotCli();
 * const { url, stop } = await served(await configFile('a.yaml', 'model_list: []\n'));
 * expect(await stop()).toBe(0);
 */
export function useShallotCli(): ShallotCli {
  const running: ShallotProcess[] = [];
  afterEach(() => {
    for (const cli of running.splice(0)) if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
  });
  let folder: string | undefined;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'shallot-cli-'));
  });
  afterAll(() => (folder === undefined ? undefined : rm(folder, { recursive: true, force: true })));

  const pathOf: ShallotCli['pathOf'] = (name) => {
    if (folder === undefined)
      throw new Error('configFile() and pathOf() work inside a test or a hook');
    return join(folder, name);
  };
  const shallot: ShallotCli['shallot'] = (args, env = {}) => {
    const cli = startShallot(args, env);
    running.push(cli);
    return cli;
  };
  return {
    shallot,
    async served(config, env = {}) {
      // PORT sets the port when --port does not.
      const port = env.PORT === undefined ? ['--port', '0'] : [];
      const cli = shallot(['serve', '--config', config, ...port], env);
      const [, url] = await cli.output(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      return {
        cli,
        url: url as string,
        stop: () => {
          cli.child.kill('SIGTERM');
          return cli.exited;
        },
      };
    },
    async configFile(name, yaml) {
      const path = pathOf(name);
      await writeFile(path, yaml);
      return path;
    },
    pathOf,
  };
}

function startShallot(args: readonly string[], env: Record<string, string>): ShallotProcess {
  const { PORT: _port, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'gateway/cli.ts', ...args], {
    cwd: ROOT,
    env: { ...inherited, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiting = new Set<() => void>();
  const check = () => {
    for (const wake of waiting) wake();
  };
  child.stdout?.on('data', (data) => {
    stdout += data;
    check();
  });
  child.stderr?.on('data', (data) => {
    stderr += data;
    check();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    output: (pattern) =>
      new Promise((resolve, reject) => {
        const wake = () => {
          const match = `${stdout}${stderr}`.match(pattern);
          if (match) {
            waiting.delete(wake);
            resolve(match);
          }
        };
        waiting.add(wake);
        wake();
        exited.then(() => {
          if (!waiting.has(wake)) return;
          waiting.delete(wake);
          reject(new Error(`exited before ${pattern}:\n${stdout}\n${stderr}`));
        });
      }),
  };
}

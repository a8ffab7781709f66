import { type ChildProcess, fork } from 'node:child_process';
import { access, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchConfig, ContenderId, ScenarioId } from '../config.js';
import type { Run } from '../measure.js';
import type { ContenderWorkload } from '../workloads/contender-workloads.js';

/** What the benchmark asks a contender's process to do. */
export type RemoteRequest = { seq: number } & (
  | { op: 'warmUp'; workload: ContenderWorkload['id'] }
  | { op: 'rewarm' | 'run'; workload: ContenderWorkload['id']; round: number; attempt: number }
  | { op: 'close' }
);

/** A contender process's answer: the run, its name (at start-up), or the failure's text. */
export type RemoteReply =
  | { seq: number; ok: true; result: Run | string | undefined }
  | { seq: number; ok: false; error: string };

const START_TIMEOUT_MS = 30_000;

/**
 * A contender in its own process (`contender-process.ts`), seen from the benchmark: its
 * name, its workloads run on request, and `close()`. One request at a time.
 */
export class RemoteContender {
  readonly name: string;
  readonly #child: ChildProcess;
  #seq = 0;

  private constructor(name: string, child: ChildProcess) {
    this.name = name;
    this.#child = child;
  }

  /**
   * Forks the contender's process for one scenario, calling `apiBase`, and waits until it has
   * built its contender. With `baseline`, a shallot checkout whose `dist/` is built, `shallot`
   * resolves there instead.
   */
  static async start(
    id: ContenderId,
    scenario: ScenarioId,
    apiBase: string,
    config: BenchConfig,
    baseline?: string,
  ): Promise<RemoteContender> {
    const entry = fileURLToPath(new URL('../contender-process.ts', import.meta.url));
    const env = baseline === undefined ? process.env : await baselineEnv(baseline);
    const child = fork(entry, [id, scenario, apiBase, config.mode], {
      execArgv: ['--expose-gc', '--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env,
    });
    const name = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`contender ${id} did not start within ${START_TIMEOUT_MS / 1000} s`));
      }, START_TIMEOUT_MS);
      child.once('message', (message) => {
        clearTimeout(timer);
        const reply = message as RemoteReply;
        if (reply.ok && typeof reply.result === 'string') resolve(reply.result);
        else reject(new Error(`contender ${id} failed to start: ${JSON.stringify(reply)}`));
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`contender ${id}'s process exited with code ${code} before it started`));
      });
    });
    return new RemoteContender(name, child);
  }

  /** Untimed calls in the contender's process. */
  async warmUp(workload: ContenderWorkload['id']): Promise<void> {
    await this.#ask({ seq: ++this.#seq, op: 'warmUp', workload });
  }

  /** A few untimed calls right before a timed run; see `ContenderWorkload.rewarm`. */
  async rewarm(workload: ContenderWorkload['id'], round: number, attempt: number): Promise<void> {
    await this.#ask({ seq: ++this.#seq, op: 'rewarm', workload, round, attempt });
  }

  /** One timed run in the contender's process: its CPU, memory and wall time. */
  async run(workload: ContenderWorkload['id'], round: number, attempt: number): Promise<Run> {
    return (await this.#ask({ seq: ++this.#seq, op: 'run', workload, round, attempt })) as Run;
  }

  /** Closes the contender and lets its process exit. */
  async close(): Promise<void> {
    if (!this.#child.connected) return;
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    await this.#ask({ seq: ++this.#seq, op: 'close' });
    await exited;
  }

  #ask(request: RemoteRequest): Promise<Run | string | undefined> {
    const child = this.#child;
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) =>
        reject(new Error(`${this.name}'s process exited (code ${code}) during ${request.op}`));
      const onMessage = (message: unknown) => {
        const reply = message as RemoteReply;
        if (reply.seq !== request.seq) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        if (reply.ok) resolve(reply.result);
        else reject(new Error(reply.error));
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send(request);
    });
  }
}

/**
 * The environment of a baseline contender's process: a tsconfig of its own (in the temporary
 * folder) whose `paths` resolve `shallot` to the other checkout's `dist/`, and the label that
 * names it "(baseline)".
 */
async function baselineEnv(checkout: string): Promise<NodeJS.ProcessEnv> {
  const dist = resolve(checkout, 'dist');
  await access(join(dist, 'index.js')).catch(() => {
    throw new Error(
      `--baseline ${checkout}: no dist/index.js there; run npm run build in it first`,
    );
  });
  const tsconfig = join(await mkdtemp(join(tmpdir(), 'shallot-baseline-')), 'tsconfig.json');
  const bench = fileURLToPath(new URL('../tsconfig.json', import.meta.url));
  await writeFile(
    tsconfig,
    JSON.stringify({
      extends: bench,
      compilerOptions: {
        paths: {
          shallot: [join(dist, 'index.js')],
          'shallot/kit': [join(dist, 'src/kit/index.js')],
          'shallot/middleware/*': [join(dist, 'middleware/*/index.js')],
          'shallot/src/*': [join(dist, 'src/*')],
        },
      },
      include: [fileURLToPath(new URL('..', import.meta.url))],
    }),
  );
  return { ...process.env, TSX_TSCONFIG_PATH: tsconfig, SHALLOT_BENCH_LABEL: ' (baseline)' };
}

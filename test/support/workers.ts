/**
 * Child processes a test drives, for what only several processes show (counters shared through
 * Redis): a script started as a user starts one (`node --import tsx`), sent JSON commands on its
 * stdin, answering each on its stdout. The script's side is `worker-commands.ts`. Commands may
 * overlap: each answer carries its command's id.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, expect } from 'vitest';
import type { WorkerLine } from './worker-commands.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** A running worker script. */
export interface Worker {
  /** Sends one command; resolves with its answer, rejects with its error or when the worker ends. */
  send<T>(command: unknown): Promise<T>;
  /** Closes its stdin and waits for it to end; fails the test when it failed or wrote to stderr. */
  end(): Promise<void>;
}

/**
 * For the tests of a file: a function that starts `script` (a URL, as `new URL('./scripts/x.ts',
 * import.meta.url)`) with `env` added to this process's environment, and resolves once it says
 * it is ready. A worker a test left running (it failed midway) is killed after the test, by its
 * own handle.
 *
 * @example
 * const startWorker = useWorkers(new URL('./scripts/limits-worker.ts', import.meta.url));
 * const worker = await startWorker({ WORKER_REDIS_URL: REDIS_URL });
 * const answer = await worker.send<{ now: number }>({ advanceMs: 1000 });
 * await worker.end();
 */
export function useWorkers(script: URL): (env?: Record<string, string>) => Promise<Worker> {
  const running: ChildProcessWithoutNullStreams[] = [];
  afterEach(() => {
    for (const child of running.splice(0)) if (child.exitCode === null) child.kill();
  });
  return async (env = {}) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(script)], {
      cwd: root,
      env: { ...process.env, ...env },
    });
    running.push(child);
    return driven(child);
  };
}

/** Answers awaited from `child`, by command id; all rejected once it ends. */
async function driven(child: ChildProcessWithoutNullStreams): Promise<Worker> {
  let stderr = '';
  child.stderr.on('data', (data) => {
    stderr += data;
  });
  const waiting = new Map<number, { resolve(answer: unknown): void; reject(error: Error): void }>();
  let ready: (() => void) | undefined;
  let ended: Error | undefined;
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => {
      ended = new Error(`the worker ended (${code}) before answering:\n${stderr}`);
      for (const pending of waiting.values()) pending.reject(ended);
      waiting.clear();
      resolve(code);
    });
  });
  createInterface({ input: child.stdout }).on('line', (text) => {
    const line = JSON.parse(text) as WorkerLine;
    if ('ready' in line) {
      ready?.();
      return;
    }
    const pending = waiting.get(line.id);
    waiting.delete(line.id);
    if ('error' in line) pending?.reject(new Error(`the worker failed: ${line.error}`));
    else pending?.resolve(line.answer);
  });
  await Promise.race([
    new Promise<void>((resolve) => {
      ready = resolve;
    }),
    exited.then(() => {
      throw ended;
    }),
  ]);
  let lastId = 0;
  return {
    send: <T>(command: unknown) =>
      new Promise<T>((resolve, reject) => {
        if (ended) {
          reject(ended);
          return;
        }
        const id = ++lastId;
        waiting.set(id, { resolve: resolve as (answer: unknown) => void, reject });
        child.stdin.write(`${JSON.stringify({ id, command })}\n`);
      }),
    end: async () => {
      child.stdin.end();
      const code = await exited;
      expect(stderr, 'what the worker wrote to stderr').toBe('');
      expect(code).toBe(0);
    },
  };
}

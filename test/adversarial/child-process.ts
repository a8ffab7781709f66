import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** How a script run in a process of its own ended. */
export interface ChildRun {
  /** The exit code, or `'still running'` when it had not exited `withinMs` after starting. */
  outcome: number | null | 'still running';
  stdout: string;
  stderr: string;
  /** Milliseconds from the first output holding `marker` to the exit; undefined when either is missing. */
  exitAfterMarkerMs: number | undefined;
}

/**
 * Runs `node --import tsx <script> ...args` from the repository's root and waits for it to
 * exit on its own, at most `withinMs` (it is killed then). Starting tsx takes a second or two.
 */
export async function runScript(
  script: URL,
  args: readonly string[],
  marker: string,
  withinMs = 15_000,
): Promise<ChildRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(script), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let markedAt: number | undefined;
  child.stdout.on('data', (data: Buffer) => {
    stdout += data.toString();
    if (markedAt === undefined && stdout.includes(marker)) markedAt = performance.now();
  });
  child.stderr.on('data', (data: Buffer) => {
    stderr += data.toString();
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const outcome = await Promise.race([
      new Promise<number | null>((resolve) => child.on('exit', resolve)),
      new Promise<'still running'>((resolve) => {
        timer = setTimeout(() => resolve('still running'), withinMs);
      }),
    ]);
    const exitedAt = performance.now();
    const exitAfterMarkerMs =
      outcome !== 'still running' && markedAt !== undefined ? exitedAt - markedAt : undefined;
    return { outcome, stdout, stderr, exitAfterMarkerMs };
  } finally {
    clearTimeout(timer);
    if (child.exitCode === null && child.signalCode === null) child.kill();
  }
}

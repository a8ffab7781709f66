/**
 * The worker script's side of `workers.ts` (kept apart: a worker runs outside vitest, and must
 * not import it). A worker says `{ "ready": true }`, then answers each `{ id, command }` line
 * of its stdin with one `{ id, answer }` or `{ id, error }` line on its stdout, as each command
 * ends (several may run at once), and ends once stdin closes and every command has ended.
 */
import { createInterface } from 'node:readline';

/** A line a worker writes. */
export type WorkerLine =
  | { ready: true }
  | { id: number; answer: unknown }
  | { id: number; error: string };

/**
 * Answers the test's commands with `answer` until stdin closes, then waits for the last ones.
 *
 * @example
 * await serveCommands(async (command: { advanceMs: number }) => ({ now: clock.advance(command.advanceMs) }));
 */
export async function serveCommands<Command>(
  answer: (command: Command) => Promise<unknown>,
): Promise<void> {
  const write = (line: WorkerLine): void => {
    process.stdout.write(`${JSON.stringify(line)}\n`);
  };
  write({ ready: true });
  const running = new Set<Promise<void>>();
  for await (const text of createInterface({ input: process.stdin })) {
    const { id, command } = JSON.parse(text) as { id: number; command: Command };
    const run = answer(command).then(
      (result) => write({ id, answer: result ?? null }),
      (error: unknown) =>
        write({
          id,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        }),
    );
    running.add(run);
    void run.finally(() => running.delete(run));
  }
  await Promise.all(running);
}

/**
 * Shifts this process's `Date.now()` by `shiftMs`, and later by `advance(ms)` more: every
 * worker of a test, shifted alike, sees one fake clock (Redis scripts get their time from it).
 */
export function shiftClock(shiftMs: number): { advance(ms: number): number } {
  const realNow = Date.now.bind(Date);
  let shift = shiftMs;
  Date.now = () => realNow() + shift;
  return {
    advance: (ms) => {
      shift += ms;
      return Date.now();
    },
  };
}

/**
 * Stops this process's `Date.now()` at `at` (epoch milliseconds), moved on only by
 * `advance(ms)`: every worker of a test, frozen alike, sees one clock, to the millisecond.
 */
export function freezeClock(at: number): { advance(ms: number): number } {
  let now = at;
  Date.now = () => now;
  return {
    advance: (ms) => {
      now += ms;
      return now;
    },
  };
}

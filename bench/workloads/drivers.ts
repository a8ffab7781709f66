/**
 * Runs `task(0) ... task(total - 1)` with at most `concurrency` in flight. The first failure
 * stops new tasks from starting and rejects once, with that failure.
 */
export async function runConcurrent(
  total: number,
  concurrency: number,
  task: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < total) {
      const index = next++;
      try {
        await task(index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
}

/** How many sequential calls run before the loop yields one turn of the event loop. */
const CALLS_PER_TURN = 100;

/**
 * Runs `task(0) ... task(count - 1)` one after the other. Every 100 calls it yields one turn
 * of the event loop, as network waits would, so work a client defers (callbacks, cache
 * writes) runs along the way instead of piling up until the end.
 */
export async function runSequential(
  count: number,
  task: (index: number) => Promise<void>,
): Promise<void> {
  for (let index = 0; index < count; index++) {
    await task(index);
    if (index % CALLS_PER_TURN === CALLS_PER_TURN - 1) await nextTurn();
  }
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

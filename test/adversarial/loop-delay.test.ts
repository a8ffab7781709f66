import { describe, expect, it } from 'vitest';
import { maxLoopDelayDuring } from './support.js';

/** Keeps the thread busy for `ms`, as a sparse-array fill or a huge parse would. */
function blockFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy
  }
}

describe('the blocked-loop measure the hostile-input tests rely on', () => {
  it('sees a synchronous block of 400 ms, at least half of it however loaded the machine', async () => {
    const { maxDelayMs } = await maxLoopDelayDuring(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      blockFor(400);
      await new Promise((resolve) => setTimeout(resolve, 20));
    });
    expect(maxDelayMs).toBeGreaterThan(200);
  });

  it('does not count a wait in which the process did nothing', async () => {
    const { maxDelayMs } = await maxLoopDelayDuring(
      () => new Promise((resolve) => setTimeout(resolve, 300)),
    );
    expect(maxDelayMs).toBeLessThan(100);
  });
});

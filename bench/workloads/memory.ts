import type { BenchConfig } from '../config.js';
import { shallotFull } from '../contenders/index.js';
import { collectGarbage, MemoryProbe, withTimeout } from '../measure.js';
import { SCENARIOS } from '../scenarios.js';
import { slope } from '../stats.js';
import { expectReply, promptOf } from '../wire.js';
import { runConcurrent } from './drivers.js';

/** The heap after a full GC, every `step` calls. */
export interface MemoryResult {
  calls: number;
  step: number;
  /** Heap in use after the warm-up and a full GC, before the first measured call. */
  startHeapBytes: number;
  samples: Array<{ calls: number; heapBytes: number }>;
  peakRssBytes: number;
  /** Least-squares growth of the heap per `step` calls, over the samples after `settledSteps`. */
  growthBytesPerStep: number;
  settledSteps: number;
}

/**
 * Many calls through a fresh "shallot full" client (`concurrency` in flight), in steps: after
 * each step, `client.flush()`, a full GC, and the heap in use. A leak shows as growth that
 * goes on after the cache (1,000 entries by default) and the pools have filled.
 */
export async function runMemory(
  config: BenchConfig,
  apiBase: string,
  log: (line: string) => void,
): Promise<MemoryResult> {
  const { warmUpCalls, calls, step, settledSteps } = config.memory;
  const contender = shallotFull({ apiBase, scenario: SCENARIOS.bench });
  const probe = new MemoryProbe();
  const batch = async (first: number, count: number) => {
    await runConcurrent(count, config.concurrency, async (index) => {
      expectReply(contender.name, await contender.plain(promptOf(first + index)));
      if (index % 500 === 0) probe.sample();
    });
    await contender.settle?.();
    await contender.reset?.();
  };
  try {
    await withTimeout(batch(0, warmUpCalls), config.runTimeoutMs, 'memory warm-up');
    collectGarbage();
    const startHeapBytes = process.memoryUsage().heapUsed;
    const samples: MemoryResult['samples'] = [];
    for (let done = 0; done < calls; done += step) {
      await withTimeout(
        batch(warmUpCalls + done, step),
        config.runTimeoutMs,
        `memory calls ${done}+`,
      );
      collectGarbage();
      samples.push({ calls: done + step, heapBytes: process.memoryUsage().heapUsed });
      probe.sample();
    }
    log(`  memory: ${calls.toLocaleString('en-US')} calls done`);
    const settled = samples.slice(settledSteps);
    return {
      calls,
      step,
      startHeapBytes,
      samples,
      peakRssBytes: probe.peakRssBytes,
      growthBytesPerStep:
        settled.length >= 2
          ? slope(
              settled.map((sample) => sample.calls / step),
              settled.map((sample) => sample.heapBytes),
            )
          : Number.NaN,
      settledSteps,
    };
  } finally {
    await contender.close();
  }
}

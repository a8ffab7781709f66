import { cpus } from 'node:os';

/** One timed run of one contender (or client) doing `units` calls or chunks. */
export interface Run {
  units: number;
  seconds: number;
  /** User and system CPU time of this process over the run, all threads. */
  cpuMicros: number;
  /** The largest resident set size sampled during the run. */
  peakRssBytes: number;
  /** The largest V8 heap in use sampled during the run, garbage not yet collected included. */
  peakHeapBytes: number;
  /** CPU time of the fake server's process over the run, when it was measured. */
  serverCpuMicros?: number;
  /** CPU time of every process on the machine over the run (10 ms grain). */
  machineCpuMicros: number;
}

/** The CPU time every core of the machine has spent busy since boot, in microseconds. */
export function machineBusyMicros(): number {
  let milliseconds = 0;
  for (const core of cpus()) {
    milliseconds += core.times.user + core.times.nice + core.times.sys + core.times.irq;
  }
  return milliseconds * 1000;
}

/**
 * The share of one core that other processes used during a run: the machine's busy time less
 * the benchmark's and the fake server's. Far above 0, the figures of that run are disturbed.
 */
export function otherProcessesShare(run: Run): number {
  const others = run.machineCpuMicros - run.cpuMicros - (run.serverCpuMicros ?? 0);
  return Math.max(0, others) / 1e6 / run.seconds;
}

/** A run during which other processes used more than this share of a core is repeated. */
const DISTURBED_SHARE = 0.25;
/** The most times one run is repeated. */
const MAX_REPEATS = 2;

/** A kept run, and how many disturbed attempts were thrown away before it. */
export interface SteadyRun {
  run: Run;
  repeats: number;
}

/**
 * Measures with `attempt(0)`, then again with `attempt(1)` and `attempt(2)` while other
 * processes on the machine used more than a quarter of a core during the attempt: on a shared
 * machine a burst of load then costs time, not accuracy. The last attempt is kept whatever its
 * load, and the report shows the load of the kept runs.
 */
export async function steadyRun(
  label: string,
  attempt: (index: number) => Promise<Run>,
  log: (line: string) => void,
): Promise<SteadyRun> {
  let run = await attempt(0);
  let repeats = 0;
  while (repeats < MAX_REPEATS && otherProcessesShare(run) > DISTURBED_SHARE) {
    repeats++;
    const share = Math.round(otherProcessesShare(run) * 100);
    log(`  ${label}: other processes used ${share} % of a core, repeating`);
    run = await attempt(repeats);
  }
  return { run, repeats };
}

/** Keeps the peaks of RSS and heap over the samples it is asked to take. */
export class MemoryProbe {
  peakRssBytes = 0;
  peakHeapBytes = 0;

  /** Reads the process's memory now. Cheap enough to call every few hundred calls. */
  sample(): void {
    const usage = process.memoryUsage();
    if (usage.rss > this.peakRssBytes) this.peakRssBytes = usage.rss;
    if (usage.heapUsed > this.peakHeapBytes) this.peakHeapBytes = usage.heapUsed;
  }
}

/** Runs a full garbage collection; the benchmark needs `node --expose-gc`. */
export function collectGarbage(): void {
  if (typeof globalThis.gc !== 'function') {
    throw new Error('run the benchmark with node --expose-gc (npm run bench does)');
  }
  globalThis.gc();
}

/**
 * Times `work`: wall time, CPU time and sampled memory peaks. Fails with a message naming
 * `label` when the work takes longer than `timeoutMs`, instead of hanging.
 *
 * No garbage collection is forced first: right after a forced full GC V8 has shrunk the young
 * generation, and the next few thousand calls pay for growing it back (measured on the 2-core
 * machine: the floor's 20-chunk streams at 116 to 139 µs of CPU each instead of 52 to 57).
 * Each contender runs in a process of its own, so the heap it measures is its own anyway.
 */
export async function measureRun(
  label: string,
  units: number,
  timeoutMs: number,
  work: (probe: MemoryProbe) => Promise<void>,
): Promise<Run> {
  const probe = new MemoryProbe();
  probe.sample();
  const machineBefore = machineBusyMicros();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await withTimeout(work(probe), timeoutMs, label);
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const machineCpuMicros = machineBusyMicros() - machineBefore;
  probe.sample();
  return {
    units,
    seconds,
    cpuMicros: cpu.user + cpu.system,
    peakRssBytes: probe.peakRssBytes,
    peakHeapBytes: probe.peakHeapBytes,
    machineCpuMicros,
  };
}

/** Rejects with a clear message when `work` has not settled after `timeoutMs`. */
export async function withTimeout<T>(
  work: Promise<T>,
  timeoutMs: number,
  label: string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${label} did not finish within ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

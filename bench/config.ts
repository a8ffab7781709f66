/** The workloads, by the names `--only` takes. */
export const WORKLOAD_IDS = [
  'plain',
  'stream20',
  'stream2000',
  'ref-plain',
  'ref-stream20',
  'ref-stream2000',
  'embeddings',
  'gateway',
  'overhead',
  'cache-hit',
  'memory',
  'dashboard',
] as const;

/** One workload's name. */
export type WorkloadId = (typeof WORKLOAD_IDS)[number];

/** The workloads the contenders run, each in its own process, round after round. */
export type ContenderWorkloadId = Exclude<
  WorkloadId,
  'gateway' | 'overhead' | 'cache-hit' | 'memory' | 'dashboard'
>;

/**
 * The ways the contender workloads call the fake server (see scenarios.ts): this benchmark's
 * own (`plain`, `stream20`, `stream2000`), the one an independent harness uses (`ref-plain`,
 * `ref-stream20`, `ref-stream2000`), and embeddings (`embeddings`).
 */
export type ScenarioId = 'bench' | 'reference' | 'embeddings';

/** The contenders, by the names `--contenders` takes; the floor, `undici`, always runs. */
export const CONTENDER_IDS = [
  'undici',
  'shallot-bare',
  'shallot-full',
  'shallot-float32',
  'openai',
  'ai-sdk',
] as const;

/** One contender's name on the command line. */
export type ContenderId = (typeof CONTENDER_IDS)[number];

/** How much work each workload does: the full run's sizes, or `--quick`'s. */
export interface BenchConfig {
  mode: 'full' | 'quick';
  /** Rounds of the contender workloads. */
  rounds: number;
  /** Calls in flight at once in the concurrent workloads. */
  concurrency: number;
  /** Longest any one measured run may take before the benchmark fails. */
  runTimeoutMs: number;
  plain: { warmUpCalls: number; calls: number };
  stream20: { warmUpCalls: number; calls: number };
  stream2000: { warmUpCalls: number; calls: number };
  /** Calls of 100 inputs, `concurrency` in flight: each answer is 0.8 MB (base64) or 1.9 MB (floats). */
  embeddings: { warmUpCalls: number; calls: number; concurrency: number };
  /**
   * The gateway workload (bench/gateway/): plain calls and 20-chunk streams `concurrency` in
   * flight to each target, then `latencyCalls` one at a time of each kind.
   */
  gateway: {
    plain: { warmUpCalls: number; calls: number };
    stream20: { warmUpCalls: number; calls: number };
    latencyCalls: number;
  };
  overhead: { warmUpCalls: number; calls: number; rounds: number; layers: number };
  cacheHit: { warmUpCalls: number; runs: number; hitsPerRun: number };
  memory: { warmUpCalls: number; calls: number; step: number; settledSteps: number };
}

/** The default run: about 6 minutes on a 2-core machine. */
export const FULL: BenchConfig = {
  mode: 'full',
  rounds: 5,
  concurrency: 64,
  runTimeoutMs: 120_000,
  plain: { warmUpCalls: 5_000, calls: 20_000 },
  stream20: { warmUpCalls: 2_000, calls: 5_000 },
  stream2000: { warmUpCalls: 10, calls: 40 },
  embeddings: { warmUpCalls: 150, calls: 300, concurrency: 8 },
  gateway: {
    plain: { warmUpCalls: 4_000, calls: 10_000 },
    stream20: { warmUpCalls: 1_500, calls: 4_000 },
    latencyCalls: 2_000,
  },
  overhead: { warmUpCalls: 5_000, calls: 5_000, rounds: 15, layers: 10 },
  cacheHit: { warmUpCalls: 5_000, runs: 5, hitsPerRun: 10_000 },
  memory: { warmUpCalls: 2_000, calls: 100_000, step: 10_000, settledSteps: 2 },
};

/** `--quick`: the same workloads, small, as a smoke check. */
export const QUICK: BenchConfig = {
  mode: 'quick',
  rounds: 2,
  concurrency: 64,
  runTimeoutMs: 60_000,
  plain: { warmUpCalls: 800, calls: 1_000 },
  stream20: { warmUpCalls: 200, calls: 300 },
  stream2000: { warmUpCalls: 2, calls: 3 },
  embeddings: { warmUpCalls: 20, calls: 40, concurrency: 8 },
  gateway: {
    plain: { warmUpCalls: 500, calls: 1_000 },
    stream20: { warmUpCalls: 200, calls: 300 },
    latencyCalls: 200,
  },
  overhead: { warmUpCalls: 2_000, calls: 3_000, rounds: 3, layers: 10 },
  cacheHit: { warmUpCalls: 1_000, runs: 2, hitsPerRun: 5_000 },
  memory: { warmUpCalls: 500, calls: 10_000, step: 2_000, settledSteps: 2 },
};

import type { BenchConfig } from '../config.js';
import type { Run } from '../measure.js';
import { type MedianAndMax, median, relativeSpread } from '../stats.js';

/** The calls the gateway workload sends: plain, and 20-chunk streams. */
export type GatewayCallKind = 'plain' | 'stream20';

/** One target's throughput in one kind of call, `concurrency` in flight. */
export interface ThroughputFigure {
  kind: GatewayCallKind;
  target: string;
  /** Median over the rounds of calls per second. */
  rate: number;
  /** Median over the rounds of the rate divided by the direct calls' rate in the same round. */
  ratio: number;
  /** The lowest and the highest of those per-round ratios. */
  ratioRange: [number, number];
  /** (slowest − fastest round) / median of the rates. */
  rateSpread: number;
  /** Median CPU µs per call of the gateway's process (0 for direct calls). */
  gatewayCpuMicros: number;
  /** Median CPU µs per call of the load (this process). */
  loadCpuMicros: number;
  /** Median share of one core the fake server used during the runs. */
  serverBusy: number;
}

/** One target's latency in one kind of call, one call in flight. */
export interface LatencyFigure {
  kind: GatewayCallKind;
  target: string;
  /** Median over the rounds of the run's median latency, µs (a stream: to its `[DONE]`). */
  medianMicros: number;
  /** Median over the rounds of the run's 90th percentile, µs. */
  p90Micros: number;
  /** Median over the rounds of (this median − the direct calls' median in the same round), µs. */
  addedMicros: number;
  /** The lowest and the highest of those per-round differences. */
  addedRange: [number, number];
  /** Median CPU µs per call of the gateway's process. */
  gatewayCpuMicros: number;
}

/** What the gateway workload measured (see bench/README.md, "Gateway"). */
export interface GatewayResult {
  rounds: number;
  concurrency: number;
  sizes: BenchConfig['gateway'];
  throughput: ThroughputFigure[];
  latency: LatencyFigure[];
  /** Targets that could not run a kind of call (Portkey's streams), with the first error. */
  failures: Array<{ target: string; kind: GatewayCallKind; error: string }>;
  /** Share of one core other processes used, over every kept run. */
  otherLoad: MedianAndMax;
  /** Disturbed runs measured again. */
  repeats: number;
}

/** A measured run, with the load's and the gateway's CPU apart. */
export interface GatewayRun extends Run {
  loadCpuMicros: number;
  gatewayCpuMicros: number;
  /** Each call's latency in µs, for the runs of one call in flight. */
  latencies?: number[];
}

/** A target's throughput over its rounds, each round's rate against the direct calls' in it. */
export function throughputFigure(
  kind: GatewayCallKind,
  target: string,
  runs: readonly GatewayRun[],
  floorRates: readonly number[],
): ThroughputFigure {
  const rates = runs.map(rateOf);
  const ratios = rates.map((rate, round) => rate / (floorRates[round] as number));
  return {
    kind,
    target,
    rate: median(rates),
    ratio: median(ratios),
    ratioRange: [Math.min(...ratios), Math.max(...ratios)],
    rateSpread: relativeSpread(rates),
    gatewayCpuMicros: median(runs.map((run) => run.gatewayCpuMicros / run.units)),
    loadCpuMicros: median(runs.map((run) => run.loadCpuMicros / run.units)),
    serverBusy: median(runs.map((run) => (run.serverCpuMicros ?? 0) / 1e6 / run.seconds)),
  };
}

/** A target's latency over its rounds, each round's median against the direct calls' in it. */
export function latencyFigure(
  kind: GatewayCallKind,
  target: string,
  runs: readonly GatewayRun[],
  floorMedians: readonly number[],
): LatencyFigure {
  const medians = runs.map(medianLatencyOf);
  const added = medians.map((value, round) => value - (floorMedians[round] as number));
  return {
    kind,
    target,
    medianMicros: median(medians),
    p90Micros: median(runs.map((run) => quantile(run.latencies ?? [], 0.9))),
    addedMicros: median(added),
    addedRange: [Math.min(...added), Math.max(...added)],
    gatewayCpuMicros: median(runs.map((run) => run.gatewayCpuMicros / run.units)),
  };
}

/** Calls per second of a run. */
export function rateOf(run: Run): number {
  return run.units / run.seconds;
}

/** The median latency of a run of one call in flight, µs. */
export function medianLatencyOf(run: GatewayRun): number {
  return median(run.latencies ?? []);
}

/** The `q` quantile of a non-empty list (nearest rank). */
function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number;
}

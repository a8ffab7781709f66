import { otherProcessesShare, type Run, steadyRun } from '../measure.js';
import { type MedianAndMax, max, median, medianAndMax, relativeSpread } from '../stats.js';
import type { ContenderWorkload } from './contender-workloads.js';

/** What the comparison needs of a contender: its name for the tables. */
type Named = { readonly name: string };

/** One contender's figures in one workload: medians over the rounds. */
export interface ContenderSummary {
  name: string;
  /** Median calls (or chunks) per second. */
  rate: number;
  /** `rate` divided by the floor's. */
  rateRatio: number;
  /** (max - min) / median of the per-round rates. */
  rateSpread: number;
  /** Median CPU microseconds per call (or chunk). */
  cpuMicrosPerUnit: number;
  /** `cpuMicrosPerUnit` divided by the floor's. */
  cpuRatio: number;
  peakRssBytes: number;
  peakHeapBytes: number;
  /** Median share of one core the fake server used during the runs; near 1 means it limited the rate. */
  serverBusy: number;
  runs: Run[];
}

/** A workload's result: every contender, the floor first. */
export interface WorkloadSummary {
  id: ContenderWorkload['id'];
  title: string;
  unit: ContenderWorkload['unit'];
  rounds: number;
  unitsPerRun: number;
  contenders: ContenderSummary[];
  /** Share of one core other processes used, over every kept run of the workload. */
  otherLoad: MedianAndMax;
  /** Disturbed runs measured again. */
  repeats: number;
}

/**
 * Warms every contender up, then runs `rounds` rounds; each round runs every contender once,
 * starting one further along the list each time, so drift (thermal, GC, the server's own
 * warm-up) hits all alike. The first contender is the floor the ratios are taken to.
 */
export async function compare<C extends Named>(
  workload: ContenderWorkload<C>,
  contenders: readonly C[],
  rounds: number,
  log: (line: string) => void,
): Promise<WorkloadSummary> {
  for (const contender of contenders) {
    await failLoudly(contender, `${workload.id} warm-up`, () => workload.warmUp(contender));
  }
  const runs = new Map<C, Run[]>(contenders.map((contender) => [contender, []]));
  let repeats = 0;
  for (let round = 1; round <= rounds; round++) {
    const order = contenders.map(
      (_, index) => contenders[(index + round - 1) % contenders.length] as C,
    );
    const line: string[] = [];
    for (const contender of order) {
      const label = `${contender.name} ${workload.id} round ${round}`;
      const kept = await failLoudly(contender, `${workload.id} round ${round}`, () =>
        steadyRun(label, (attempt) => workload.run(contender, round, attempt), log),
      );
      const run = kept.run;
      repeats += kept.repeats;
      runs.get(contender)?.push(run);
      line.push(
        `${contender.name} ${Math.round(run.units / run.seconds).toLocaleString('en-US')}/s`,
      );
    }
    log(`  ${workload.id} round ${round}/${rounds}: ${line.join(', ')}`);
  }
  return { ...summarize(workload, contenders, rounds, runs), repeats };
}

/** Names the contender and the step in the error of a contender that failed. */
async function failLoudly<T>(contender: Named, step: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`contender "${contender.name}" failed in ${step}: ${reason}`, { cause: error });
  }
}

function summarize<C extends Named>(
  workload: ContenderWorkload<C>,
  contenders: readonly C[],
  rounds: number,
  runs: Map<C, Run[]>,
): Omit<WorkloadSummary, 'repeats'> {
  const figures = contenders.map((contender) => {
    const own = runs.get(contender) ?? [];
    const rates = own.map((run) => run.units / run.seconds);
    return {
      name: contender.name,
      runs: own,
      rate: median(rates),
      rateSpread: relativeSpread(rates),
      cpuMicrosPerUnit: median(own.map((run) => run.cpuMicros / run.units)),
      peakRssBytes: max(own.map((run) => run.peakRssBytes)),
      peakHeapBytes: max(own.map((run) => run.peakHeapBytes)),
      serverBusy: median(own.map((run) => (run.serverCpuMicros ?? Number.NaN) / 1e6 / run.seconds)),
    };
  });
  const floor = figures[0];
  if (floor === undefined) throw new Error('no contenders to compare');
  return {
    id: workload.id,
    title: workload.title,
    unit: workload.unit,
    rounds,
    unitsPerRun: floor.runs[0]?.units ?? 0,
    otherLoad: medianAndMax(figures.flatMap((figure) => figure.runs.map(otherProcessesShare))),
    contenders: figures.map((figure) => ({
      ...figure,
      rateRatio: figure.rate / floor.rate,
      cpuRatio: figure.cpuMicrosPerUnit / floor.cpuMicrosPerUnit,
    })),
  };
}

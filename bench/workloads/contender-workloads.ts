import type { BenchConfig, ContenderWorkloadId } from '../config.js';
import type { Contender } from '../contenders/index.js';
import type { RemoteContender } from '../contenders/remote.js';
import {
  EMBEDDING_DIMENSIONS,
  EMBEDDING_INPUTS,
  embeddingInputsOf,
  expectEmbeddings,
} from '../embedding-wire.js';
import { type MemoryProbe, measureRun, type Run, withTimeout } from '../measure.js';
import type { Scenario, WorkloadKind } from '../scenarios.js';
import type { FakeServer } from '../server-process.js';
import { expectReply, expectStream, LONG_STREAM_PIECES } from '../wire.js';
import { runConcurrent, runSequential } from './drivers.js';

/** A workload every contender runs, round after round. */
export interface ContenderWorkload<C = Contender> {
  id: ContenderWorkloadId;
  title: string;
  /** What `Run.units` counts: calls, or streamed chunks. */
  unit: 'call' | 'chunk';
  /** Untimed calls that let the JIT and the connection pool settle; they check answers too. */
  warmUp(contender: C): Promise<void>;
  /**
   * A few untimed calls right before a timed run. A contender idle while the others ran had
   * its heap shrunk and its code aged by V8's idle-time collections: measured, the one that
   * had waited longest ran up to a third slower, whoever it was.
   */
  rewarm(contender: C, round: number, attempt: number): Promise<void>;
  /**
   * One timed run; every contender sends the same prompts in the same round. A repeated
   * attempt of a disturbed run (`attempt` > 0) sends new prompts, so caches still miss.
   */
  run(contender: C, round: number, attempt: number): Promise<Run>;
}

/** What the workloads read of the fake server: its CPU time, to show it is not the bottleneck. */
type ServerMeter = Pick<FakeServer, 'cpuMicros'>;

/** One call of a workload, checked: it throws unless the whole answer arrived. */
type Call = (contender: Contender, id: number) => Promise<void>;

/** Prompt ids per round: round r uses ids r·ROUND_IDS + i, the warm-up is round 0. */
const ROUND_IDS = 1_000_000;
/** Rounds apart of the prompts of a repeated attempt: attempt a of round r uses round r + a·100. */
const ATTEMPT_ROUNDS = 100;
/** How often a concurrent run samples memory, in calls. */
const SAMPLE_EVERY = 500;
/** Index offset of the calls that rewarm a contender, past any run's own calls. */
const REWARM_IDS = 900_000;

/**
 * A scenario's workloads, of the kinds it runs: plain calls, 20-chunk streams, 2,000-chunk
 * streams, embeddings.
 */
export function scenarioWorkloads(
  config: BenchConfig,
  server: ServerMeter,
  scenario: Scenario,
): ContenderWorkload[] {
  const builders: Record<WorkloadKind, (id: ContenderWorkloadId) => ContenderWorkload> = {
    plain: (id) => plainWorkload(id, config, server, scenario),
    stream20: (id) => shortStreamWorkload(id, config, server, scenario),
    stream2000: (id) => longStreamWorkload(id, config, server, scenario),
    embeddings: (id) => embeddingsWorkload(id, config, server),
  };
  return (Object.keys(builders) as WorkloadKind[]).flatMap((kind) => {
    const id = scenario.workloads[kind];
    return id === undefined ? [] : [builders[kind](id)];
  });
}

/**
 * Non-streamed calls, `concurrency` in flight. Every prompt is new, so shallot full's
 * cache never answers: it misses and stores, as it would for fresh traffic.
 */
function plainWorkload(
  id: ContenderWorkloadId,
  config: BenchConfig,
  server: ServerMeter,
  scenario: Scenario,
): ContenderWorkload {
  const title = `${id}: ${scenario.label}non-streamed calls, ${config.concurrency} in flight`;
  const call: Call = async (contender, index) =>
    expectReply(contender.name, await contender.plain(scenario.promptOf(index)), scenario.reply);
  return concurrentWorkload(id, title, config, server, config.plain, 0, call);
}

/** 20-chunk streams read to the end, `concurrency` in flight. */
function shortStreamWorkload(
  id: ContenderWorkloadId,
  config: BenchConfig,
  server: ServerMeter,
  scenario: Scenario,
): ContenderWorkload {
  const title = `${id}: ${scenario.label}20-chunk streams, ${config.concurrency} in flight`;
  const call: Call = async (contender, index) =>
    expectStream(
      contender.name,
      await contender.stream(scenario.promptOf(index)),
      scenario.shortStream,
    );
  // The cache key ignores `stream`, so these prompts must differ from the plain workload's.
  return concurrentWorkload(id, title, config, server, config.stream20, 500 * ROUND_IDS, call);
}

/** One stream of 2,000 content chunks at a time, a few in a row; measured in chunks. */
function longStreamWorkload(
  id: ContenderWorkloadId,
  config: BenchConfig,
  server: ServerMeter,
  scenario: Scenario,
): ContenderWorkload {
  const { calls, warmUpCalls } = config.stream2000;
  const longStreamCall: Call = async (contender, index) =>
    expectStream(
      contender.name,
      await contender.stream(scenario.longPromptOf(index)),
      scenario.longStream,
    );
  return {
    id,
    title: `${id}: ${scenario.label}one ${LONG_STREAM_PIECES}-chunk stream at a time, ${calls} per run`,
    unit: 'chunk',
    warmUp: (contender) =>
      untimed(contender, config, `${contender.name} ${id} warm-up`, () =>
        runSequential(warmUpCalls, (index) => longStreamCall(contender, index)),
      ),
    run: (contender, round, attempt) =>
      timed(
        contender,
        config,
        server,
        `${contender.name} ${id} round ${round}`,
        calls * LONG_STREAM_PIECES,
        (probe) =>
          runSequential(calls, async (index) => {
            const promptId = (round + attempt * ATTEMPT_ROUNDS) * ROUND_IDS + index;
            await longStreamCall(contender, promptId);
            probe.sample();
          }),
      ),
    rewarm: (contender, round, attempt) =>
      untimed(contender, config, `${contender.name} ${id} rewarm`, () =>
        runSequential(Math.ceil(calls / 5), (index) =>
          longStreamCall(
            contender,
            (round + attempt * ATTEMPT_ROUNDS) * ROUND_IDS + REWARM_IDS + index,
          ),
        ),
      ),
  };
}

/**
 * Embedding calls of 100 new inputs each, a few in flight (each answer is 0.8 MB of base64 or
 * 1.9 MB of floats), every answer's vectors checked. The inputs are new in every call, so
 * shallot full's cache misses all of them, and stores them.
 */
function embeddingsWorkload(
  id: ContenderWorkloadId,
  config: BenchConfig,
  server: ServerMeter,
): ContenderWorkload {
  const { concurrency } = config.embeddings;
  const title = `${id}: ${EMBEDDING_INPUTS} inputs × ${EMBEDDING_DIMENSIONS} dimensions per call, ${concurrency} in flight`;
  const call: Call = async (contender, index) => {
    if (contender.embed === undefined) throw new Error(`${contender.name} cannot embed`);
    expectEmbeddings(contender.name, await contender.embed(embeddingInputsOf(index)));
  };
  return concurrentWorkload(id, title, config, server, config.embeddings, 0, call);
}

function concurrentWorkload(
  id: ContenderWorkloadId,
  title: string,
  config: BenchConfig,
  server: ServerMeter,
  sizes: { warmUpCalls: number; calls: number; concurrency?: number },
  offset: number,
  call: Call,
): ContenderWorkload {
  const concurrency = sizes.concurrency ?? config.concurrency;
  const idOf = (round: number, index: number) => offset + round * ROUND_IDS + index;
  return {
    id,
    title,
    unit: 'call',
    warmUp: (contender) =>
      untimed(contender, config, `${contender.name} ${id} warm-up`, () =>
        runConcurrent(sizes.warmUpCalls, concurrency, (index) => call(contender, idOf(0, index))),
      ),
    run: (contender, round, attempt) =>
      timed(
        contender,
        config,
        server,
        `${contender.name} ${id} round ${round}`,
        sizes.calls,
        (probe) =>
          runConcurrent(sizes.calls, concurrency, async (index) => {
            await call(contender, idOf(round + attempt * ATTEMPT_ROUNDS, index));
            if (index % SAMPLE_EVERY === 0) probe.sample();
          }),
      ),
    rewarm: (contender, round, attempt) =>
      untimed(contender, config, `${contender.name} ${id} rewarm`, () =>
        runConcurrent(Math.ceil(sizes.calls / 5), concurrency, (index) =>
          call(contender, idOf(round + attempt * ATTEMPT_ROUNDS, REWARM_IDS + index)),
        ),
      ),
  };
}

/** Times the calls and the contender's `settle()`; `reset()` runs after, untimed. */
async function timed(
  contender: Contender,
  config: BenchConfig,
  server: ServerMeter,
  label: string,
  units: number,
  calls: (probe: MemoryProbe) => Promise<void>,
): Promise<Run> {
  // Read outside the timed window: the server is idle then, so the difference is the run's.
  const serverBefore = await server.cpuMicros();
  const run = await measureRun(label, units, config.runTimeoutMs, async (probe) => {
    await calls(probe);
    await contender.settle?.();
  });
  const serverCpuMicros = (await server.cpuMicros()) - serverBefore;
  await contender.reset?.();
  return { ...run, serverCpuMicros };
}

async function untimed(
  contender: Contender,
  config: BenchConfig,
  label: string,
  calls: () => Promise<void>,
): Promise<void> {
  const work = async () => {
    await calls();
    await contender.settle?.();
  };
  await withTimeout(work(), config.runTimeoutMs, label);
  await contender.reset?.();
}

/**
 * `workload` run in each contender's own process (see `contender-process.ts`): the runs are
 * measured there, the fake server's CPU here, around each run, while the server is idle.
 */
export function inContenderProcesses(
  workload: ContenderWorkload,
  server: ServerMeter,
): ContenderWorkload<RemoteContender> {
  return {
    id: workload.id,
    title: workload.title,
    unit: workload.unit,
    warmUp: (contender) => contender.warmUp(workload.id),
    rewarm: (contender, round, attempt) => contender.rewarm(workload.id, round, attempt),
    run: async (contender, round, attempt) => {
      await contender.rewarm(workload.id, round, attempt);
      const before = await server.cpuMicros();
      const run = await contender.run(workload.id, round, attempt);
      return { ...run, serverCpuMicros: (await server.cpuMicros()) - before };
    },
  };
}

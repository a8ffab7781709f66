/**
 * One contender in a process of its own, driven by the benchmark over IPC: it warms up and
 * runs the workloads it is told to, and answers each request with its measured `Run`. A
 * contender alone in its process has the heap, the garbage collector and the JIT to itself,
 * as in an application that uses one client; sharing one process, each one's leftovers
 * (allocation sites V8 had decided to pretenure, polymorphic shared code in undici) slowed
 * the next, by up to half.
 *
 * Arguments: the contender's id, the scenario, the fake server's base URL for it, and `full`
 * or `quick`. A contender runs one scenario per process: the reference scenario's clients are
 * built differently, and should not share a JIT with the others.
 */
import { type ContenderId, FULL, QUICK, type ScenarioId } from './config.js';
import { createContenders } from './contenders/index.js';
import type { RemoteReply, RemoteRequest } from './contenders/remote.js';
import { collectGarbage, type Run } from './measure.js';
import { SCENARIOS } from './scenarios.js';
import { type ContenderWorkload, scenarioWorkloads } from './workloads/contender-workloads.js';

const [id, scenarioId, apiBase, mode] = process.argv.slice(2) as [
  ContenderId,
  ScenarioId,
  string,
  string,
];
const config = mode === 'quick' ? QUICK : FULL;
const scenario = SCENARIOS[scenarioId];
collectGarbage(); // fails early without --expose-gc
const [contender] = createContenders({ apiBase, scenario }, [id]);
if (contender === undefined) throw new Error(`unknown contender ${id}`);
// The parent measures the fake server's CPU around each run; here it is not known.
const noServer = { cpuMicros: async () => 0 };
const workloads = new Map<string, ContenderWorkload>(
  scenarioWorkloads(config, noServer, scenario).map((workload) => [workload.id, workload]),
);

async function handle(request: RemoteRequest): Promise<Run | undefined> {
  if (request.op === 'close') {
    await contender?.close();
    return undefined;
  }
  const workload = workloads.get(request.workload);
  if (workload === undefined || contender === undefined) {
    throw new Error(`unknown workload ${request.workload}`);
  }
  if (request.op === 'warmUp') {
    await workload.warmUp(contender);
    return undefined;
  }
  if (request.op === 'rewarm') {
    await workload.rewarm(contender, request.round, request.attempt);
    return undefined;
  }
  return workload.run(contender, request.round, request.attempt);
}

process.on('message', (message) => {
  const request = message as RemoteRequest;
  handle(request).then(
    (result) => {
      process.send?.({ seq: request.seq, ok: true, result } satisfies RemoteReply);
      if (request.op === 'close') process.disconnect();
    },
    (error: unknown) => {
      const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
      process.send?.({ seq: request.seq, ok: false, error: text } satisfies RemoteReply);
    },
  );
});
// A baseline's process names itself apart (see `--baseline` in cli.ts).
const name = contender.name + (process.env.SHALLOT_BENCH_LABEL ?? '');
process.send?.({ seq: 0, ok: true, result: name } satisfies RemoteReply);

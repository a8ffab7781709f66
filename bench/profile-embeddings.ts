/**
 * One contender's embeddings workload in this process, for `node --cpu-prof`: the fake server
 * in its own process as in `npm run bench`, the warm-up, then `runs` timed runs of the
 * full-size workload, each printed as calls/s and CPU µs per call.
 *
 * ```sh
 * npm run build
 * TSX_TSCONFIG_PATH=bench/tsconfig.json node --expose-gc --cpu-prof --cpu-prof-dir=/tmp/prof \
 *   --import tsx bench/profile-embeddings.ts shallot-bare 3
 * ```
 */
import { CONTENDER_IDS, type ContenderId, FULL } from './config.js';
import { createContenders } from './contenders/index.js';
import { SCENARIOS } from './scenarios.js';
import { startFakeServer } from './server-process.js';
import { scenarioWorkloads } from './workloads/contender-workloads.js';

const [id = 'shallot-bare', runs = '3'] = process.argv.slice(2);
if (!(CONTENDER_IDS as readonly string[]).includes(id)) {
  throw new Error(`unknown contender ${id}; expected one of ${CONTENDER_IDS.join(', ')}`);
}
const scenario = SCENARIOS.embeddings;
const server = await startFakeServer();
const [contender] = createContenders({ apiBase: `${server.origin}${scenario.apiPath}`, scenario }, [
  id as ContenderId,
]);
const [workload] = scenarioWorkloads(FULL, server, scenario);
if (contender === undefined || workload === undefined) throw new Error('nothing to profile');
try {
  await workload.warmUp(contender);
  for (let round = 1; round <= Number(runs); round++) {
    const run = await workload.run(contender, round, 0);
    const rate = Math.round(run.units / run.seconds);
    const cpu = Math.round(run.cpuMicros / run.units);
    console.error(`${contender.name} run ${round}: ${rate} calls/s, ${cpu} CPU µs/call`);
  }
} finally {
  await contender.close();
  await server.close();
}

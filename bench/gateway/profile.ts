/**
 * One gateway under load, for `node --cpu-prof` of the gateway's process: the fake server and
 * the gateway in their own processes as in `npm run bench -- --only gateway`, a warm-up, then
 * `runs` timed runs of `calls` calls (64 in flight), each printed as calls/s and the gateway's
 * CPU µs per call. The profile is written to `--cpu-prof-dir` when the gateway stops.
 *
 * ```sh
 * npm run build
 * TSX_TSCONFIG_PATH=bench/tsconfig.json node --import tsx bench/gateway/profile.ts \
 *   shallot plain 20000 3 /tmp/gateway-prof
 * ```
 */
import { FULL } from '../config.js';
import { startFakeServer } from '../server-process.js';
import { expectReply, expectStream, promptOf, SHORT_STREAM_PIECES } from '../wire.js';
import { runConcurrent } from '../workloads/drivers.js';
import { startGateway } from './gateways.js';
import { loadOf } from './load.js';
import type { GatewayVariant } from './variants.js';

const VARIANTS: readonly GatewayVariant[] = ['floor', 'shallot', 'shallot-keys', 'portkey'];
const [
  variant = 'shallot',
  kind = 'plain',
  calls = '20000',
  runs = '3',
  dir = '/tmp/gateway-prof',
] = process.argv.slice(2);
if (!(VARIANTS as readonly string[]).includes(variant)) {
  throw new Error(`unknown gateway ${variant}; expected one of ${VARIANTS.join(', ')}`);
}
if (kind !== 'plain' && kind !== 'stream20') {
  throw new Error(`unknown kind ${kind}; expected plain or stream20`);
}
const server = await startFakeServer();
// `-` as the folder: no profile, the gateway's CPU per call as the benchmark sees it.
const target = await startGateway(
  variant as GatewayVariant,
  server.apiBase,
  dir === '-' ? [] : ['--cpu-prof', `--cpu-prof-dir=${dir}`],
);
const load = loadOf(target);
let id = 0;
const call = async () => {
  const prompt = promptOf(id++);
  if (kind === 'plain') expectReply(target.name, await load.plain(prompt));
  else expectStream(target.name, await load.stream(prompt), SHORT_STREAM_PIECES);
};
try {
  await runConcurrent(Number(calls) / 2, FULL.concurrency, call);
  for (let run = 1; run <= Number(runs); run++) {
    const before = await target.cpuMicros();
    const started = performance.now();
    await runConcurrent(Number(calls), FULL.concurrency, call);
    const seconds = (performance.now() - started) / 1000;
    const cpu = ((await target.cpuMicros()) - before) / Number(calls);
    console.error(
      `${target.name} ${kind} run ${run}: ${Math.round(Number(calls) / seconds)} calls/s, ${Math.round(cpu)} gateway CPU µs/call`,
    );
  }
} finally {
  await load.close();
  await target.close();
  await server.close();
}
if (dir !== '-') console.error(`[profile] written to ${dir}`);

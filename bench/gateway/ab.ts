/**
 * Gateways side by side, for telling small changes apart on a noisy machine: the fake server
 * and each gateway in their own processes, then `rounds` rounds of `calls` calls (64 in flight)
 * through each in turn; prints each gateway's median CPU µs per call, and its median ratio to
 * the first gateway's in the same round.
 *
 * A gateway is named by its variant, then optionally `@<node option>` (as many as needed),
 * `%<tsconfig>` (a build of its own: a tsconfig whose paths name another `dist`, to compare a
 * change with the build before it) and `+NAME=value` (its environment: `GW_LIMITS=0`,
 * `GW_KEYS=memory`, see gateway-process.ts).
 *
 * `--paired` before the gateways sends each round's calls to all of them at once instead, call
 * `i` to gateway `i % n`: the machine's changes of speed (which move a round of one gateway by a
 * quarter) then fall on every gateway alike: a gateway against itself read ×1.010 and ×1.027.
 *
 * ```sh
 * npm run build
 * TSX_TSCONFIG_PATH=bench/tsconfig.json node --import tsx bench/gateway/ab.ts \
 *   plain 4000 15 floor shallot shallot-keys shallot-keys+GW_LIMITS=0
 * TSX_TSCONFIG_PATH=bench/tsconfig.json node --import tsx bench/gateway/ab.ts \
 *   plain 8000 12 --paired shallot-keys+GW_LIMITS=0 shallot-keys
 * ```
 */
import { FULL } from '../config.js';
import { startFakeServer } from '../server-process.js';
import { median } from '../stats.js';
import { expectReply, expectStream, promptOf, SHORT_STREAM_PIECES } from '../wire.js';
import { runConcurrent } from '../workloads/drivers.js';
import { startGateway } from './gateways.js';
import { loadOf } from './load.js';
import type { GatewayVariant } from './variants.js';

const [kind = 'plain', calls = '4000', rounds = '15', ...given] = process.argv.slice(2);
if (kind !== 'plain' && kind !== 'stream20') throw new Error(`unknown kind ${kind}`);
const paired = given[0] === '--paired';
const variants = paired ? given.slice(1) : given;
const server = await startFakeServer();
const targets = await Promise.all(
  (variants.length > 0 ? variants : ['floor', 'shallot']).map(async (spec) => {
    const [withEnv = '', ...assignments] = spec.split('+');
    const [withOptions = '', tsconfig] = withEnv.split('%');
    const [variant, ...nodeOptions] = withOptions.split('@');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...(tsconfig === undefined ? {} : { TSX_TSCONFIG_PATH: tsconfig }),
      ...Object.fromEntries(assignments.map((assignment) => assignment.split('='))),
    };
    const target = await startGateway(variant as GatewayVariant, server.apiBase, nodeOptions, env);
    const extra = [...nodeOptions, ...(tsconfig === undefined ? [] : [tsconfig]), ...assignments];
    return extra.length === 0 ? target : { ...target, name: `${target.name} ${extra.join(' ')}` };
  }),
);
const loads = targets.map(loadOf);
let id = 0;
/** One checked call through the gateway at `index`. */
const call = async (index: number) => {
  const target = targets[index] as (typeof targets)[number];
  const load = loads[index] as (typeof loads)[number];
  const prompt = promptOf(id++);
  if (kind === 'plain') expectReply(target.name, await load.plain(prompt));
  else expectStream(target.name, await load.stream(prompt), SHORT_STREAM_PIECES);
};
/** Each gateway's CPU so far, asked one at a time. */
const cpuNow = async () => {
  const now: number[] = [];
  for (const target of targets) now.push(await target.cpuMicros());
  return now;
};
const cpu: number[][] = targets.map(() => []);
try {
  // Round 0 warms up.
  for (let round = 0; round <= Number(rounds); round++) {
    if (paired) {
      const before = await cpuNow();
      await runConcurrent(Number(calls), FULL.concurrency, (index) => call(index % targets.length));
      const after = await cpuNow();
      const share = Number(calls) / targets.length;
      for (let index = 0; round > 0 && index < targets.length; index++) {
        cpu[index]?.push(((after[index] as number) - (before[index] as number)) / share);
      }
      continue;
    }
    for (let index = 0; index < targets.length; index++) {
      const target = targets[index] as (typeof targets)[number];
      const before = await target.cpuMicros();
      await runConcurrent(Number(calls), FULL.concurrency, () => call(index));
      if (round > 0) cpu[index]?.push(((await target.cpuMicros()) - before) / Number(calls));
    }
  }
  const first = cpu[0] as number[];
  targets.forEach((target, index) => {
    const own = cpu[index] as number[];
    const ratio = median(own.map((value, round) => value / (first[round] as number)));
    console.log(
      `${target.name.padEnd(48)} ${median(own).toFixed(1).padStart(7)} µs/call  ×${ratio.toFixed(3)}  (${own.map((value) => value.toFixed(0)).join(' ')})`,
    );
  });
} finally {
  await Promise.all(loads.map((load) => load.close()));
  await Promise.all(targets.map((target) => target.close()));
  await server.close();
}

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
 * ```sh
 * npm run build
 * TSX_TSCONFIG_PATH=bench/tsconfig.json node --import tsx bench/gateway/ab.ts \
 *   plain 4000 15 floor shallot shallot-keys shallot-keys+GW_LIMITS=0
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

const [kind = 'plain', calls = '4000', rounds = '15', ...variants] = process.argv.slice(2);
if (kind !== 'plain' && kind !== 'stream20') throw new Error(`unknown kind ${kind}`);
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
const cpu: number[][] = targets.map(() => []);
try {
  for (let round = 0; round <= Number(rounds); round++) {
    for (let index = 0; index < targets.length; index++) {
      const target = targets[index] as (typeof targets)[number];
      const load = loads[index] as (typeof loads)[number];
      const call = async () => {
        const prompt = promptOf(id++);
        if (kind === 'plain') expectReply(target.name, await load.plain(prompt));
        else expectStream(target.name, await load.stream(prompt), SHORT_STREAM_PIECES);
      };
      const before = await target.cpuMicros();
      await runConcurrent(Number(calls), FULL.concurrency, call);
      // Round 0 warms up.
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

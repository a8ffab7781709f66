import type { BenchConfig } from '../config.js';
import { measureRun, otherProcessesShare, steadyRun, withTimeout } from '../measure.js';
import type { FakeServer } from '../server-process.js';
import { medianAndMax } from '../stats.js';
import { expectReply, expectStream, promptOf, SHORT_STREAM_PIECES } from '../wire.js';
import { runConcurrent, runSequential } from '../workloads/drivers.js';
import { directTarget, startGateway, type Target } from './gateways.js';
import { type Load, loadOf } from './load.js';
import {
  type GatewayCallKind,
  type GatewayResult,
  type GatewayRun,
  type LatencyFigure,
  latencyFigure,
  medianLatencyOf,
  rateOf,
  type ThroughputFigure,
  throughputFigure,
} from './summary.js';
import type { GatewayVariant } from './variants.js';

/** One target, its load, and the kinds of call it runs. */
interface Contender {
  target: Target;
  load: Load;
  kinds: Set<GatewayCallKind>;
  /** A gateway whose failures are reported, not fatal: Portkey's. */
  optional: boolean;
}

const KINDS: readonly GatewayCallKind[] = ['plain', 'stream20'];
const ROUND_IDS = 1_000_000;
const REWARM_IDS = 900_000;

/**
 * The same load sent straight to the fake server and through each gateway in its own process
 * (the floor, the least a Node gateway does, first):
 * plain calls and 20-chunk streams `concurrency` in flight (throughput), then one call at a
 * time (latency). Each run rewarms its target first; rounds rotate the order, as `compare()`.
 */
export async function runGateway(
  config: BenchConfig,
  server: Pick<FakeServer, 'apiBase' | 'cpuMicros'>,
  options: { portkey: boolean },
  log: (line: string) => void,
): Promise<GatewayResult> {
  const variants: GatewayVariant[] = ['floor', 'shallot', 'shallot-keys'];
  if (options.portkey) variants.push('portkey');
  const started = await Promise.allSettled(
    variants.map((variant) => startGateway(variant, server.apiBase)),
  );
  const contenders = [contenderOf(directTarget(server.apiBase), false)];
  started.forEach((start, index) => {
    if (start.status === 'fulfilled')
      contenders.push(contenderOf(start.value, variants[index] === 'portkey'));
  });
  try {
    for (const start of started) if (start.status === 'rejected') throw start.reason;
    const measure = new Measure(config, server, log);
    for (const kind of KINDS) {
      for (const contender of contenders) await measure.warmUp(contender, kind);
      log(`[bench] gateway: ${kind}, ${config.concurrency} in flight`);
      await measure.rounds(contenders, kind, 'throughput');
    }
    for (const kind of KINDS) {
      log(`[bench] gateway: ${kind}, one call at a time`);
      await measure.rounds(contenders, kind, 'latency');
    }
    return measure.result(contenders);
  } finally {
    await Promise.all(contenders.map((contender) => contender.load.close()));
    await Promise.all(contenders.map((contender) => contender.target.close()));
  }
}

function contenderOf(target: Target, optional: boolean): Contender {
  return { target, load: loadOf(target), kinds: new Set(KINDS), optional };
}

type Mode = 'throughput' | 'latency';

/** The runs of every contender, by kind and mode, and how they are taken. */
class Measure {
  readonly #runs = new Map<string, GatewayRun[]>();
  readonly #failures: GatewayResult['failures'] = [];
  #repeats = 0;

  constructor(
    readonly config: BenchConfig,
    readonly server: Pick<FakeServer, 'cpuMicros'>,
    readonly log: (line: string) => void,
  ) {}

  /**
   * Untimed calls, after one alone: an optional gateway that fails that one (or any) is left
   * out of this kind.
   */
  async warmUp(contender: Contender, kind: GatewayCallKind): Promise<void> {
    const { concurrency, gateway, runTimeoutMs } = this.config;
    const label = `${contender.target.name} ${kind} warm-up`;
    const call = callOf(kind);
    const calls = async () => {
      await call(contender, 0);
      await runConcurrent(gateway[kind].warmUpCalls, concurrency, (index) =>
        call(contender, 1 + index),
      );
    };
    try {
      await withTimeout(calls(), runTimeoutMs, label);
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      if (!contender.optional) throw new Error(`${label} failed: ${text}`, { cause: error });
      this.#failures.push({ target: contender.target.name, kind, error: text });
      contender.kinds.delete(kind);
      this.log(`  ${label} failed, left out: ${text}`);
    }
  }

  async rounds(contenders: readonly Contender[], kind: GatewayCallKind, mode: Mode) {
    const running = contenders.filter((contender) => contender.kinds.has(kind));
    for (let round = 1; round <= this.config.rounds; round++) {
      const line: string[] = [];
      for (let step = 0; step < running.length; step++) {
        const contender = running[(step + round - 1) % running.length] as Contender;
        const label = `${contender.target.name} ${kind} ${mode} round ${round}`;
        const kept = await steadyRun(
          label,
          (attempt) =>
            this.#run(contender, kind, mode, (round + attempt * 100) * ROUND_IDS).catch(
              (error: unknown) => {
                throw new Error(`${label} failed: ${(error as Error).message}`, { cause: error });
              },
            ),
          this.log,
        );
        // steadyRun hands back the attempt's own object.
        const run = kept.run as GatewayRun;
        this.#repeats += kept.repeats;
        this.#keyed(contender, kind, mode).push(run);
        line.push(`${contender.target.name} ${describe(run, mode)}`);
      }
      this.log(`  ${kind} ${mode} round ${round}/${this.config.rounds}: ${line.join(', ')}`);
    }
  }

  /** A rewarm, then one timed run with the gateway's and the fake server's CPU around it. */
  async #run(contender: Contender, kind: GatewayCallKind, mode: Mode, firstId: number) {
    const { concurrency, gateway, runTimeoutMs } = this.config;
    const call = callOf(kind);
    const calls = mode === 'throughput' ? gateway[kind].calls : gateway.latencyCalls;
    const rewarm = Math.ceil(calls / 5);
    const label = `${contender.target.name} ${kind} ${mode}`;
    await withTimeout(
      mode === 'throughput'
        ? runConcurrent(rewarm, concurrency, (index) =>
            call(contender, firstId + REWARM_IDS + index),
          )
        : runSequential(rewarm, (index) => call(contender, firstId + REWARM_IDS + index)),
      runTimeoutMs,
      `${label} rewarm`,
    );
    const latencies: number[] = [];
    const serverBefore = await this.server.cpuMicros();
    const gatewayBefore = await contender.target.cpuMicros();
    const run = await measureRun(label, calls, runTimeoutMs, () =>
      mode === 'throughput'
        ? runConcurrent(calls, concurrency, (index) => call(contender, firstId + index))
        : runSequential(calls, async (index) => {
            const started = performance.now();
            await call(contender, firstId + index);
            latencies.push((performance.now() - started) * 1000);
          }),
    );
    const gatewayCpuMicros = (await contender.target.cpuMicros()) - gatewayBefore;
    const serverCpuMicros = (await this.server.cpuMicros()) - serverBefore;
    return {
      ...run,
      // The gateway is part of the benchmark: its CPU is not another process's load.
      cpuMicros: run.cpuMicros + gatewayCpuMicros,
      serverCpuMicros,
      loadCpuMicros: run.cpuMicros,
      gatewayCpuMicros,
      ...(mode === 'latency' ? { latencies } : {}),
    } satisfies GatewayRun;
  }

  #keyed(contender: Contender, kind: GatewayCallKind, mode: Mode): GatewayRun[] {
    const key = `${contender.target.name}\u0000${kind}\u0000${mode}`;
    let runs = this.#runs.get(key);
    if (runs === undefined) {
      runs = [];
      this.#runs.set(key, runs);
    }
    return runs;
  }

  result(contenders: readonly Contender[]): GatewayResult {
    const [direct] = contenders;
    if (direct === undefined) throw new Error('no direct target');
    const throughput: ThroughputFigure[] = [];
    const latency: LatencyFigure[] = [];
    for (const kind of KINDS) {
      const floorRates = this.#keyed(direct, kind, 'throughput').map(rateOf);
      const floorMedians = this.#keyed(direct, kind, 'latency').map(medianLatencyOf);
      for (const contender of contenders) {
        if (!contender.kinds.has(kind)) continue;
        const name = contender.target.name;
        throughput.push(
          throughputFigure(kind, name, this.#keyed(contender, kind, 'throughput'), floorRates),
        );
        latency.push(
          latencyFigure(kind, name, this.#keyed(contender, kind, 'latency'), floorMedians),
        );
      }
    }
    const kept = [...this.#runs.values()].flat();
    return {
      rounds: this.config.rounds,
      concurrency: this.config.concurrency,
      sizes: this.config.gateway,
      throughput,
      latency,
      failures: this.#failures,
      otherLoad: medianAndMax(kept.map(otherProcessesShare)),
      repeats: this.#repeats,
    };
  }
}

/** One checked call of a kind: it throws unless the whole answer arrived. */
function callOf(kind: GatewayCallKind): (contender: Contender, id: number) => Promise<void> {
  if (kind === 'plain') {
    return async ({ load, target }, id) => expectReply(target.name, await load.plain(promptOf(id)));
  }
  return async ({ load, target }, id) =>
    expectStream(target.name, await load.stream(promptOf(id)), SHORT_STREAM_PIECES);
}

function describe(run: GatewayRun, mode: Mode): string {
  if (mode === 'throughput') return `${Math.round(rateOf(run)).toLocaleString('en-US')}/s`;
  return `${Math.round(medianLatencyOf(run))} µs`;
}

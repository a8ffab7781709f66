import { createClient } from 'shallot';
import OpenAI from 'shallot/openai';
import type { BenchConfig } from '../config.js';
import { measureRun, otherProcessesShare, steadyRun, withTimeout } from '../measure.js';
import {
  builtInLayerClients,
  limitsClients,
  type OverheadClient,
  routerClients,
  userLayerClients,
} from '../overhead-clients.js';
import { type MedianAndMax, median, medianAndMax } from '../stats.js';
import { API_KEY, MODEL, promptOf } from '../wire.js';
import { runSequential } from './drivers.js';

/** One client's cost per call. */
export interface OverheadFigure {
  label: string;
  /** Median over the rounds of wall microseconds per call. */
  microsPerCall: number;
  /** Median over the rounds of CPU microseconds per call. */
  cpuMicrosPerCall: number;
  /**
   * What this line adds to the line before it: the median over the rounds of the two
   * clients' difference in the same round, so drift between rounds cancels. None for the first.
   */
  increment?: number;
}

/** The overhead microbenchmark: the onion's own cost, with `mockResponse` and no network. */
export interface OverheadResult {
  callsPerRun: number;
  rounds: number;
  layers: number;
  userLayers: OverheadFigure[];
  /** The 10-layer client's increment over the 0-layer one, divided by 10. */
  microsPerUserLayer: number;
  builtIn: OverheadFigure[];
  /** A direct call, then the same through a router: the increment is the router's cost. */
  router: OverheadFigure[];
  /**
   * A direct call, then the same through `limits()` in memory with two rule sets: each
   * increment is against the direct call, the layer's whole cost with that rule set.
   */
  limits: OverheadFigure[];
  /**
   * The same call through `client.completion()`, then through `shallot/openai`'s
   * `chat.completions.create()` over an identical client: the increment is the facade's cost.
   * Absent from results made before the facade.
   */
  facade?: OverheadFigure[];
  /** Share of one core other processes used, over every kept run. */
  otherLoad: MedianAndMax;
  /** Disturbed runs measured again. */
  repeats: number;
}

/** A client of the overhead microbenchmark, with the call it makes instead of `client.completion()`. */
interface OverheadEntry extends OverheadClient {
  call?: (content: string) => Promise<unknown>;
}

/** A direct call, then the same one through the openai facade, each on a client of its own. */
function facadeClients(): OverheadEntry[] {
  const options = { providers: { openai: { apiKey: API_KEY } } };
  const facade = new OpenAI({ client: createClient(options) });
  const mocked = { shallot: { mockResponse: 'hi' } };
  return [
    { label: 'client.completion()', client: createClient(options) },
    {
      label: 'shallot/openai chat.completions.create()',
      client: facade.client,
      call: (content) =>
        facade.chat.completions.create(
          { model: `openai/${MODEL}`, messages: [{ role: 'user', content }] },
          mocked,
        ),
    },
  ];
}

/**
 * Sequential `mockResponse: 'hi'` calls through clients with 0 and 10 pass-through layers,
 * and through clients with the built-in layers added one by one. All clients run in
 * alternating rounds, rotating the order; each run ends with `client.flush()`, timed.
 */
export async function runOverhead(
  config: BenchConfig,
  log: (line: string) => void,
): Promise<OverheadResult> {
  const { calls, warmUpCalls, layers, rounds } = config.overhead;
  const users = userLayerClients(layers);
  const builtIns = builtInLayerClients();
  const routed = routerClients();
  const limited = limitsClients();
  const facaded = facadeClients();
  const all: OverheadEntry[] = [...users, ...builtIns, ...routed, ...limited, ...facaded];
  const perRound = new Map<OverheadClient, { micros: number[]; cpu: number[] }>(
    all.map((entry) => [entry, { micros: [], cpu: [] }]),
  );
  const otherLoad: number[] = [];
  let repeats = 0;
  const run = async (entry: OverheadEntry, firstId: number, count: number) => {
    await runSequential(count, async (index) => {
      if (entry.call !== undefined) {
        await entry.call(promptOf(firstId + index));
        return;
      }
      await entry.client.completion({
        model: entry.model ?? `openai/${MODEL}`,
        messages: [{ role: 'user', content: promptOf(firstId + index) }],
        mockResponse: 'hi',
        ...(entry.metadata === undefined ? {} : { metadata: entry.metadata }),
      });
    });
    await entry.client.flush();
  };
  try {
    for (const entry of all) {
      await withTimeout(
        run(entry, 0, warmUpCalls),
        config.runTimeoutMs,
        `overhead ${entry.label} warm-up`,
      );
    }
    for (let round = 1; round <= rounds; round++) {
      for (let step = 0; step < all.length; step++) {
        const entry = all[(step + round - 1) % all.length] as OverheadEntry;
        const label = `overhead ${entry.label} round ${round}`;
        // A repeated attempt sends new prompts, so the cache-miss client still misses.
        const kept = await steadyRun(
          label,
          (attempt) =>
            measureRun(label, calls, config.runTimeoutMs, () =>
              run(entry, (round + attempt * 100) * 1_000_000, calls),
            ),
          log,
        );
        repeats += kept.repeats;
        const measured = kept.run;
        perRound.get(entry)?.micros.push((measured.seconds * 1e6) / calls);
        perRound.get(entry)?.cpu.push(measured.cpuMicros / calls);
        otherLoad.push(otherProcessesShare(measured));
      }
      log(`  overhead round ${round}/${rounds} done`);
    }
  } finally {
    await Promise.all(all.map((entry) => entry.client.shutdown()));
  }
  // Each line's increment is over the line before it, or over the first line (`against: 'first'`).
  const figures = (
    entries: readonly OverheadClient[],
    against: 'previous' | 'first' = 'previous',
  ) =>
    entries.map((entry, index): OverheadFigure => {
      const own = perRound.get(entry) ?? { micros: [], cpu: [] };
      const figure = {
        label: entry.label,
        microsPerCall: median(own.micros),
        cpuMicrosPerCall: median(own.cpu),
      };
      const base = against === 'first' && index > 0 ? 0 : index - 1;
      const before = perRound.get(entries[base] as OverheadClient);
      if (before === undefined) return figure;
      const differences = own.micros.map((micros, round) => micros - (before.micros[round] ?? 0));
      return { ...figure, increment: median(differences) };
    });
  const userFigures = figures(users);
  return {
    callsPerRun: calls,
    rounds,
    layers,
    userLayers: userFigures,
    microsPerUserLayer: (userFigures[1]?.increment ?? Number.NaN) / layers,
    builtIn: figures(builtIns),
    router: figures(routed),
    limits: figures(limited, 'first'),
    facade: figures(facaded),
    otherLoad: medianAndMax(otherLoad),
    repeats,
  };
}

import { Cache, createClient, type Middleware } from 'shallot';
import { benchAgent } from '../agent.js';
import type { BenchConfig } from '../config.js';
import { measureRun, otherProcessesShare, type Run, steadyRun, withTimeout } from '../measure.js';
import { type MedianAndMax, mean, median, medianAndMax } from '../stats.js';
import { API_KEY, expectReply, MODEL } from '../wire.js';
import { runSequential } from './drivers.js';

/** What a cache hit costs through the default stack. */
export interface CacheHitResult {
  hits: number;
  runs: number;
  /** Wall microseconds per hit over every measured hit. */
  meanMicrosPerHit: number;
  /** Median over the runs of wall microseconds per hit. */
  medianMicrosPerHit: number;
  /** CPU microseconds per hit over every measured hit. */
  cpuMicrosPerHit: number;
  /** Share of one core other processes used, over every kept run. */
  otherLoad: MedianAndMax;
  /** Disturbed runs measured again. */
  repeats: number;
}

/**
 * One request, asked again and again of `createClient()` with `client.cache = new Cache()`:
 * the first call goes to the fake server and fills the cache, every later one is a hit that
 * never leaves the process. Sequential calls; each run ends with `client.flush()`, timed.
 */
export async function runCacheHit(
  config: BenchConfig,
  apiBase: string,
  log: (line: string) => void,
): Promise<CacheHitResult> {
  const { warmUpCalls, runs: runCount, hitsPerRun } = config.cacheHit;
  const dispatcher = benchAgent();
  const client = createClient({ dispatcher, providers: { openai: { apiKey: API_KEY, apiBase } } });
  client.cache = new Cache();
  const params = {
    model: `openai/${MODEL}`,
    messages: [{ role: 'user' as const, content: 'hello cache' }],
  };
  const ask = async () =>
    expectReply('cache hit', (await client.completion(params)).choices[0]?.message.content);
  try {
    const warmUp = async () => {
      await ask();
      await client.flush();
      await expectHit(client, params);
      await runSequential(warmUpCalls, ask);
      await client.flush();
    };
    await withTimeout(warmUp(), config.runTimeoutMs, 'cache hit warm-up');
    const runs: Run[] = [];
    let repeats = 0;
    for (let round = 1; round <= runCount; round++) {
      const label = `cache hit run ${round}`;
      const measure = () =>
        measureRun(label, hitsPerRun, config.runTimeoutMs, async () => {
          await runSequential(hitsPerRun, ask);
          await client.flush();
        });
      const kept = await steadyRun(label, measure, log);
      runs.push(kept.run);
      repeats += kept.repeats;
      log(`  cache-hit run ${round}/${runCount} done`);
    }
    const hits = runCount * hitsPerRun;
    const seconds = runs.reduce((sum, run) => sum + run.seconds, 0);
    return {
      hits,
      runs: runCount,
      meanMicrosPerHit: (seconds * 1e6) / hits,
      medianMicrosPerHit: median(runs.map((run) => (run.seconds * 1e6) / run.units)),
      cpuMicrosPerHit: mean(runs.map((run) => run.cpuMicros / run.units)),
      otherLoad: medianAndMax(runs.map(otherProcessesShare)),
      repeats,
    };
  } finally {
    await client.shutdown();
    await dispatcher.close();
  }
}

/** Fails unless the cache answers the request: a miss here would make every figure wrong. */
async function expectHit(
  client: ReturnType<typeof createClient>,
  params: Parameters<ReturnType<typeof createClient>['completion']>[0] & { stream?: false },
): Promise<void> {
  let status: string | undefined;
  const observe: Middleware = async function observe(ctx, next) {
    await next();
    status = ctx.cacheStatus;
  };
  await client.completion({ ...params, middleware: [observe] });
  if (status !== 'hit')
    throw new Error(`cache hit: expected the cache to answer, its status was ${status}`);
}

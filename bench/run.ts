/**
 * `npm run bench`: shallot against the undici floor, the openai package and the AI SDK, all
 * calling one fake OpenAI-compatible server in its own process. See bench/README.md.
 */
import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { type CliOptions, parseArgs, USAGE, UsageError } from './cli.js';
import type { ContenderId, WorkloadId } from './config.js';
import { RemoteContender } from './contenders/remote.js';
import { runDashboard } from './dashboard/workload.js';
import { runGateway } from './gateway/workload.js';
import { describeMachine } from './machine.js';
import { collectGarbage, withTimeout } from './measure.js';
import { type BenchResults, renderReport } from './report.js';
import { SCENARIOS, type Scenario } from './scenarios.js';
import { type FakeServer, startFakeServer } from './server-process.js';
import { runCacheHit } from './workloads/cache-hit.js';
import { compare, type WorkloadSummary } from './workloads/compare.js';
import {
  type ContenderWorkload,
  inContenderProcesses,
  scenarioWorkloads,
} from './workloads/contender-workloads.js';
import { runMemory } from './workloads/memory.js';
import { runOverhead } from './workloads/overhead.js';

const DEFAULT_OUT = fileURLToPath(new URL('./results.md', import.meta.url));
const CLOSE_TIMEOUT_MS = 15_000;
/** The contenders `--baseline` runs again from the other checkout. */
const BASELINE_IDS: readonly ContenderId[] = ['shallot-bare', 'shallot-full'];

const log = (line: string) => console.error(line);

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2), DEFAULT_OUT);
  if (options.help) {
    console.log(USAGE);
    return;
  }
  const { config, workloads, outFile } = options;
  collectGarbage(); // fails early without --expose-gc
  const started = performance.now();
  const loadAtStart = loadavg()[0] ?? Number.NaN;
  const selected = (id: WorkloadId) => workloads.includes(id);
  log(
    `[bench] ${config.mode} run: ${workloads.join(', ')}; contenders ${options.contenders.join(', ')}`,
  );

  const server = await startFakeServer();
  const compared: WorkloadSummary[] = [];
  const results: Partial<BenchResults> = {};
  try {
    for (const scenario of Object.values(SCENARIOS)) {
      const chosen = scenarioWorkloads(config, server, scenario).filter((workload) =>
        selected(workload.id),
      );
      if (chosen.length > 0)
        compared.push(...(await compareScenario(scenario, chosen, server, options)));
    }
    if (selected('gateway')) {
      log('[bench] gateway');
      results.gateway = await runGateway(config, server, options, log);
    }
    if (selected('overhead')) {
      log('[bench] overhead microbenchmark');
      results.overhead = await runOverhead(config, log);
    }
    if (selected('cache-hit')) {
      log('[bench] cache hit');
      results.cacheHit = await runCacheHit(config, server.apiBase, log);
    }
    if (selected('memory')) {
      log('[bench] memory');
      results.memory = await runMemory(config, server.apiBase, log);
    }
    if (selected('dashboard')) {
      log('[bench] dashboard queries (PostgreSQL)');
      results.dashboard = await runDashboard(config, log);
    }
  } finally {
    await server.close();
  }

  const report = renderReport({
    ...results,
    machine: describeMachine(),
    config,
    workloads,
    compared,
    seconds: (performance.now() - started) / 1000,
    processPeakRssBytes: process.resourceUsage().maxRSS * 1024,
    loadAverage: { start: loadAtStart, end: loadavg()[0] ?? Number.NaN },
  });
  console.log(report);
  if (outFile) {
    await writeFile(outFile, report, 'utf8');
    log(`[bench] written to ${outFile}`);
  } else {
    log(
      '[bench] not written to a file: a --quick, --only or --contenders run only prints (use --out FILE)',
    );
  }
}

/**
 * Runs one scenario's workloads: its contenders (and their baselines) each in a process of
 * their own, started for this scenario and closed after it (see contender-process.ts).
 */
async function compareScenario(
  scenario: Scenario,
  workloads: readonly ContenderWorkload[],
  server: FakeServer,
  options: CliOptions,
): Promise<WorkloadSummary[]> {
  const { config, baseline } = options;
  const apiBase = `${server.origin}${scenario.apiPath}`;
  const ids = options.contenders.filter((id) => scenario.contenders.includes(id));
  const baselines = baseline === null ? [] : BASELINE_IDS.filter((id) => ids.includes(id));
  const started = await Promise.allSettled([
    ...ids.map((id) => RemoteContender.start(id, scenario.id, apiBase, config)),
    ...baselines.map((id) =>
      RemoteContender.start(id, scenario.id, apiBase, config, baseline ?? undefined),
    ),
  ]);
  const contenders = started.flatMap((start) =>
    start.status === 'fulfilled' ? [start.value] : [],
  );
  try {
    for (const start of started) if (start.status === 'rejected') throw start.reason;
    const summaries: WorkloadSummary[] = [];
    for (const workload of workloads) {
      log(`[bench] ${workload.title}`);
      summaries.push(
        await compare(inContenderProcesses(workload, server), contenders, config.rounds, log),
      );
    }
    return summaries;
  } finally {
    const closing = Promise.all(contenders.map((contender) => contender.close()));
    await withTimeout(closing, CLOSE_TIMEOUT_MS, 'closing the contenders');
  }
}

main().catch((error: unknown) => {
  console.error(`\n[bench] FAILED: ${describeError(error)}`);
  process.exitCode = 1;
  // A failed contender may leave calls in flight that would keep the process alive.
  setTimeout(() => process.exit(1), 1_000).unref();
});

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error instanceof UsageError) return error.message;
  const cause = error.cause === undefined ? '' : `\n  caused by: ${describeError(error.cause)}`;
  return `${error.stack ?? error.message}${cause}`;
}

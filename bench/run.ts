/**
 * `npm run bench`: shallot against the undici floor, the openai package and the AI SDK, all
 * calling one fake OpenAI-compatible server in its own process. See bench/README.md.
 */
import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs, USAGE, UsageError } from './cli.js';
import type { ContenderId, WorkloadId } from './config.js';
import { RemoteContender } from './contenders/remote.js';
import { describeMachine } from './machine.js';
import { collectGarbage, withTimeout } from './measure.js';
import { type BenchResults, renderReport } from './report.js';
import { type FakeServer, startFakeServer } from './server-process.js';
import { runCacheHit } from './workloads/cache-hit.js';
import { compare, type WorkloadSummary } from './workloads/compare.js';
import {
  inContenderProcesses,
  longStreamWorkload,
  plainWorkload,
  shortStreamWorkload,
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
  let contenders: RemoteContender[] = [];
  const compared: WorkloadSummary[] = [];
  const results: Partial<BenchResults> = {};
  try {
    const contenderWorkloads = [
      plainWorkload(config, server),
      shortStreamWorkload(config, server),
      longStreamWorkload(config, server),
    ]
      .filter((workload) => selected(workload.id))
      .map((workload) => inContenderProcesses(workload, server));
    if (contenderWorkloads.length > 0) {
      // Each contender in a process of its own; see contender-process.ts.
      const { baseline } = options;
      const baselines =
        baseline === null ? [] : BASELINE_IDS.filter((id) => options.contenders.includes(id));
      contenders = await Promise.all([
        ...options.contenders.map((id) => RemoteContender.start(id, server.apiBase, config)),
        ...baselines.map((id) =>
          RemoteContender.start(id, server.apiBase, config, baseline ?? undefined),
        ),
      ]);
    }
    for (const workload of contenderWorkloads) {
      log(`[bench] ${workload.title}`);
      compared.push(await compare(workload, contenders, config.rounds, log));
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
  } finally {
    await closeAll(contenders, server);
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

async function closeAll(contenders: readonly RemoteContender[], server: FakeServer): Promise<void> {
  const closing = Promise.all(contenders.map((contender) => contender.close()));
  try {
    await withTimeout(closing, CLOSE_TIMEOUT_MS, 'closing the contenders');
  } finally {
    await server.close();
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

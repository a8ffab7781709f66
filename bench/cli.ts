import {
  type BenchConfig,
  CONTENDER_IDS,
  type ContenderId,
  FULL,
  QUICK,
  WORKLOAD_IDS,
  type WorkloadId,
} from './config.js';

/** A command line the benchmark does not understand: printed without a stack. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** What the command line asked for. */
export interface CliOptions {
  help: boolean;
  config: BenchConfig;
  workloads: WorkloadId[];
  /** The floor first, then the others asked for, in the canonical order. */
  contenders: ContenderId[];
  /** Where to write the markdown report, or null to only print it. */
  outFile: string | null;
  /**
   * A shallot checkout with a built `dist/` to measure side by side with this one: its
   * `shallot bare` and `shallot full` run as more contenders, named "(baseline)".
   */
  baseline: string | null;
  /**
   * Whether the gateway workload also runs Portkey's gateway, installed apart (its folder in
   * `SHALLOT_BENCH_PORTKEY_DIR`; see bench/README.md).
   */
  portkey: boolean;
}

export const USAGE = `Usage: npm run bench -- [--quick] [--only LIST] [--contenders LIST] [--out FILE]
                       [--baseline DIR] [--portkey]

  --quick             few rounds and few calls: a smoke check in well under a minute
  --only LIST         run only these workloads, comma-separated:
                      ${WORKLOAD_IDS.join(',')}
  --contenders LIST   compare only these contenders (the floor, undici, always runs):
                      ${CONTENDER_IDS.join(',')}
  --out FILE          write the markdown report there (a full run of every workload and
                      contender writes bench/results.md unless told otherwise; other runs
                      only print)
  --baseline DIR      also run the shallot contenders of another checkout, built (its
                      dist/), side by side: before and after a change, in one run
  --portkey           the gateway workload also runs @portkey-ai/gateway, installed in
                      the folder SHALLOT_BENCH_PORTKEY_DIR names (never a dependency)`;

/** Parses `process.argv.slice(2)`; throws with the usage text on anything it does not know. */
export function parseArgs(args: readonly string[], defaultOutFile: string): CliOptions {
  let help = false;
  let quick = false;
  let workloads: WorkloadId[] = [...WORKLOAD_IDS];
  let contenders: ContenderId[] = [...CONTENDER_IDS];
  let only = false;
  let outFile: string | undefined;
  let baseline: string | null = null;
  let portkey = false;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] as string;
    if (arg === '--help' || arg === '-h') help = true;
    else if (arg === '--quick') quick = true;
    else if (arg === '--only' || arg.startsWith('--only=')) {
      const list = arg === '--only' ? args[++index] : arg.slice('--only='.length);
      workloads = parseList('--only', list, WORKLOAD_IDS);
      only = true;
    } else if (arg === '--contenders' || arg.startsWith('--contenders=')) {
      const list = arg === '--contenders' ? args[++index] : arg.slice('--contenders='.length);
      const asked = parseList('--contenders', list, CONTENDER_IDS);
      contenders = CONTENDER_IDS.filter((id) => id === 'undici' || asked.includes(id));
      only = true;
    } else if (arg === '--out' || arg.startsWith('--out=')) {
      outFile = arg === '--out' ? args[++index] : arg.slice('--out='.length);
      if (!outFile) throw new UsageError(`--out needs a file name\n\n${USAGE}`);
    } else if (arg === '--baseline' || arg.startsWith('--baseline=')) {
      baseline = (arg === '--baseline' ? args[++index] : arg.slice('--baseline='.length)) ?? null;
      if (!baseline) throw new UsageError(`--baseline needs a directory\n\n${USAGE}`);
      only = true;
    } else if (arg === '--portkey') portkey = true;
    else throw new UsageError(`unknown argument ${JSON.stringify(arg)}\n\n${USAGE}`);
  }
  const complete = !quick && !only;
  return {
    help,
    config: quick ? QUICK : FULL,
    workloads,
    contenders,
    outFile: outFile ?? (complete ? defaultOutFile : null),
    baseline,
    portkey,
  };
}

/** Parses a comma-separated list of known names, and returns them in the canonical order. */
function parseList<T extends string>(
  flag: string,
  list: string | undefined,
  known: readonly T[],
): T[] {
  const names = (list ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  if (names.length === 0) throw new UsageError(`${flag} needs a comma-separated list\n\n${USAGE}`);
  const unknown = names.filter((name) => !(known as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new UsageError(
      `${flag}: unknown ${unknown.join(', ')}; expected some of ${known.join(', ')}`,
    );
  }
  return known.filter((name) => names.includes(name));
}

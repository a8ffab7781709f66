/**
 * `npm run mutate`: runs Stryker (stryker.config.mjs), timing it, then turns its JSON report
 * into mutation/results.md: the score of each module that carries a promise and overall, and
 * every mutant that survived (where, which mutator, what it wrote), so that someone can pick
 * them up. Arguments go to `stryker run`.
 *
 *   npm run mutate                          # a full run
 *   npm run mutate -- --incremental         # only the mutants whose code or tests changed
 *   npx tsx scripts/mutate.ts --report-only # rewrite the results from the last report
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { markdownTable } from '../bench/markdown.js';

/** Where a mutant sits, as Stryker reports it (lines and columns from 1). */
interface Location {
  start: { line: number; column: number };
  end: { line: number; column: number };
}

/** One mutant of Stryker's report (mutation-testing-report-schema). */
interface Mutant {
  id: string;
  mutatorName: string;
  replacement?: string;
  location: Location;
  status: string;
  statusReason?: string;
  coveredBy?: string[];
  static?: boolean;
}

/** Stryker's JSON report, the parts read here. */
export interface MutationReport {
  files: Record<string, { source: string; mutants: Mutant[] }>;
  framework?: { name: string; version?: string };
  config?: { concurrency?: number; incremental?: boolean };
}

/** The modules of the promises, by the paths of their files. */
export const MODULES: ReadonlyArray<{ name: string; paths: readonly string[] }> = [
  { name: 'stream', paths: ['src/stream/'] },
  { name: 'callbacks', paths: ['middleware/callbacks/', 'src/legacy/'] },
  { name: 'cost', paths: ['src/cost/', 'middleware/cost/'] },
  { name: 'cache key', paths: ['src/cache/key.ts'] },
  { name: 'secrets', paths: ['src/secrets/'] },
  { name: 'resilience', paths: ['middleware/resilience/'] },
];

/** Mutants by outcome. A timeout counts as caught: the mutant hung or slowed a test past its bound. */
interface Tally {
  killed: number;
  timeout: number;
  survived: number;
  noCoverage: number;
  ignored: number;
  errors: number;
}

function tallyOf(mutants: readonly Mutant[]): Tally {
  const tally: Tally = { killed: 0, timeout: 0, survived: 0, noCoverage: 0, ignored: 0, errors: 0 };
  for (const mutant of mutants) {
    if (mutant.status === 'Killed') tally.killed++;
    else if (mutant.status === 'Timeout') tally.timeout++;
    else if (mutant.status === 'Survived') tally.survived++;
    else if (mutant.status === 'NoCoverage') tally.noCoverage++;
    else if (mutant.status === 'Ignored') tally.ignored++;
    else tally.errors++;
  }
  return tally;
}

/**
 * Stryker's mutation score: caught (killed or timed out) over the mutants that count (caught,
 * survived, or reached by no test); ignored mutants and those that did not compile or run
 * are left out. Null when no mutant counts.
 */
export function scoreOf(tally: Tally): number | null {
  const caught = tally.killed + tally.timeout;
  const counted = caught + tally.survived + tally.noCoverage;
  return counted === 0 ? null : (100 * caught) / counted;
}

function percent(score: number | null): string {
  return score === null ? 'n/a' : `${score.toFixed(2)} %`;
}

function moduleOf(file: string): string {
  return (
    MODULES.find((module) => module.paths.some((path) => file.startsWith(path)))?.name ?? 'other'
  );
}

/** A piece of code on one line, as a Markdown code span: whitespace runs folded, at most 80 characters. */
function codeSpan(code: string): string {
  let text = code.replace(/\s+/g, ' ').trim();
  if (text.length > 80) text = `${text.slice(0, 77)}...`;
  if (text === '') return '(empty)';
  const fence = text.includes('`') ? '``' : '`';
  return `${fence}${fence === '``' ? ` ${text} ` : text}${fence}`.replaceAll('|', '\\|');
}

/** The text a mutant replaced, from the file's source. */
function originalOf(source: string, location: Location): string {
  const lines = source.split('\n');
  const { start, end } = location;
  if (start.line === end.line) {
    return (lines[start.line - 1] ?? '').slice(start.column - 1, end.column - 1);
  }
  const first = (lines[start.line - 1] ?? '').slice(start.column - 1);
  const middle = lines.slice(start.line, end.line - 1);
  const last = (lines[end.line - 1] ?? '').slice(0, end.column - 1);
  return [first, ...middle, last].join('\n');
}

function minutes(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/** Options of {@link renderResults}. */
export interface RenderOptions {
  /** When the report was written. */
  date: Date;
  /** The logical cores of the machine. */
  cores: number;
  /** How long `stryker run` took, in milliseconds, when this script ran it. */
  durationMs?: number;
}

/** mutation/results.md from a Stryker JSON report. */
export function renderResults(report: MutationReport, options: RenderOptions): string {
  const files = Object.keys(report.files).sort();
  const byModule = new Map<string, Mutant[]>();
  const all: Mutant[] = [];
  for (const file of files) {
    const mutants = report.files[file]?.mutants ?? [];
    const name = moduleOf(file);
    byModule.set(name, [...(byModule.get(name) ?? []), ...mutants]);
    all.push(...mutants);
  }
  const total = tallyOf(all);
  const row = (name: string, tally: Tally) => [
    name,
    percent(scoreOf(tally)),
    String(tally.killed),
    String(tally.timeout),
    String(tally.survived),
    String(tally.noCoverage),
    String(tally.ignored),
    String(tally.errors),
  ];
  const header = [
    'module',
    'score',
    'killed',
    'timed out',
    'survived',
    'no coverage',
    'ignored',
    'errors',
  ];
  const names = [...MODULES.map((module) => module.name), 'other'].filter((name) =>
    byModule.has(name),
  );
  const out: string[] = ['# shallot mutation testing results', ''];
  const how = report.config?.incremental ? 'an incremental run' : 'a full run';
  const took = options.durationMs === undefined ? '' : `, ${minutes(options.durationMs)}`;
  out.push(
    `\`npm run mutate\` (${how}), ${report.framework?.name ?? 'Stryker'} ${report.framework?.version ?? ''} with the vitest runner, perTest coverage, concurrency ${report.config?.concurrency ?? '?'} on ${options.cores} cores, ${options.date.toISOString()}${took}. How to read it: [docs/testing.md](../docs/testing.md).`,
    '',
    '## Score',
    '',
    'Caught (killed or timed out) over killed, timed out, survived and not covered. Ignored mutants (static ones, not run, and any disabled in the source as equivalent; both listed below) and errors are left out.',
    '',
    markdownTable(header, [
      ...names.map((name) => row(name, tallyOf(byModule.get(name) ?? []))),
      row('**all**', total),
    ]),
    '',
    '## By file',
    '',
    markdownTable(
      header.map((title) => (title === 'module' ? 'file' : title)),
      files.map((file) => row(`\`${file}\``, tallyOf(report.files[file]?.mutants ?? []))),
    ),
    '',
  );
  const listed = (status: readonly string[]) =>
    files.flatMap((file) => {
      const entry = report.files[file];
      if (entry === undefined) return [];
      return entry.mutants
        .filter((mutant) => status.includes(mutant.status))
        .sort(
          (a, b) =>
            a.location.start.line - b.location.start.line ||
            a.location.start.column - b.location.start.column,
        )
        .map((mutant) => ({ file, source: entry.source, mutant }));
    });
  const survivors = listed(['Survived', 'NoCoverage']);
  out.push(`## Surviving mutants (${survivors.length})`, '');
  if (survivors.length === 0) {
    out.push('None.', '');
  } else {
    out.push(
      'Each is a change to the code that no test noticed: write the test that fails on it (a behaviour, through the public API), or, if no caller could ever tell the difference, disable it in the source with the reason. "no coverage": no test reaches the line at all.',
      '',
      markdownTable(
        ['place', 'mutator', 'original', 'replacement', 'tests reaching it'],
        survivors.map(({ file, source, mutant }) => [
          `\`${file}:${mutant.location.start.line}:${mutant.location.start.column}\``,
          mutant.mutatorName,
          codeSpan(originalOf(source, mutant.location)),
          codeSpan(mutant.replacement ?? ''),
          mutant.status === 'NoCoverage' ? 'none' : String(mutant.coveredBy?.length ?? '?'),
        ]),
      ),
      '',
    );
  }
  const ignored = listed(['Ignored']);
  const isStatic = (mutant: Mutant) => (mutant.statusReason ?? '').startsWith('Static mutant');
  const disabled = ignored.filter(({ mutant }) => !isStatic(mutant));
  const unrun = ignored.filter(({ mutant }) => isStatic(mutant));
  const place = (file: string, mutant: Mutant) =>
    `\`${file}:${mutant.location.start.line}:${mutant.location.start.column}\``;
  if (disabled.length > 0) {
    out.push(
      `## Equivalent mutants, disabled in the source (${disabled.length})`,
      '',
      'Each with `// Stryker disable next-line <mutator>: <reason>` where it is: no caller could tell the difference.',
      '',
      markdownTable(
        ['place', 'mutator', 'replacement', 'reason'],
        disabled.map(({ file, mutant }) => [
          place(file, mutant),
          mutant.mutatorName,
          codeSpan(mutant.replacement ?? ''),
          (mutant.statusReason ?? '').replace(/\s+/g, ' ').replaceAll('|', '\\|'),
        ]),
      ),
      '',
    );
  }
  if (unrun.length > 0) {
    out.push(
      `## Static mutants, not run (${unrun.length})`,
      '',
      'Code that runs only when its module loads (module-level tables and patterns): `ignoreStatic` leaves them out of the run and of the score (see docs/testing.md). `npx stryker run --ignoreStatic false` runs them.',
      '',
      markdownTable(
        ['place', 'mutator', 'original', 'replacement'],
        unrun.map(({ file, source, mutant }) => [
          place(file, mutant),
          mutant.mutatorName,
          codeSpan(originalOf(source, mutant.location)),
          codeSpan(mutant.replacement ?? ''),
        ]),
      ),
      '',
    );
  }
  return out.join('\n');
}

const isMain =
  process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const reportOnly = process.argv.includes('--report-only');
  let durationMs: number | undefined;
  if (!reportOnly) {
    const started = Date.now();
    const stryker = join(root, 'node_modules/@stryker-mutator/core/bin/stryker.js');
    const run = spawnSync(process.execPath, [stryker, 'run', ...process.argv.slice(2)], {
      cwd: root,
      stdio: 'inherit',
    });
    if (run.status !== 0) process.exit(run.status ?? 1);
    durationMs = Date.now() - started;
  }
  const reportPath = join(root, 'reports/mutation/mutation.json');
  const out = join(root, 'mutation/results.md');
  const report = JSON.parse(readFileSync(reportPath, 'utf8')) as MutationReport;
  writeFileSync(out, renderResults(report, { date: new Date(), cores: cpus().length, durationMs }));
  const total = scoreOf(tallyOf(Object.values(report.files).flatMap((file) => file.mutants)));
  console.log(`mutation score ${percent(total)}: ${out}`);
}

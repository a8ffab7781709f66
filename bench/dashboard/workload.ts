/**
 * The dashboard workload (`npm run bench -- --only dashboard`): a month of generated calls in a
 * spend log of a PostgreSQL schema of its own (dropped at the end), then each chart's query
 * timed for the last hour, day and week and the whole month, grouped by model and by key.
 * Prints a markdown table (the section of bench/results.md); skipped, with a note, when
 * PostgreSQL does not answer. Imports the TypeScript sources: what it measures is PostgreSQL's
 * work, which does not depend on how the JavaScript around it was built.
 */
import { loadavg } from 'node:os';
import pg from 'pg';
import { resolveSource, type SpendLogSource } from '../../gateway/dashboard/sql/source.js';
import { migrationSql } from '../../gateway/keys/table.js';
import { createTableSql } from '../../middleware/postgres-logger/table.js';
import type { BenchConfig } from '../config.js';
import { count, decimal } from '../format.js';
import { POSTGRES_URL } from '../gateway/variants.js';
import { markdownTable } from '../markdown.js';
import { median } from '../stats.js';
import { BYS, CHARTS, RANGES, rangeOf, timeChart, timeDashboard } from './cases.js';
import { insertCallsSql, insertKeysSql } from './generate.js';

const DAY_MS = 24 * 60 * 60_000;
/** The generated month: 30 days from 2026-01-02, and the ranges end 20 minutes 34.567 s before its end. */
const MONTH = { start: Date.UTC(2026, 0, 2), days: 30 };
const RANGE_END = MONTH.start + MONTH.days * DAY_MS - 1_234_567;
/** Calls per INSERT while generating (each one also fills the rollup, by its trigger). */
const CHUNK = 100_000;
/** The bar of issue 21: every chart's query under this, on a month of a million calls. */
export const BAR_MS = 300;

/** The sizes of a run. */
const SIZES = {
  full: { calls: 1_000_000, runs: 7 },
  quick: { calls: 100_000, runs: 3 },
};

/** Runs the workload: its section of the report (markdown), its progress through `log`; undefined when skipped. */
export async function runDashboard(
  config: BenchConfig,
  log: (line: string) => void,
): Promise<string | undefined> {
  const { calls, runs } = SIZES[config.mode];
  const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 6 });
  pool.on('error', () => {});
  if (!(await answers(pool))) {
    const where = POSTGRES_URL.replace(/\/\/[^@/]*@/, '//');
    log(
      `[bench] dashboard: skipped, PostgreSQL is not reachable at ${where} (start it, or set SHALLOT_BENCH_DATABASE_URL)`,
    );
    await pool.end();
    return undefined;
  }
  const schema = `shallot_bench_dashboard_${process.pid}`;
  try {
    await pool.query(`CREATE SCHEMA "${schema}"`);
    const started = performance.now();
    await generate(pool, schema, calls, log);
    const generatedSeconds = (performance.now() - started) / 1000;
    const source: SpendLogSource = { pool, schema, keys: { schema } };
    const rows = await timeCases(source, runs, log);
    return await render(pool, schema, calls, runs, generatedSeconds, rows);
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  }
}

async function answers(pool: pg.Pool): Promise<boolean> {
  try {
    await pool.query('SELECT 1');
    return true;
  } catch {
    return false;
  }
}

/** The log (postgresLogger's table and rollup), the keys table, the calls; then VACUUM ANALYZE. */
async function generate(pool: pg.Pool, schema: string, calls: number, log: (line: string) => void) {
  const name = { table: 'shallot_spend_log', schema };
  await pool.query(createTableSql(name));
  await pool.query(migrationSql({ table: 'shallot_keys', schema }));
  await pool.query(insertKeysSql(`"${schema}"."shallot_keys"`));
  const client = await pool.connect();
  try {
    await client.query('SELECT setseed(0.21)');
    const spacing = (MONTH.days * DAY_MS) / calls;
    for (let first = 0; first < calls; first += CHUNK) {
      const last = Math.min(calls, first + CHUNK) - 1;
      await client.query(insertCallsSql(`"${schema}"."shallot_spend_log"`), [
        new Date(MONTH.start).toISOString(),
        spacing,
        first,
        last,
      ]);
      log(`[bench] dashboard: ${count(last + 1)} of ${count(calls)} calls written`);
    }
    await client.query(`VACUUM ANALYZE "${schema}"."shallot_spend_log"`);
    for (const rollup of ['hour_total', 'hour_group', 'day_group', 'hour_timing']) {
      await client.query(`VACUUM ANALYZE "${schema}"."shallot_spend_log_${rollup}"`);
    }
  } finally {
    client.release();
  }
}

/** One row of the table: a range and grouping, and the median milliseconds of each query. */
interface CaseRow {
  range: string;
  by: string;
  charts: number[];
  dashboard: number;
}

async function timeCases(source: SpendLogSource, runs: number, log: (line: string) => void) {
  const resolved = resolveSource(source);
  const rows: CaseRow[] = [];
  for (const [range, span] of RANGES) {
    for (const by of BYS) {
      const query = rangeOf(RANGE_END, span, by);
      const charts: number[] = [];
      for (const chart of CHARTS) {
        await timeChart(resolved, query, chart); // warm-up
        const times: number[] = [];
        for (let run = 0; run < runs; run++) times.push(await timeChart(resolved, query, chart));
        charts.push(median(times));
      }
      await timeDashboard(source, query);
      const whole: number[] = [];
      for (let run = 0; run < runs; run++) whole.push(await timeDashboard(source, query));
      rows.push({ range, by, charts, dashboard: median(whole) });
      log(`[bench] dashboard: ${range} by ${by}: ${charts.map((ms) => decimal(ms)).join(', ')} ms`);
    }
  }
  return rows;
}

async function render(
  pool: pg.Pool,
  schema: string,
  calls: number,
  runs: number,
  generatedSeconds: number,
  rows: readonly CaseRow[],
): Promise<string> {
  const sizes = [];
  for (const table of ['', '_hour_total', '_hour_group', '_day_group', '_hour_timing']) {
    const name = `shallot_spend_log${table}`;
    const qualified = `"${schema}"."${name}"`;
    const result = await pool.query(
      `SELECT count(*) AS rows, pg_total_relation_size('${qualified}') AS bytes FROM ${qualified}`,
    );
    sizes.push({ name, ...result.rows[0] });
  }
  const worst = Math.max(...rows.flatMap((row) => row.charts));
  const table = markdownTable(
    ['range', 'by', ...CHARTS.map((chart) => `${chart.name} ms`), 'whole page ms'],
    rows.map((row) => [
      row.range,
      row.by,
      ...row.charts.map((ms) => decimal(ms)),
      decimal(row.dashboard),
    ]),
  );
  const tables = sizes
    .map(
      (row) =>
        `\`${row.name}\` ${count(Number(row.rows))} rows, ${decimal(Number(row.bytes) / 2 ** 20)} MiB`,
    )
    .join('; ');
  return [
    '## Dashboard queries',
    '',
    `${count(calls)} generated calls over ${MONTH.days} days in a spend log made by postgresLogger (its covering indexes and its rollup, kept by its trigger; written in ${decimal(generatedSeconds, 0)} s), 200 virtual keys in a keys table, 12 models, 2,000 users, 15 teams; ranges ending 20 minutes before the month does. Each chart's query alone (its plan read first, untimed), then the whole page (\`queryDashboard()\`: the plan, then every chart side by side on a pool of 6); median of ${runs} runs after one warm-up, in milliseconds, on PostgreSQL's default settings (a machine shared with other work: load average ${decimal(loadavg()[0] ?? 0, 2)} at the end). The bar: every chart's query under ${BAR_MS} ms; the slowest here took ${decimal(worst)} ms.`,
    '',
    table,
    '',
    `Tables: ${tables}.`,
  ].join('\n');
}

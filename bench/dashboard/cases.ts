/**
 * What the dashboard workload times: each chart's query of gateway/dashboard/sql, alone, for
 * ranges ending just before the generated month does, and the whole `queryDashboard()` (its
 * charts side by side on the pool).
 */
import type { GroupBy, RangeQuery } from '../../gateway/dashboard/data.js';
import { readActivity } from '../../gateway/dashboard/sql/activity.js';
import { queryDashboard, readPlanOf } from '../../gateway/dashboard/sql/index.js';
import type { ReadPlan } from '../../gateway/dashboard/sql/plan.js';
import type { ResolvedSource, SpendLogSource } from '../../gateway/dashboard/sql/source.js';
import { readSpend } from '../../gateway/dashboard/sql/spend.js';
import { readTiming } from '../../gateway/dashboard/sql/timing.js';
import { readTop, topKeysSql, topUsersSql } from '../../gateway/dashboard/sql/top.js';

const HOUR_MS = 60 * 60_000;
const DAY_MS = 24 * HOUR_MS;

/** The ranges, by name, as spans that end at the range's `to`. */
export const RANGES: ReadonlyArray<readonly [string, number]> = [
  ['last hour', HOUR_MS],
  ['last day', DAY_MS],
  ['last week', 7 * DAY_MS],
  ['the month', 30 * DAY_MS],
];

/** The groupings each range is timed with (the spend chart is the one that depends on it). */
export const BYS: readonly GroupBy[] = ['model', 'key'];

/** One chart's query, as the workload times it. */
export interface Chart {
  name: string;
  read(source: ResolvedSource, plan: ReadPlan): Promise<unknown>;
}

/** Every chart of the page: one query each (the percentiles count the range's calls first, on a rollup path). */
export const CHARTS: readonly Chart[] = [
  { name: 'activity', read: readActivity },
  { name: 'percentiles', read: readTiming },
  { name: 'spend by group', read: readSpend },
  { name: 'top keys', read: (source, plan) => readTop(source, topKeysSql(source, plan)) },
  { name: 'top users', read: (source, plan) => readTop(source, topUsersSql(source, plan)) },
];

/** The range of a case: `span` back from `to`. */
export function rangeOf(to: number, span: number, by: GroupBy): RangeQuery {
  return { from: to - span, to, by };
}

/** Reads the plan once (as `queryDashboard` does), then times `read`. */
export async function timeChart(
  source: ResolvedSource,
  query: RangeQuery,
  chart: Chart,
): Promise<number> {
  const plan = await readPlanOf(source, query);
  const started = performance.now();
  await chart.read(source, plan);
  return performance.now() - started;
}

/** Times the whole dashboard of a range, plan included. */
export async function timeDashboard(source: SpendLogSource, query: RangeQuery): Promise<number> {
  const started = performance.now();
  await queryDashboard(source, query);
  return performance.now() - started;
}

/**
 * The dashboard's data from the spend log in PostgreSQL (postgresLogger's table and the rollup
 * it keeps): one query per chart, run side by side on the pool.
 */
import { ServiceUnavailableError } from '../../../src/kit/index.js';
import type { DashboardData, RangeQuery } from '../data.js';
import { readActivity } from './activity.js';
import { checkedQuery, planOf, type ReadPlan } from './plan.js';
import { rowsOf } from './rows.js';
import { type ResolvedSource, resolveSource, type SpendLogSource } from './source.js';
import { readSpend } from './spend.js';
import { readTiming } from './timing.js';
import { readTop, topKeysSql, topUsersSql } from './top.js';

export type { ReadPlan } from './plan.js';
export type { DashboardPool, KeysTableName, ResolvedSource, SpendLogSource } from './source.js';

/**
 * Everything the dashboard draws for a range, from the spend log: counts, sums and tops exact
 * (numeric sums, converted to numbers once); percentiles as `percentile_cont` gives them, from
 * every call or, for ranges of whole hours with more than `exactPercentilesUpTo` calls, from the
 * rollup's histograms. Ranges with buckets of an hour or more read the rollup for their whole
 * hours (a month is a few thousand rows), shorter ones the log's covering indexes.
 *
 * @throws ValidationError for a bad source or query; ServiceUnavailableError when PostgreSQL fails
 * @example
 * const data = await queryDashboard({ pool, keys: {} }, { from: Date.now() - 86_400_000, to: Date.now(), by: 'model' });
 */
export async function queryDashboard(
  source: SpendLogSource,
  query: RangeQuery,
): Promise<DashboardData> {
  const resolved = resolveSource(source);
  checkedQuery(query);
  try {
    const plan = await readPlanOf(resolved, query);
    const [activity, timing, spend, topKeys, topUsers] = await Promise.all([
      readActivity(resolved, plan),
      readTiming(resolved, plan),
      readSpend(resolved, plan),
      readTop(resolved, topKeysSql(resolved, plan)),
      readTop(resolved, topUsersSql(resolved, plan)),
    ]);
    const { totals, ...series } = activity;
    return {
      query: { from: query.from, to: query.to, by: query.by },
      bucketMs: plan.bucketMs,
      buckets: plan.buckets,
      totals: { ...totals, ...timing.totals },
      spend,
      requests: series.requests,
      errors: series.errors,
      latencyP50: timing.latencyP50,
      latencyP99: timing.latencyP99,
      ttftP50: timing.ttftP50,
      cacheHits: series.cacheHits,
      saved: series.saved,
      promptTokens: series.promptTokens,
      completionTokens: series.completionTokens,
      topKeys,
      topUsers,
      generatedAt: Date.now(),
    };
  } catch (error) {
    const reason = error instanceof Error && error.message !== '' ? error.message : String(error);
    throw new ServiceUnavailableError({
      message: `the dashboard could not read the spend log ${resolved.log}: ${reason}`,
      cause: error,
    });
  }
}

/** The plan of a range: whether the spend log has its rollup decides what is read from where. */
export async function readPlanOf(source: ResolvedSource, query: RangeQuery): Promise<ReadPlan> {
  const [row] = await rowsOf(source.pool, 'SELECT to_regclass($1) IS NOT NULL AS present', [
    source.rollup.hourTotal,
  ]);
  return planOf(query, row?.present === true);
}

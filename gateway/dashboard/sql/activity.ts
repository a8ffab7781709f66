import type { Totals } from '../data.js';
import type { ReadPlan } from './plan.js';
import { bucketIndexOf, numberOf, type Row, rowsOf } from './rows.js';
import type { ResolvedSource } from './source.js';
import { bucketOf, SqlValues, totalUnits } from './units.js';

/** The counts and sums of a range, per bucket and in all (the percentiles are {@link readTiming}'s). */
export interface Activity {
  totals: Omit<Totals, 'latencyP50' | 'latencyP99' | 'ttftP50'>;
  spend: number[];
  requests: number[];
  errors: number[];
  cacheHits: number[];
  saved: number[];
  promptTokens: number[];
  completionTokens: number[];
}

const FIELDS = [
  ['requests', 'requests'],
  ['errors', 'errors'],
  ['cache_hits', 'cacheHits'],
  ['spend', 'spend'],
  ['saved', 'saved'],
  ['prompt_tokens', 'promptTokens'],
  ['completion_tokens', 'completionTokens'],
] as const;

/** The requests, errors, cache hits, spend, saved dollars and tokens of a range. */
export function activitySql(source: ResolvedSource, plan: ReadPlan): [string, unknown[]] {
  const values = new SqlValues();
  const units = totalUnits(source, plan, values);
  const sums = FIELDS.map(([column]) => `sum(${column}) AS ${column}`).join(', ');
  const text = `SELECT bucket, ${sums}
FROM (SELECT ${bucketOf('at', plan, values)} AS bucket, * FROM ${units} AS units) AS calls
GROUP BY GROUPING SETS ((bucket), ())`;
  return [text, values.values];
}

/** Reads {@link Activity}: every bucket present, 0 where it had no call. */
export async function readActivity(source: ResolvedSource, plan: ReadPlan): Promise<Activity> {
  const rows = await rowsOf(source.pool, ...activitySql(source, plan));
  const zeros = () => plan.buckets.map(() => 0);
  const activity: Activity = {
    totals: {
      requests: 0,
      errors: 0,
      spend: 0,
      saved: 0,
      cacheHits: 0,
      promptTokens: 0,
      completionTokens: 0,
    },
    spend: zeros(),
    requests: zeros(),
    errors: zeros(),
    cacheHits: zeros(),
    saved: zeros(),
    promptTokens: zeros(),
    completionTokens: zeros(),
  };
  for (const row of rows) {
    if (row.bucket === null) {
      for (const [column, field] of FIELDS) activity.totals[field] = numberOf(row[column]);
      continue;
    }
    const index = bucketIndexOf(row.bucket, plan.buckets.length);
    if (index !== null) addTo(activity, index, row);
  }
  return activity;
}

function addTo(activity: Activity, index: number, row: Row): void {
  for (const [column, field] of FIELDS) activity[field][index] = numberOf(row[column]);
}

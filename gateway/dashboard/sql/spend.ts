import { NO_GROUP, OTHER_GROUP, type Series, TOP_GROUPS } from '../data.js';
import type { ReadPlan } from './plan.js';
import { bucketIndexOf, numberOf, numberOrNull, rowsOf } from './rows.js';
import type { ResolvedSource } from './source.js';
import { bucketOf, groupUnits, labelOf, SqlValues, totalUnits } from './units.js';

/**
 * The spend of a range per bucket, stacked by `query.by`: the groups ranked by their spend over
 * the range (ties by label, in code point order), the first `TOP_GROUPS` kept, and the rest
 * summed as one `other` series when there are more. The ranking reads sums over the range (the
 * daily rollup for whole days); the series read the kept groups' rows only (by value, on the
 * rollup's index), and `other` is each bucket's spend less the kept groups', in exact numeric.
 *
 * Rows: a kept group's `rank` and `label` (bucket null) with `groups`, the number of groups;
 * its spend per `bucket`; then `other`'s, ranked `TOP_GROUPS + 1`.
 */
export function spendSql(source: ResolvedSource, plan: ReadPlan): [string, unknown[]] {
  const values = new SqlValues();
  const { by } = plan.query;
  const top = values.add(TOP_GROUPS);
  const label = labelOf(by, values.add(NO_GROUP));
  const ranking = groupUnits(source, plan, values, { by, over: 'range' });
  const series = groupUnits(source, plan, values, {
    by,
    over: 'buckets',
    names: 'ARRAY(SELECT name FROM kept_names)',
  });
  const text = `WITH ranking AS (
  SELECT ${label} AS label, name, spend FROM ${ranking} AS units
), ranked AS (
  SELECT label, row_number() OVER (ORDER BY sum(spend) DESC, label COLLATE "C") AS rank,
    count(*) OVER () AS groups
  FROM ranking GROUP BY label
), kept AS (
  SELECT label, rank, groups FROM ranked WHERE rank <= ${top}
), kept_names AS (
  SELECT DISTINCT name FROM ranking JOIN kept USING (label)
), series AS (
  SELECT kept.rank, units.bucket, sum(units.spend) AS spend
  FROM (SELECT ${bucketOf('at', plan, values)} AS bucket, ${label} AS label, spend FROM ${series} AS units) AS units
  JOIN kept USING (label)
  GROUP BY kept.rank, units.bucket
), totals AS (
  SELECT bucket, sum(spend) AS spend
  FROM (SELECT ${bucketOf('at', plan, values)} AS bucket, spend FROM ${totalUnits(source, plan, values)} AS units) AS units
  GROUP BY bucket
)
SELECT rank, label, NULL::integer AS bucket, NULL::numeric AS spend, groups FROM kept
UNION ALL
SELECT rank, NULL, bucket, spend, NULL FROM series
UNION ALL
SELECT ${top} + 1, NULL, totals.bucket, totals.spend - coalesce(kept_spend.spend, 0), NULL
FROM totals LEFT JOIN (SELECT bucket, sum(spend) AS spend FROM series GROUP BY bucket) AS kept_spend USING (bucket)
WHERE (SELECT max(groups) FROM kept) > ${top}`;
  return [text, values.values];
}

/** Reads the spend series: the kept groups by rank, then `other` when there are more groups. */
export async function readSpend(source: ResolvedSource, plan: ReadPlan): Promise<Series[]> {
  const rows = await rowsOf(source.pool, ...spendSql(source, plan));
  const byRank = new Map<number, Series>();
  let groups = 0;
  for (const row of rows) {
    if (row.bucket === null && typeof row.label === 'string') {
      byRank.set(numberOf(row.rank), { name: row.label, values: plan.buckets.map(() => 0) });
      groups = numberOf(row.groups);
    }
  }
  if (groups > TOP_GROUPS) {
    byRank.set(TOP_GROUPS + 1, { name: OTHER_GROUP, values: plan.buckets.map(() => 0) });
  }
  for (const row of rows) {
    const index = bucketIndexOf(row.bucket, plan.buckets.length);
    const series = byRank.get(numberOf(row.rank));
    if (index !== null && series !== undefined) series.values[index] = numberOrNull(row.spend) ?? 0;
  }
  return [...byRank.entries()].sort(([a], [b]) => a - b).map(([, series]) => series);
}

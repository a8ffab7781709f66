/**
 * Latency and time-to-first-token percentiles, as PostgreSQL's `percentile_cont` computes them
 * (linear interpolation between the two nearest ranks). Read from every call of the range when
 * it is read from the log, or when its whole hours hold at most `exactPercentilesUpTo` calls;
 * otherwise from the rollup's hourly histograms (see {@link histogramSql}).
 */
import { binOf } from '../../../middleware/postgres-logger/rollup.js';
import { type Bin, binsOf, mergeBins, percentileOf } from './histogram.js';
import type { ReadPlan, Span } from './plan.js';
import { bucketIndexOf, numberOf, numberOrNull, rowsOf } from './rows.js';
import type { ResolvedSource } from './source.js';
import { bucketOf, SqlValues, within } from './units.js';

/** Milliseconds per bucket (null where a bucket has no call, or no stream for ttft) and over the range. */
export interface Timing {
  latencyP50: Array<number | null>;
  latencyP99: Array<number | null>;
  ttftP50: Array<number | null>;
  totals: { latencyP50: number | null; latencyP99: number | null; ttftP50: number | null };
}

/** The exact percentiles, from every call of the range: one row per bucket, and one (bucket null) for the range. */
export function exactSql(source: ResolvedSource, plan: ReadPlan): [string, unknown[]] {
  const values = new SqlValues();
  const range = { start: plan.query.from, end: plan.query.to };
  const text = `SELECT bucket,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS latency_p50,
  percentile_cont(0.99) WITHIN GROUP (ORDER BY latency_ms) AS latency_p99,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY ttft_ms) AS ttft_p50
FROM (
  SELECT ${bucketOf('start_time', plan, values)} AS bucket, latency_ms, ttft_ms
  FROM ${source.log} WHERE ${within('start_time', range, values)}
) AS calls
GROUP BY GROUPING SETS ((bucket), ())`;
  return [text, values.values];
}

/**
 * The histograms of a range, one per bucket and metric (`ttft` false for latency): the
 * rollup's hourly bins and the broken hours' calls binned alike, summed per bucket, as
 * `[[bin, calls, low, high], ...]` in bin order (see histogram.ts for the percentiles).
 */
export function histogramSql(source: ResolvedSource, plan: ReadPlan): [string, unknown[]] {
  const values = new SqlValues();
  const binned = (span: Span) => `SELECT m.ttft, ${bucketOf('start_time', plan, values)},
  ${binOf('m.value')}, 1, m.value, m.value
FROM ${source.log} CROSS JOIN LATERAL (VALUES (false, latency_ms), (true, ttft_ms)) AS m(ttft, value)
WHERE ${within('start_time', span, values)} AND m.value IS NOT NULL`;
  const rolled = (span: Span) => `SELECT metric = 'ttft', ${bucketOf('hour', plan, values)},
  bin, calls, low, high
FROM ${source.rollup.hourTiming} WHERE ${within('hour', span, values)}`;
  const parts = plan.raw.map(binned);
  if (plan.hours !== undefined) parts.push(rolled(plan.hours));
  const text = `SELECT ttft, bucket, array_agg(ARRAY[bin, calls, low, high] ORDER BY bin) AS bins
FROM (
  SELECT ttft, bucket, bin, sum(calls)::integer AS calls, min(low) AS low, max(high) AS high
  FROM (${parts.join('\nUNION ALL\n')}) AS parts (ttft, bucket, bin, calls, low, high)
  GROUP BY ttft, bucket, bin
) AS bins
GROUP BY ttft, bucket`;
  return [text, values.values];
}

/** How many calls the whole hours of a range hold, from the rollup. */
function countSql(source: ResolvedSource, plan: ReadPlan): [string, unknown[]] {
  const values = new SqlValues();
  const hours = plan.hours ?? { start: 0, end: 0 };
  const text = `SELECT coalesce(sum(requests), 0) AS calls FROM ${source.rollup.hourTotal} WHERE ${within('hour', hours, values)}`;
  return [text, values.values];
}

/** Reads {@link Timing}. */
export async function readTiming(source: ResolvedSource, plan: ReadPlan): Promise<Timing> {
  const timing: Timing = {
    latencyP50: plan.buckets.map(() => null),
    latencyP99: plan.buckets.map(() => null),
    ttftP50: plan.buckets.map(() => null),
    totals: { latencyP50: null, latencyP99: null, ttftP50: null },
  };
  if (await usesHistograms(source, plan)) {
    const latencies: Bin[][] = [];
    const ttfts: Bin[][] = [];
    for (const row of await rowsOf(source.pool, ...histogramSql(source, plan))) {
      const index = bucketIndexOf(row.bucket, plan.buckets.length);
      const bins = binsOf(row.bins);
      if (index === null) continue;
      if (row.ttft === true) {
        ttfts.push(bins);
        timing.ttftP50[index] = percentileOf(bins, 0.5);
      } else {
        latencies.push(bins);
        timing.latencyP50[index] = percentileOf(bins, 0.5);
        timing.latencyP99[index] = percentileOf(bins, 0.99);
      }
    }
    const latency = mergeBins(latencies);
    timing.totals = {
      latencyP50: percentileOf(latency, 0.5),
      latencyP99: percentileOf(latency, 0.99),
      ttftP50: percentileOf(mergeBins(ttfts), 0.5),
    };
    return timing;
  }
  for (const row of await rowsOf(source.pool, ...exactSql(source, plan))) {
    place(timing, 'latencyP50', row.bucket, numberOrNull(row.latency_p50), plan);
    place(timing, 'latencyP99', row.bucket, numberOrNull(row.latency_p99), plan);
    place(timing, 'ttftP50', row.bucket, numberOrNull(row.ttft_p50), plan);
  }
  return timing;
}

async function usesHistograms(source: ResolvedSource, plan: ReadPlan): Promise<boolean> {
  if (plan.hours === undefined) return false;
  const [row] = await rowsOf(source.pool, ...countSql(source, plan));
  return numberOf(row?.calls) > source.exactPercentilesUpTo;
}

function place(
  timing: Timing,
  field: 'latencyP50' | 'latencyP99' | 'ttftP50',
  bucket: unknown,
  value: number | null,
  plan: ReadPlan,
): void {
  if (bucket === null) {
    timing.totals[field] = value;
    return;
  }
  const index = bucketIndexOf(bucket, plan.buckets.length);
  if (index !== null) timing[field][index] = value;
}

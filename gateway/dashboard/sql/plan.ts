import { ValidationError } from '../../../src/kit/index.js';
import { bucketMsOf, bucketStartOf, GROUP_BYS, type RangeQuery } from '../data.js';

/** A span of time, start inclusive, end exclusive (epoch ms). */
export interface Span {
  start: number;
  end: number;
}

/**
 * Where each part of a range is read from. Buckets of an hour or more start on whole hours, so
 * when the rollup is there its hourly rows give every whole hour of the range, and only the
 * broken hours at its ends are read from the log; sums over the whole range (rankings) read
 * whole UTC days from the daily rows. Shorter buckets read every call from the log.
 */
export interface ReadPlan {
  query: RangeQuery;
  bucketMs: number;
  /** Each bucket's start (epoch ms). */
  buckets: number[];
  /** The calls read from the log: all of them, or the broken hours at the ends. */
  raw: Span[];
  /** The whole hours read from the hourly rollup, for values per bucket. */
  hours: Span | undefined;
  /** The same hours for sums over the range: those outside {@link days}. */
  rangeHours: Span[];
  /** The whole days read from the daily rollup, for sums over the range. */
  days: Span | undefined;
}

const HOUR_MS = 60 * 60_000;
const DAY_MS = 24 * HOUR_MS;
/** A range may have at most this many buckets: 1,000 days of day buckets. */
export const MAX_BUCKETS = 1000;

/** The plan of a range; `rollup` says whether the spend log has its rollup. @throws ValidationError for a bad query */
export function planOf(query: RangeQuery, rollup: boolean): ReadPlan {
  const { from, to } = checkedQuery(query);
  const bucketMs = bucketMsOf(from, to);
  const first = bucketStartOf(from, bucketMs);
  const count = Math.ceil((to - first) / bucketMs);
  if (count > MAX_BUCKETS) {
    throw ValidationError.forField(
      `${FIELD}.to`,
      `expected a range of at most ${MAX_BUCKETS} buckets (${MAX_BUCKETS} days), received one of ${count}.`,
    );
  }
  const buckets = Array.from({ length: count }, (_, index) => first + index * bucketMs);
  const plan = { query, bucketMs, buckets, raw: [{ start: from, end: to }], rangeHours: [] };
  const hours = rollup && bucketMs % HOUR_MS === 0 ? wholeIn(from, to, HOUR_MS) : undefined;
  if (hours === undefined) return { ...plan, hours: undefined, days: undefined };
  const days = wholeIn(hours.start, hours.end, DAY_MS);
  return {
    ...plan,
    raw: spansAround({ start: from, end: to }, hours),
    hours,
    rangeHours: days === undefined ? [hours] : spansAround(hours, days),
    days,
  };
}

const FIELD = 'queryDashboard query';

/** Checks a range query. @throws ValidationError naming the bad field */
export function checkedQuery(query: RangeQuery): RangeQuery {
  if (typeof query !== 'object' || query === null) {
    throw ValidationError.forField(FIELD, 'expected an object such as { from, to, by }.');
  }
  const { from, to, by } = query;
  for (const [name, value] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (!Number.isSafeInteger(value) || Math.abs(value) > 8.64e15) {
      throw ValidationError.forField(
        `${FIELD}.${name}`,
        `expected a whole number of epoch milliseconds, received ${String(value)}.`,
      );
    }
  }
  if (!(from < to)) {
    throw ValidationError.forField(
      `${FIELD}.to`,
      `expected a time after from (${from}), received ${to}.`,
    );
  }
  if (!GROUP_BYS.includes(by)) {
    throw ValidationError.forField(
      `${FIELD}.by`,
      `expected one of ${GROUP_BYS.join(', ')}, received ${JSON.stringify(String(by).slice(0, 40))}.`,
    );
  }
  return query;
}

/** The whole `unit`s (epoch-aligned) inside [from, to), or undefined when there is none. */
function wholeIn(from: number, to: number, unit: number): Span | undefined {
  const start = Math.ceil(from / unit) * unit;
  const end = Math.floor(to / unit) * unit;
  return start < end ? { start, end } : undefined;
}

/** The parts of `outer` before and after `inner`, where not empty. */
function spansAround(outer: Span, inner: Span): Span[] {
  const spans: Span[] = [];
  if (outer.start < inner.start) spans.push({ start: outer.start, end: inner.start });
  if (inner.end < outer.end) spans.push({ start: inner.end, end: outer.end });
  return spans;
}

/**
 * How the page writes numbers and times: in the reader's locale, `–` for what is missing.
 * Browser code, inlined into the page (see ../assets.ts): no imports from Node.
 */

const wholeNumbers = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const compactNumbers = new Intl.NumberFormat(undefined, {
  notation: 'compact',
  maximumFractionDigits: 1,
});
const percents = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 });
const dollars = new Intl.NumberFormat(undefined, {
  style: 'currency',
  currency: 'USD',
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});
const cents = new Intl.NumberFormat(undefined, {
  style: 'currency',
  currency: 'USD',
  minimumFractionDigits: 2,
  maximumFractionDigits: 3,
});
const fractionsOfCents = new Intl.NumberFormat(undefined, {
  style: 'currency',
  currency: 'USD',
  maximumSignificantDigits: 3,
});
const dateTimes = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** What a missing value reads as. */
export const MISSING = '–';

/** A value in its unit (`count`, `usd`, `ms` or `ratio`), in full, for tables and tiles. */
export function formatValue(unit, value) {
  if (value === null || value === undefined || Number.isNaN(value)) return MISSING;
  if (unit === 'usd') return formatDollars(value);
  if (unit === 'ms') return formatMilliseconds(value);
  if (unit === 'ratio') return percents.format(value);
  return wholeNumbers.format(value);
}

/** A value in its unit, short, for a chart's axis. */
export function formatTick(unit, value) {
  if (unit === 'usd') return value === 0 ? '$0' : formatDollars(value);
  if (unit === 'ms') return formatMilliseconds(value);
  if (unit === 'ratio') return percents.format(value);
  return compactNumbers.format(value);
}

/** Dollars: cents from a dollar, tenths of cents from a cent, three significant digits below (a call costs $0.0000063). */
export function formatDollars(value) {
  const size = Math.abs(value);
  if (size === 0 || size >= 1) return dollars.format(value);
  return size >= 0.01 ? cents.format(value) : fractionsOfCents.format(value);
}

/** Milliseconds, as seconds from 1 s. */
export function formatMilliseconds(value) {
  if (Math.abs(value) < 1000) return `${wholeNumbers.format(value)} ms`;
  return `${(value / 1000).toFixed(2)} s`;
}

/** An epoch-milliseconds time in the reader's time zone. */
export function formatTime(time) {
  return dateTimes.format(new Date(time));
}

/** A bucket width in words: `1-minute`, `3-hour`, `1-day`. */
export function formatBucket(bucketMs) {
  const minutes = bucketMs / 60_000;
  if (minutes < 60) return `${minutes}-minute`;
  if (minutes < 1440) return `${minutes / 60}-hour`;
  return `${minutes / 1440}-day`;
}

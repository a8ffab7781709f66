/** The sliding window of `rpm` and `tpm`: one minute, counted in buckets of five seconds. */
export const WINDOW_MS = 60_000;
export const BUCKET_MS = 5_000;
export const BUCKETS = WINDOW_MS / BUCKET_MS;

/** The bucket `now` falls in. */
export function bucketOf(now: number): number {
  return Math.floor(now / BUCKET_MS);
}

/**
 * One counter's sliding window in this process: a ring of {@link BUCKETS} slots, each the count
 * of one bucket (a slot holding an older bucket counts 0 and is reused), so that counting and
 * reading allocate nothing.
 */
export class SlidingWindow {
  readonly #buckets = new Float64Array(BUCKETS).fill(-1);
  readonly #counts = new Float64Array(BUCKETS);

  /**
   * For the amount of the last {@link use} that went over its limit, from when it fits (epoch
   * milliseconds); undefined when it fit, or never fits (more than the limit on its own).
   */
  fitsAt: number | undefined = undefined;

  /**
   * What the window that ends in `bucket` has counted; sets {@link fitsAt} for a new `amount`
   * that would go over `limit` (as old buckets leave the window one by one). A number and a
   * field rather than an object: this runs for every call, and allocates nothing.
   */
  use(bucket: number, amount: number, limit: number): number {
    const oldest = bucket - BUCKETS + 1;
    let used = 0;
    for (let slot = 0; slot < BUCKETS; slot++) {
      if ((this.#buckets[slot] as number) >= oldest) used += this.#counts[slot] as number;
    }
    this.fitsAt = undefined;
    if (used + amount <= limit) return used;
    let freed = used;
    // Oldest first: bucket `oldest + step` sits in the slot of its own index.
    for (let index = oldest; index <= bucket; index++) {
      const slot = slotOf(index);
      if (this.#buckets[slot] !== index) continue;
      freed -= this.#counts[slot] as number;
      // The bucket leaves the window when the window's oldest bucket is past it.
      if (freed + amount <= limit) {
        this.fitsAt = (index + BUCKETS) * BUCKET_MS;
        return used;
      }
    }
    return used;
  }

  /** Adds `amount` (less than 0 to take some back, never below 0) to `bucket`, if it is still in the window that ends in `current`. */
  add(bucket: number, amount: number, current: number): void {
    if (bucket <= current - BUCKETS) return;
    const slot = slotOf(bucket);
    if (this.#buckets[slot] !== bucket) {
      // The slot holds a bucket that has left the window (or none): it starts again.
      if ((this.#buckets[slot] as number) > bucket) return;
      this.#buckets[slot] = bucket;
      this.#counts[slot] = 0;
    }
    this.#counts[slot] = Math.max(0, (this.#counts[slot] as number) + amount);
  }

  /** True when nothing in the window that ends in `current` counts. */
  isQuietAt(current: number): boolean {
    const oldest = current - BUCKETS + 1;
    for (let slot = 0; slot < BUCKETS; slot++) {
      if ((this.#buckets[slot] as number) >= oldest && (this.#counts[slot] as number) > 0)
        return false;
    }
    return true;
  }
}

function slotOf(bucket: number): number {
  return ((bucket % BUCKETS) + BUCKETS) % BUCKETS;
}

/** A budget's period: `'day'` and `'month'` on the calendar of a time zone, or a rolling number of seconds. */
export type BudgetPeriod = 'day' | 'month' | { seconds: number };

/** The period `now` is in: an id for its counter's key, and when it ends (epoch milliseconds). */
export function periodOf(
  period: BudgetPeriod,
  timeZone: string,
  now: number,
): { id: string; endsAt: number } {
  const key = typeof period === 'object' ? `${period.seconds}s` : `${period}|${timeZone}`;
  const known = lastPeriods.get(key);
  // Periods follow each other: one found at `since` holds until it ends.
  if (known !== undefined && known.since <= now && now < known.endsAt) return known;
  const found = computePeriod(period, timeZone, now);
  if (lastPeriods.size > 64) lastPeriods.clear();
  lastPeriods.set(key, { ...found, since: now });
  return found;
}

/** The last period found for each period and time zone, and from when it is known to hold. */
const lastPeriods = new Map<string, { id: string; endsAt: number; since: number }>();

function computePeriod(
  period: BudgetPeriod,
  timeZone: string,
  now: number,
): { id: string; endsAt: number } {
  if (typeof period === 'object') {
    const length = period.seconds * 1000;
    const index = Math.floor(now / length);
    return { id: `${period.seconds}s-${index}`, endsAt: (index + 1) * length };
  }
  const { year, month, day } = calendarDate(now, timeZone);
  if (period === 'day') {
    const next = new Date(Date.UTC(year, month - 1, day + 1));
    return {
      id: `${year}-${pad(month)}-${pad(day)}`,
      endsAt: startOfLocalDay(
        next.getUTCFullYear(),
        next.getUTCMonth() + 1,
        next.getUTCDate(),
        timeZone,
      ),
    };
  }
  const next = new Date(Date.UTC(year, month, 1));
  return {
    id: `${year}-${pad(month)}`,
    endsAt: startOfLocalDay(next.getUTCFullYear(), next.getUTCMonth() + 1, 1, timeZone),
  };
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** The calendar date and time of `instant` in `timeZone`. */
function calendarDate(instant: number, timeZone: string) {
  let format = formats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(timeZone, format);
  }
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year as number,
    month: parts.month as number,
    day: parts.day as number,
    hour: parts.hour as number,
    minute: parts.minute as number,
    second: parts.second as number,
  };
}

/** The epoch milliseconds of midnight at the start of a calendar day in `timeZone`. */
function startOfLocalDay(year: number, month: number, day: number, timeZone: string): number {
  const asUtc = Date.UTC(year, month - 1, day);
  // The zone's offset there, found from the calendar time it shows at that instant; twice,
  // since the offset at the guess can differ from the offset at the answer (a DST change).
  let guess = asUtc;
  for (let round = 0; round < 2; round++) {
    const shown = calendarDate(guess, timeZone);
    const shownAsUtc = Date.UTC(
      shown.year,
      shown.month - 1,
      shown.day,
      shown.hour,
      shown.minute,
      shown.second,
    );
    guess = asUtc - (shownAsUtc - guess);
  }
  return guess;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

/** True when `timeZone` is one this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

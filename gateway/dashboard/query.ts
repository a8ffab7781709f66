import { type HttpError, httpError } from '../errors.js';
import { GROUP_BYS, type GroupBy, type RangeQuery } from './data.js';

/** The default range: the last day. */
export const DEFAULT_SPAN_MS = 24 * 60 * 60_000;
/** The longest range one request may ask for: about 13 months. */
export const MAX_SPAN_MS = 400 * 24 * 60 * 60_000;

/**
 * The range a dashboard request asks for, from its query string: `from` and `to` as epoch
 * milliseconds or ISO 8601 dates (default: the last day, up to now), `by` one of
 * `model|key|user|team` (default `model`). A bad value is a 400 naming the parameter.
 */
export function rangeQueryOf(search: URLSearchParams, now: number): RangeQuery | HttpError {
  const to = timeOf(search.get('to'), 'to', now);
  if (typeof to !== 'number') return to;
  const from = timeOf(search.get('from'), 'from', to - DEFAULT_SPAN_MS);
  if (typeof from !== 'number') return from;
  if (from >= to) {
    return httpError(400, 'from must be before to', 'invalid_range', 'from');
  }
  if (to - from > MAX_SPAN_MS) {
    return httpError(400, 'the range may span at most 400 days', 'invalid_range', 'from');
  }
  const by = search.get('by') ?? 'model';
  if (!(GROUP_BYS as readonly string[]).includes(by)) {
    return httpError(
      400,
      `by must be one of ${GROUP_BYS.join(', ')}; received ${JSON.stringify(by.slice(0, 40))}`,
      'invalid_group',
      'by',
    );
  }
  return { from, to, by: by as GroupBy };
}

function timeOf(text: string | null, name: string, fallback: number): number | HttpError {
  if (text === null || text === '') return fallback;
  const time = /^\d{1,15}$/.test(text) ? Number(text) : Date.parse(text);
  if (Number.isFinite(time) && time >= 0) return time;
  return httpError(
    400,
    `${name} must be epoch milliseconds or an ISO 8601 date such as 2026-12-01T00:00:00Z`,
    'invalid_range',
    name,
  );
}

/**
 * Names close to a mistyped one, for "did you mean …?" in validation errors. Names are compared
 * without case and without `_` or `-`, so `num_retries`, `NumRetries` and `numRetries` are one
 * name; the distance is the optimal string alignment distance (an edit is an insertion, a
 * deletion, a substitution or the swap of two neighbours).
 */

/** A name without case and separators: `num_retries` and `numRetries` give `numretries`. */
export function normalName(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, '');
}

/**
 * Edits between `a` and `b`, or `limit + 1` as soon as it is sure to be over `limit` (names are
 * short, but a caller's key may be any length: the length gap alone decides first).
 */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let beforeLast: number[] = [];
  let last = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(
        (last[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (last[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, (beforeLast[j - 2] as number) + 1);
      }
      row.push(value);
      if (value < best) best = value;
    }
    if (best > limit) return limit + 1;
    beforeLast = last;
    last = row;
  }
  return last[b.length] as number;
}

/** A candidate name and its distance from the name looked for. */
export interface NearName {
  name: string;
  edits: number;
}

/**
 * The candidate closest to `name` within `limit` edits (compared as {@link normalName}s), the
 * first of equals; none when every candidate is further.
 */
export function closestName(
  name: string,
  candidates: Iterable<string>,
  limit: number,
): NearName | undefined {
  const wanted = normalName(name);
  let best: NearName | undefined;
  for (const candidate of candidates) {
    const edits = editDistance(wanted, normalName(candidate), best ? best.edits - 1 : limit);
    if (edits <= (best ? best.edits - 1 : limit)) best = { name: candidate, edits };
  }
  return best;
}

/**
 * How many edits a mistyped name may be from the one suggested: a third of its length,
 * rounded up, so that `numRetry` finds `numRetries` and `abc` finds nothing further than one.
 */
export function suggestionLimit(name: string): number {
  return Math.max(1, Math.ceil(normalName(name).length / 3));
}

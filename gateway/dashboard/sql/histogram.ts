/**
 * Percentiles of the calls a histogram holds, as `percentile_cont` takes them of the calls
 * themselves. A bin knows its calls and its lowest and highest value; its calls are taken to
 * lie evenly on the line from the one to the other, which is exact when the bin holds one value,
 * or at most two calls, and otherwise off by less than the bin's width.
 */

/** One bin of a histogram: its calls and their lowest and highest value (ms). */
export interface Bin {
  /** The bin's number: bins are in the order of their values. */
  id: number;
  calls: number;
  low: number;
  high: number;
}

/**
 * `percentile_cont(fraction)` of the calls of `bins`, in bin order: the value at position
 * `fraction * (n - 1)`, linearly between its neighbours; null for no call.
 */
export function percentileOf(bins: readonly Bin[], fraction: number): number | null {
  let total = 0;
  for (const bin of bins) total += bin.calls;
  if (total === 0) return null;
  const position = fraction * (total - 1);
  const below = Math.floor(position);
  const lower = valueAt(bins, below);
  const upper = valueAt(bins, Math.ceil(position));
  // As PostgreSQL interpolates: first + (second - first) * proportion.
  return lower + (upper - lower) * (position - below);
}

/** The value of the call ranked `rank` (from 0). */
function valueAt(bins: readonly Bin[], rank: number): number {
  let first = 0;
  for (const bin of bins) {
    if (rank < first + bin.calls) {
      return bin.calls === 1
        ? bin.low
        : bin.low + ((bin.high - bin.low) * (rank - first)) / (bin.calls - 1);
    }
    first += bin.calls;
  }
  return Number.NaN;
}

/** Several histograms as one, in bin order. */
export function mergeBins(histograms: Iterable<readonly Bin[]>): Bin[] {
  const merged = new Map<number, Bin>();
  for (const bins of histograms) {
    for (const bin of bins) {
      const kept = merged.get(bin.id);
      if (kept === undefined) merged.set(bin.id, { ...bin });
      else {
        kept.calls += bin.calls;
        kept.low = Math.min(kept.low, bin.low);
        kept.high = Math.max(kept.high, bin.high);
      }
    }
  }
  return [...merged.values()].sort((a, b) => a.id - b.id);
}

/** A histogram as SQL gives it (`[[bin, calls, low, high], ...]`), or none where it is not one. */
export function binsOf(value: unknown): Bin[] {
  if (!Array.isArray(value)) return [];
  const bins: Bin[] = [];
  for (const item of value) {
    if (!Array.isArray(item) || item.length !== 4) continue;
    const [id, calls, low, high] = item as unknown[];
    if ([id, calls, low, high].every(Number.isFinite) && (calls as number) > 0) {
      bins.push({
        id: id as number,
        calls: calls as number,
        low: low as number,
        high: high as number,
      });
    }
  }
  return bins;
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] as number;
  return sorted.length % 2 === 1 ? upper : (upper + (sorted[middle - 1] as number)) / 2;
}

/** The arithmetic mean of a non-empty list. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) throw new Error('mean of an empty list');
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** The largest value of a non-empty list. */
export function max(values: readonly number[]): number {
  if (values.length === 0) throw new Error('max of an empty list');
  return Math.max(...values);
}

/** The spread of a list around its median: (max - min) / median, 0 for one value. */
export function relativeSpread(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const low = sorted[0] as number;
  const high = sorted[sorted.length - 1] as number;
  return (high - low) / median(values);
}

/** The least-squares slope of `y` over `x`: how much y grows per unit of x. */
export function slope(x: readonly number[], y: readonly number[]): number {
  if (x.length !== y.length || x.length < 2) throw new Error('slope needs two points or more');
  const meanX = mean(x);
  const meanY = mean(y);
  let numerator = 0;
  let denominator = 0;
  x.forEach((xValue, index) => {
    numerator += (xValue - meanX) * ((y[index] as number) - meanY);
    denominator += (xValue - meanX) ** 2;
  });
  return numerator / denominator;
}

/** The median and the largest of a non-empty list. */
export interface MedianAndMax {
  median: number;
  max: number;
}

/** The median and the largest of a non-empty list. */
export function medianAndMax(values: readonly number[]): MedianAndMax {
  return { median: median(values), max: max(values) };
}

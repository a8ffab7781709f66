/** One series of {@link LatencyHistogram}: its labels, and its counts per bucket. */
export interface LatencySeries {
  labels: Readonly<Record<string, string>>;
  /** Observations per bucket (not cumulative), the last one past every bound (`+Inf`). */
  counts: Float64Array;
  sum: number;
  count: number;
}

/** A value of a metric as prom-client's registry reads it. */
interface MetricValue {
  labels: Record<string, string | number>;
  sharedLabels?: Readonly<Record<string, string>>;
  value: number;
  metricName: string;
  /** prom-client's buckets carry one (none here). */
  exemplar?: null;
}

/**
 * A Prometheus histogram of seconds, registered in a prom-client `Registry` as a metric of its
 * own (`registry.registerMetric()`), whose text is the same as prom-client's `Histogram`. It
 * exists for its `observe()`: a number added to a series the caller keeps, where prom-client's
 * checks and hashes the labels of every observation (about a microsecond, on every call of the
 * gateway).
 */
export class LatencyHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly #bounds: readonly number[];
  readonly #series = new Map<string, LatencySeries>();

  constructor(
    readonly name: string,
    readonly help: string,
    bounds: readonly number[],
  ) {
    this.#bounds = [...bounds].sort((a, b) => a - b);
  }

  /** The series of these labels, by an id of the caller's that stands for them. */
  series(id: string, labels: Readonly<Record<string, string>>): LatencySeries {
    let series = this.#series.get(id);
    if (series === undefined) {
      series = { labels, counts: new Float64Array(this.#bounds.length + 1), sum: 0, count: 0 };
      this.#series.set(id, series);
    }
    return series;
  }

  /** Counts one observation, in seconds, in a series from {@link series}. */
  observe(series: LatencySeries, seconds: number): void {
    if (!Number.isFinite(seconds)) return;
    const bounds = this.#bounds;
    let index = 0;
    while (index < bounds.length && seconds > (bounds[index] as number)) index++;
    series.counts[index] = (series.counts[index] as number) + 1;
    series.sum += seconds;
    series.count++;
  }

  /** What the registry writes as text: cumulative buckets, `+Inf`, sum and count per series. */
  async getForPromString(): Promise<{
    name: string;
    help: string;
    type: string;
    aggregator: string;
    values: MetricValue[];
  }> {
    const values: MetricValue[] = [];
    const bucket = `${this.name}_bucket`;
    for (const { labels, counts, sum, count } of this.#series.values()) {
      let cumulative = 0;
      this.#bounds.forEach((bound, index) => {
        cumulative += counts[index] as number;
        values.push({
          labels: { le: bound },
          sharedLabels: labels,
          value: cumulative,
          metricName: bucket,
          exemplar: null,
        });
      });
      values.push({
        labels: { le: '+Inf' },
        sharedLabels: labels,
        value: count,
        metricName: bucket,
        exemplar: null,
      });
      values.push({ labels: {}, sharedLabels: labels, value: sum, metricName: `${this.name}_sum` });
      values.push({
        labels: {},
        sharedLabels: labels,
        value: count,
        metricName: `${this.name}_count`,
      });
    }
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values,
    };
  }

  /** The same, each value's labels whole (the registry's JSON). */
  async get(): Promise<Awaited<ReturnType<LatencyHistogram['getForPromString']>>> {
    const data = await this.getForPromString();
    data.values = data.values.map(({ sharedLabels, labels, ...value }) => ({
      ...value,
      labels: { ...labels, ...sharedLabels },
    }));
    return data;
  }

  /** Forgets every series (`registry.resetMetrics()`). */
  reset(): void {
    this.#series.clear();
  }
}

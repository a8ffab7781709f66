import client from 'prom-client';
import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../gateway/latency-histogram.js';

const BOUNDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const NAME = 'shallot_request_duration_seconds';
const HELP = 'Time from the request to the end of the answer';

/** The same observations through prom-client's Histogram and through ours, each in a registry. */
function bothOf(observations: ReadonlyArray<[Record<string, string>, number]>) {
  const theirs = new client.Registry();
  const histogram = new client.Histogram({
    name: NAME,
    help: HELP,
    labelNames: ['model', 'key', 'status'],
    buckets: BOUNDS,
    registers: [theirs],
  });
  const ours = new client.Registry();
  const latency = new LatencyHistogram(NAME, HELP, BOUNDS);
  ours.registerMetric(latency as unknown as client.Metric);
  for (const [labels, seconds] of observations) {
    histogram.observe(labels, seconds);
    latency.observe(latency.series(JSON.stringify(labels), labels), seconds);
  }
  return { theirs, ours, latency };
}

describe('the gateway latency histogram', () => {
  const alice = { model: 'gpt-4o-mini', key: 'alice', status: 'success' };
  const quoted = { model: 'a "quoted" \\ model', key: 'none', status: 'rate_limit' };
  const observations: Array<[Record<string, string>, number]> = [
    [alice, 0.01],
    [alice, 0.05],
    [alice, 0.3],
    [alice, 125],
    [quoted, 2.5],
    [quoted, 0.0999],
  ];

  it("writes the same Prometheus text as prom-client's Histogram for the same observations", async () => {
    const { theirs, ours } = bothOf(observations);
    const text = await ours.metrics();
    expect(text).toBe(await theirs.metrics());
    expect(text).toContain(
      'shallot_request_duration_seconds_bucket{le="0.05",model="gpt-4o-mini",key="alice",status="success"} 2',
    );
    expect(text).toContain(
      'shallot_request_duration_seconds_bucket{le="+Inf",model="gpt-4o-mini",key="alice",status="success"} 4',
    );
  });

  it("gives the same JSON as prom-client's, and forgets every series on reset", async () => {
    const { theirs, ours } = bothOf(observations);
    expect(await ours.getMetricsAsJSON()).toEqual(await theirs.getMetricsAsJSON());
    ours.resetMetrics();
    expect(await ours.metrics()).not.toContain('_bucket');
  });

  it('leaves out a duration that is not a number rather than spoil the sum', async () => {
    const { ours, latency } = bothOf([[alice, 0.2]]);
    latency.observe(latency.series(JSON.stringify(alice), alice), Number.NaN);
    expect(await ours.metrics()).toContain(
      'shallot_request_duration_seconds_count{model="gpt-4o-mini",key="alice",status="success"} 1',
    );
  });
});

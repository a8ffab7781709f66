/**
 * The five charts: what each draws from the data (its series, their units), its table of
 * values and CSV, and its uPlot plot (the global `uPlot` of the script inlined before this one).
 */
import { csvOf } from './csv.js';
import { element } from './dom.js';
import { formatBucket, formatTick, formatTime, formatValue, MISSING } from './format.js';

/** How many series colours the stylesheet sets (`--series-0` ...). */
const SERIES_COLOURS = 10;

/** Pixels. */
const PLOT_HEIGHT = 220;

/**
 * What each chart shows: series with a `name` (the table's and the CSV's column), a `label`
 * for people, a `unit` (`count`, `usd`, `ms`, `ratio`), values per bucket, and `plotted: false`
 * for a series only in the table.
 */
export function chartSpecsOf(data) {
  const rateOf = (part, whole) =>
    whole.map((count, index) => (count === 0 ? null : (part[index] ?? 0) / count));
  return [
    {
      id: 'spend',
      title: `Spend by ${data.query.by}`,
      stacked: true,
      series: data.spend.map((group) => ({
        name: group.name,
        label: group.name,
        unit: 'usd',
        values: group.values,
      })),
    },
    {
      id: 'requests',
      title: 'Requests and errors',
      series: [
        { name: 'requests', label: 'Requests', unit: 'count', values: data.requests },
        { name: 'errors', label: 'Errors', unit: 'count', values: data.errors },
        {
          name: 'error_rate',
          label: 'Error rate',
          unit: 'ratio',
          values: rateOf(data.errors, data.requests),
        },
      ],
    },
    {
      id: 'latency',
      title: 'Latency',
      series: [
        { name: 'latency_p50_ms', label: 'p50', unit: 'ms', values: data.latencyP50 },
        { name: 'latency_p99_ms', label: 'p99', unit: 'ms', values: data.latencyP99 },
        { name: 'ttft_p50_ms', label: 'First token p50', unit: 'ms', values: data.ttftP50 },
      ],
    },
    {
      id: 'cache',
      title: 'Cache hits and savings',
      series: [
        {
          name: 'cache_hits',
          label: 'Hits',
          unit: 'count',
          values: data.cacheHits,
          plotted: false,
        },
        {
          name: 'cache_hit_rate',
          label: 'Hit rate',
          unit: 'ratio',
          values: rateOf(data.cacheHits, data.requests),
        },
        { name: 'saved_usd', label: 'Saved', unit: 'usd', values: data.saved },
      ],
    },
    {
      id: 'tokens',
      title: 'Tokens in and out',
      series: [
        { name: 'prompt_tokens', label: 'In', unit: 'count', values: data.promptTokens },
        { name: 'completion_tokens', label: 'Out', unit: 'count', values: data.completionTokens },
      ],
    },
  ];
}

/**
 * Draws a chart into its `<figure data-chart>`: the title, the plot, the data table. Returns
 * what tests and the CSV button read: its columns, rows, `csv()` and the uPlot instance.
 */
export function renderChart(figure, spec, data, theme) {
  const columns = ['bucket_start', ...spec.series.map((series) => series.name)];
  const rows = data.buckets.map((start, index) => [
    new Date(start).toISOString(),
    ...spec.series.map((series) => series.values[index] ?? null),
  ]);
  const chart = { id: spec.id, title: spec.title, columns, rows, csv: () => csvOf(columns, rows) };
  figure.querySelector('h2').textContent = spec.title;
  renderChartTable(figure.querySelector('table'), spec, data);
  const holder = figure.querySelector('.plot');
  holder.replaceChildren();
  holder.setAttribute(
    'aria-label',
    `${spec.title}, per ${formatBucket(data.bucketMs)} bucket: the values are in the data table.`,
  );
  if (data.totals.requests === 0 || data.buckets.length === 0) {
    holder.append(element('p', { class: 'empty' }, 'No calls in this range.'));
    chart.plot = null;
  } else {
    const width = Math.max(holder.clientWidth, 260);
    chart.plot = new uPlot(plotOptions(spec, data, width, theme), plotData(spec, data), holder);
  }
  return chart;
}

/** The colours the page's stylesheet sets for the reader's scheme, for the canvas. */
export function themeOf() {
  const style = getComputedStyle(document.documentElement);
  const read = (name) => style.getPropertyValue(name).trim();
  return {
    muted: read('--muted'),
    grid: read('--grid'),
    series: Array.from({ length: SERIES_COLOURS }, (_, index) => read(`--series-${index}`)),
  };
}

/** Resizes a chart's plot to the width of its figure. */
export function fitPlot(chart, holder) {
  if (chart.plot)
    chart.plot.setSize({ width: Math.max(holder.clientWidth, 260), height: PLOT_HEIGHT });
}

function plottedOf(spec) {
  const plotted = spec.series.filter((series) => series.plotted !== false);
  // Stacked bands are running totals drawn from the top down, each over the one above.
  return spec.stacked ? plotted.reverse() : plotted;
}

function plotData(spec, data) {
  const end = (data.buckets.at(-1) ?? 0) + data.bucketMs;
  const drawn = plottedOf(spec);
  let columns = drawn.map((series) => series.values);
  if (spec.stacked) {
    let below = data.buckets.map(() => 0);
    const runningTotals = [...drawn].reverse().map((series) => {
      below = below.map((total, index) => total + (series.values[index] ?? 0));
      return below;
    });
    columns = runningTotals.reverse();
  }
  // Each bucket's value holds until the next bucket starts: one more point closes the last step.
  return [[...data.buckets, end], ...columns.map((values) => [...values, values.at(-1) ?? null])];
}

function plotOptions(spec, data, width, theme) {
  const drawn = plottedOf(spec);
  const units = [...new Set(drawn.map((series) => series.unit))];
  const steps = uPlot.paths.stepped({ align: 1 });
  const colourOf = (series) => theme.series[spec.series.indexOf(series) % SERIES_COLOURS];
  const fromZero = (unit) => (_plot, _min, max) => {
    const top = max > 0 ? max * 1.1 : 1;
    return [0, unit === 'ratio' ? Math.min(top, 1) : top];
  };
  const line = { stroke: theme.grid, width: 1 };
  return {
    width,
    height: PLOT_HEIGHT,
    ms: 1,
    scales: {
      x: { time: true, range: [data.buckets[0], (data.buckets.at(-1) ?? 0) + data.bucketMs] },
      ...Object.fromEntries(units.map((unit) => [unit, { range: fromZero(unit) }])),
    },
    axes: [
      { stroke: theme.muted, grid: line, ticks: line },
      ...units.map((unit, index) => ({
        scale: unit,
        side: index === 0 ? 3 : 1,
        size: 70,
        stroke: theme.muted,
        grid: { ...line, show: index === 0 },
        ticks: line,
        values: (_plot, ticks) => ticks.map((tick) => formatTick(unit, tick)),
      })),
    ],
    series: [
      { label: 'Time', value: (_plot, time) => (time === null ? MISSING : formatTime(time)) },
      ...drawn.map((series) => ({
        label: series.label,
        scale: series.unit,
        stroke: colourOf(series),
        fill: spec.stacked ? colourOf(series) : undefined,
        width: 2,
        paths: steps,
        points: { show: false },
        // The legend shows a bucket's own value, not the running total it is drawn at.
        value: (_plot, _value, _series, index) =>
          formatValue(series.unit, index === null ? null : (series.values[index] ?? null)),
      })),
    ],
  };
}

function renderChartTable(table, spec, data) {
  const summable = (series) => series.unit === 'count' || series.unit === 'usd';
  const valueCell = (series, value) =>
    element(
      'td',
      { class: 'number', 'data-series': series.name, 'data-value': value ?? '' },
      formatValue(series.unit, value),
    );
  const total = (series) => series.values.reduce((sum, value) => sum + (value ?? 0), 0);
  table.replaceChildren(
    element('caption', { class: 'visually-hidden' }, `${spec.title}, per bucket`),
    element(
      'thead',
      {},
      element(
        'tr',
        {},
        element('th', { scope: 'col', 'data-series': 'bucket_start' }, 'Bucket start'),
        spec.series.map((series) =>
          element(
            'th',
            { scope: 'col', class: 'number', 'data-series': series.name },
            series.label,
          ),
        ),
      ),
    ),
    element(
      'tbody',
      {},
      data.buckets.map((start, index) =>
        element(
          'tr',
          {},
          element(
            'th',
            { scope: 'row' },
            element('time', { datetime: new Date(start).toISOString() }, formatTime(start)),
          ),
          spec.series.map((series) => valueCell(series, series.values[index] ?? null)),
        ),
      ),
    ),
    element(
      'tfoot',
      {},
      element(
        'tr',
        { 'data-row': 'total' },
        element('th', { scope: 'row' }, 'Total'),
        spec.series.map((series) => valueCell(series, summable(series) ? total(series) : null)),
      ),
    ),
  );
}

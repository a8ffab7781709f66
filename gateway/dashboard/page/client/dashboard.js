/**
 * What the page shows of one range's data (both modes): tiles, charts, top tables; and
 * `window.shallotDashboard`, which tests and the curious read.
 */
import { chartSpecsOf, fitPlot, renderChart, themeOf } from './charts.js';
import { downloadCsv } from './csv.js';
import { announce, byId } from './dom.js';
import { formatBucket, formatTime } from './format.js';
import { renderTopTable, renderTotals } from './tables.js';

/** The page's state, as `window.shallotDashboard`: the data drawn and each chart by id. */
export const dashboard = { mode: 'report', data: null, charts: {}, live: null, keys: null };

/** Wires what does not change with the data: CSV buttons, resizing, the colour scheme. */
export function setUpDashboard(mode) {
  dashboard.mode = mode;
  window.shallotDashboard = dashboard;
  for (const button of document.querySelectorAll('button[data-csv]')) {
    button.addEventListener('click', () => downloadChart(button.dataset.csv));
  }
  let pending = false;
  new ResizeObserver(() => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      for (const chart of Object.values(dashboard.charts)) {
        fitPlot(chart, document.querySelector(`figure[data-chart="${chart.id}"] .plot`));
      }
    });
  }).observe(byId('charts'));
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
    if (dashboard.data !== null) showData(dashboard.data);
  });
}

/** Draws one range's data. */
export function showData(data) {
  for (const chart of Object.values(dashboard.charts)) chart.plot?.destroy();
  dashboard.data = data;
  dashboard.charts = {};
  const theme = themeOf();
  for (const spec of chartSpecsOf(data)) {
    const figure = document.querySelector(`figure[data-chart="${spec.id}"]`);
    dashboard.charts[spec.id] = renderChart(figure, spec, data, theme);
  }
  renderTotals(data.totals);
  renderTopTable('top-keys', data.topKeys);
  renderTopTable('top-users', data.topUsers);
  byId('range').textContent =
    `${formatTime(data.query.from)} to ${formatTime(data.query.to)} · spend by ${data.query.by} · ${formatBucket(data.bucketMs)} buckets`;
  byId('generated').textContent = `Made ${formatTime(data.generatedAt)}.`;
}

function downloadChart(id) {
  const chart = dashboard.charts[id];
  if (chart === undefined || dashboard.data === null) return;
  const from = new Date(dashboard.data.query.from).toISOString().slice(0, 16).replace(':', '-');
  downloadCsv(`shallot-${id}-${from}.csv`, chart.csv());
  announce(`Downloaded ${chart.title} as CSV.`);
}

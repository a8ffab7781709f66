/** The summary tiles and the tables: top keys and users, deployments. */
import { byId, element } from './dom.js';
import { formatDollars, formatTime, formatValue, MISSING } from './format.js';

/** The tiles: `data-total` name, label, unit, value from the totals. */
const TILES = [
  ['requests', 'Requests', 'count', (totals) => totals.requests],
  ['errors', 'Errors', 'count', (totals) => totals.errors],
  ['error-rate', 'Error rate', 'ratio', (totals) => rateOf(totals.errors, totals.requests)],
  ['spend', 'Spend', 'usd', (totals) => totals.spend],
  ['saved', 'Saved by the cache', 'usd', (totals) => totals.saved],
  ['cache-hits', 'Cache hits', 'count', (totals) => totals.cacheHits],
  [
    'cache-hit-rate',
    'Cache hit rate',
    'ratio',
    (totals) => rateOf(totals.cacheHits, totals.requests),
  ],
  ['prompt-tokens', 'Tokens in', 'count', (totals) => totals.promptTokens],
  ['completion-tokens', 'Tokens out', 'count', (totals) => totals.completionTokens],
  ['latency-p50', 'Latency p50', 'ms', (totals) => totals.latencyP50],
  ['latency-p99', 'Latency p99', 'ms', (totals) => totals.latencyP99],
  ['ttft-p50', 'First token p50', 'ms', (totals) => totals.ttftP50],
];

function rateOf(part, whole) {
  return whole === 0 ? null : part / whole;
}

/** Fills the tiles (`<div data-total="spend" data-value="12.5">`) from the range's totals. */
export function renderTotals(totals) {
  byId('totals').replaceChildren(
    ...TILES.map(([name, label, unit, read]) => {
      const value = read(totals);
      return element(
        'div',
        { class: 'tile', 'data-total': name, 'data-value': value ?? '' },
        element('dt', {}, label),
        element('dd', {}, formatValue(unit, value)),
      );
    }),
  );
}

/**
 * Fills a table: `columns` of `{ label, cell(row), value?(row), numeric?, wide? }` (the first
 * is the row's header), one row per item, `empty` as the one row when there are none.
 */
export function fillTable(table, { caption, columns, rows, empty, rowAttributes }) {
  const classOf = (column) =>
    [column.numeric && 'number', column.wide && 'name'].filter(Boolean).join(' ') || null;
  const cellOf = (row, column, index) =>
    element(
      index === 0 ? 'th' : 'td',
      {
        scope: index === 0 ? 'row' : null,
        class: classOf(column),
        'data-column': column.key,
        'data-value': column.value?.(row),
      },
      column.cell(row),
    );
  table.replaceChildren(
    element('caption', { class: 'visually-hidden' }, caption),
    element(
      'thead',
      {},
      element(
        'tr',
        {},
        columns.map((column) =>
          element('th', { scope: 'col', class: column.numeric ? 'number' : null }, column.label),
        ),
      ),
    ),
    element(
      'tbody',
      {},
      rows.length === 0
        ? element('tr', {}, element('td', { colspan: columns.length, class: 'empty' }, empty))
        : rows.map((row) =>
            element(
              'tr',
              rowAttributes?.(row) ?? {},
              columns.map((column, index) => cellOf(row, column, index)),
            ),
          ),
    ),
  );
}

/** A budget's use: a meter, and `$3.10 of $10.00 (31%)`. */
export function budgetCell(spent, budget) {
  if (budget === null || budget === undefined) return MISSING;
  const share = budget > 0 ? spent / budget : spent > 0 ? 1 : 0;
  return [
    element('meter', {
      min: 0,
      max: 1,
      low: 0.75,
      high: 0.9,
      optimum: 0,
      value: Math.min(share, 1),
    }),
    `${formatDollars(spent)} of ${formatDollars(budget)} (${Math.round(share * 100)}%)`,
  ];
}

/** Fills a top table (`top-keys` or `top-users`): name, requests, spend, budget use where known. */
export function renderTopTable(kind, rows) {
  const withBudget = rows.some((row) => row.maxBudget !== null);
  const columns = [
    {
      key: 'name',
      label: kind === 'top-keys' ? 'Key' : 'User',
      cell: (row) => row.name,
      wide: true,
    },
    {
      key: 'requests',
      label: 'Requests',
      numeric: true,
      value: (row) => row.requests,
      cell: (row) => formatValue('count', row.requests),
    },
    {
      key: 'spend',
      label: 'Spend',
      numeric: true,
      value: (row) => row.spend,
      cell: (row) => formatDollars(row.spend),
    },
  ];
  if (withBudget) {
    columns.push({
      key: 'budget',
      label: 'Budget used',
      value: (row) => (row.maxBudget === null ? null : (row.budgetSpend ?? 0) / row.maxBudget),
      cell: (row) => budgetCell(row.budgetSpend ?? 0, row.maxBudget),
    });
  }
  fillTable(document.querySelector(`table[data-table="${kind}"]`), {
    caption: kind === 'top-keys' ? 'Top keys by spend' : 'Top users by spend',
    columns,
    rows,
    empty:
      kind === 'top-keys'
        ? 'No call with a key in this range.'
        : 'No call with a user in this range.',
    rowAttributes: (row) => ({ 'data-name': row.name }),
  });
}

/** Fills the deployments table from `GET /ui/api/live`. */
export function renderDeployments(live) {
  const perMinute = (used, limit) =>
    limit === null
      ? formatValue('count', used)
      : `${formatValue('count', used)} of ${formatValue('count', limit)}`;
  fillTable(document.querySelector('table[data-table="deployments"]'), {
    caption: "The router's deployments",
    columns: [
      { key: 'id', label: 'Deployment', cell: (row) => row.id, wide: true },
      { key: 'modelName', label: 'Group', cell: (row) => row.modelName },
      { key: 'model', label: 'Model', cell: (row) => row.model },
      { key: 'apiBase', label: 'API base', cell: (row) => row.apiBase ?? MISSING, wide: true },
      {
        key: 'state',
        label: 'State',
        value: (row) => row.state,
        cell: (row) =>
          element(
            'span',
            { class: `state-${row.state}` },
            row.state === 'cooling' && row.coolingUntil !== null
              ? `cooling until ${formatTime(row.coolingUntil)}`
              : row.state,
          ),
      },
      {
        key: 'inFlight',
        label: 'In flight',
        numeric: true,
        value: (row) => row.inFlight,
        cell: (row) => formatValue('count', row.inFlight),
      },
      {
        key: 'requests',
        label: 'Requests this minute',
        numeric: true,
        value: (row) => row.requests,
        cell: (row) => perMinute(row.requests, row.rpm),
      },
      {
        key: 'tokens',
        label: 'Tokens this minute',
        numeric: true,
        value: (row) => row.tokens,
        cell: (row) => perMinute(row.tokens, row.tpm),
      },
    ],
    rows: live.deployments,
    empty: 'No router deployments: the gateway calls its models directly.',
    rowAttributes: (row) => ({ 'data-name': row.id }),
  });
}

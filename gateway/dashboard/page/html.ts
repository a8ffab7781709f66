/** The page's HTML: the skeleton that the inlined script fills with the data. */
import type { PageAssets } from './assets.js';

/** What the page's script reads from `<script id="shallot-config">`. */
export interface PageConfig {
  mode: 'report' | 'live';
  apiBase?: string;
  keyRoutesBase?: string;
}

/** What {@link pageHtml} puts together. */
export interface PageParts {
  title: string;
  config: PageConfig;
  /** The report's data, embedded as JSON; none for the live page. */
  data?: unknown;
  /** Lines for the page's footer (where the data came from, what was skipped). */
  notes: readonly string[];
  assets: PageAssets;
}

const CHARTS: ReadonlyArray<readonly [id: string, title: string]> = [
  ['spend', 'Spend'],
  ['requests', 'Requests and errors'],
  ['latency', 'Latency'],
  ['cache', 'Cache hits and savings'],
  ['tokens', 'Tokens in and out'],
];

/** The whole page, self-contained: every script and style inline, nothing fetched but the gateway's API. */
export function pageHtml(parts: PageParts): string {
  const live = parts.config.mode === 'live';
  const { assets } = parts;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(parts.title)}</title>
<style>${inlineText(assets.uplotStyles, 'style')}</style>
<style>${inlineText(assets.styles, 'style')}</style>
</head>
<body data-state="loading">
<a class="skip" href="#content">Skip to the dashboard</a>
<header class="top">
<h1>${escapeHtml(parts.title)}</h1>
<p class="range" id="range"></p>
${live ? controls() : ''}
</header>
<main>
<noscript><p>This page draws its charts and tables with JavaScript: allow it to see them.</p></noscript>
${live ? login() : ''}
<p class="status" id="status" role="status" aria-live="polite"></p>
<div class="content" id="content"${live ? ' hidden' : ''}>
<section aria-labelledby="totals-title">
<h2 id="totals-title" class="visually-hidden">Totals over the range</h2>
<dl class="tiles" id="totals"></dl>
</section>
<section aria-labelledby="charts-title">
<h2 id="charts-title" class="visually-hidden">Charts</h2>
<div class="grid" id="charts">
${CHARTS.map(([id, title]) => chart(id, title)).join('\n')}
</div>
</section>
<div class="grid">
${tableCard('top-keys', 'Top keys by spend')}
${tableCard('top-users', 'Top users by spend')}
</div>
${live ? liveTables() : ''}
</div>
</main>
<footer>
<p id="generated"></p>
${live ? '<p id="updated"></p>' : ''}
${parts.notes.map((note) => `<p>${escapeHtml(note)}</p>`).join('\n')}
</footer>
${live ? dialogs() : ''}
<script type="application/json" id="shallot-config">${jsonForScript(parts.config)}</script>
${parts.data === undefined ? '' : `<script type="application/json" id="shallot-data">${jsonForScript(parts.data)}</script>`}
<script>${inlineText(assets.uplotScript, 'script')}</script>
<script>${inlineText(assets.script, 'script')}</script>
</body>
</html>
`;
}

function chart(id: string, title: string): string {
  return `<figure class="card" data-chart="${id}" aria-labelledby="chart-${id}-title">
<div class="card-head"><h2 id="chart-${id}-title">${title}</h2><button type="button" data-csv="${id}" aria-label="Download the data of ${title.toLowerCase()} as CSV">CSV</button></div>
<div class="plot" role="img"></div>
<details><summary>Data table</summary><div class="scroll" role="region" tabindex="0" aria-label="${title}: data"><table data-chart-table="${id}"></table></div></details>
</figure>`;
}

function tableCard(name: string, title: string): string {
  return `<section class="card" aria-labelledby="table-${name}-title">
<div class="card-head"><h2 id="table-${name}-title">${title}</h2></div>
<div class="scroll tall" role="region" tabindex="0" aria-labelledby="table-${name}-title"><table data-table="${name}"></table></div>
</section>`;
}

function liveTables(): string {
  return `${tableCard('deployments', 'Deployments')}
<section class="card" aria-labelledby="table-keys-title">
<div class="card-head"><h2 id="table-keys-title">Virtual keys</h2><button type="button" class="primary" id="new-key">New key</button></div>
<div class="scroll tall" role="region" tabindex="0" aria-labelledby="table-keys-title"><table data-table="keys"></table></div>
</section>`;
}

function controls(): string {
  const spans = [
    ['1h', 'Last hour'],
    ['24h', 'Last day'],
    ['7d', 'Last week'],
    ['30d', 'Last month'],
    ['custom', 'Custom'],
  ];
  return `<div class="controls" id="controls" hidden>
<fieldset><legend>Range</legend>
${spans.map(([span, label]) => `<button type="button" data-span="${span}" aria-pressed="${span === '24h'}">${label}</button>`).join('\n')}
</fieldset>
<form id="custom-range" class="controls" hidden>
<label>From <input type="datetime-local" id="custom-from" required></label>
<label>To <input type="datetime-local" id="custom-to" required></label>
<button type="submit">Show</button>
</form>
<label>Spend by <select id="group-by">
<option value="model">model</option><option value="key">key</option><option value="user">user</option><option value="team">team</option>
</select></label>
<label class="inline"><input type="checkbox" id="auto-refresh"> Refresh every 10 s</label>
<button type="button" id="refresh">Refresh now</button>
<button type="button" id="sign-out">Sign out</button>
</div>`;
}

function login(): string {
  return `<section class="card login" id="login" aria-labelledby="login-title" hidden>
<h2 id="login-title">Sign in</h2>
<form id="login-form" class="stack">
<label>Master key or admin key <input type="password" id="login-key" name="key" autocomplete="off" spellcheck="false" required></label>
<p class="form-error" id="login-error" role="alert"></p>
<div class="actions"><button type="submit" class="primary">Sign in</button></div>
<p class="range">The key is kept in this tab only, and sent to this gateway alone.</p>
</form>
</section>`;
}

function dialogs(): string {
  const field = (name: string, label: string, attributes: string) =>
    `<label>${label} <input name="${name}" ${attributes}></label>`;
  return `<dialog id="key-dialog" aria-labelledby="key-dialog-title">
<form id="key-form" class="stack">
<h2 id="key-dialog-title">New key</h2>
<div class="fields">
${field('key_alias', 'Alias', 'type="text" maxlength="256"')}
${field('models', 'Models (comma-separated; empty: all)', 'type="text"')}
${field('user_id', 'User', 'type="text" maxlength="256"')}
${field('team_id', 'Team', 'type="text" maxlength="256"')}
${field('max_budget', 'Budget, US dollars', 'type="number" min="0" step="any"')}
${field('budget_duration', 'Budget resets every (30d, 1h…)', 'type="text" pattern="\\d+(s|m|h|d|w|mo)"')}
${field('rpm_limit', 'Requests per minute', 'type="number" min="1" step="1"')}
${field('tpm_limit', 'Tokens per minute', 'type="number" min="1" step="1"')}
${field('max_parallel_requests', 'Calls at once', 'type="number" min="1" step="1"')}
</div>
<p class="form-error" id="key-form-error" role="alert"></p>
<div class="actions"><button type="button" id="key-cancel">Cancel</button><button type="submit" class="primary" id="key-submit">Create key</button></div>
</form>
</dialog>
<dialog id="created-dialog" aria-labelledby="created-title">
<form method="dialog" class="stack">
<h2 id="created-title">Key created</h2>
<p>Copy it now: it is shown only this once.</p>
<code class="secret" id="created-key"></code>
<div class="actions"><button type="button" id="copy-key">Copy</button><button type="submit" class="primary">Done</button></div>
</form>
</dialog>
<dialog id="confirm-dialog" aria-labelledby="confirm-title">
<form method="dialog" class="stack">
<h2 id="confirm-title">Revoke the key?</h2>
<p id="confirm-text"></p>
<div class="actions"><button type="submit" value="cancel">Cancel</button><button type="submit" value="revoke" class="primary">Revoke</button></div>
</form>
</dialog>`;
}

/** Text safe inside HTML elements and quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/**
 * A value as JSON inside `<script type="application/json">`: `<` is written `\u003c`, so no
 * string in the data (a model named `</script>`) can end the element; JSON.parse reads it back.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Code or styles of our own (or uPlot's) inside an element that only its end tag can close. */
function inlineText(text: string, element: 'script' | 'style'): string {
  if (text.toLowerCase().includes(`</${element}`)) {
    throw new Error(
      `an inlined ${element} contains "</${element}": it would end the element early`,
    );
  }
  return text;
}

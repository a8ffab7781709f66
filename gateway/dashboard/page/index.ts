/**
 * The dashboard's page: one self-contained HTML document (styles, uPlot and the page's script
 * inline; no CDN, no framework), drawn from a {@link DashboardData}. The same page is the
 * gateway's live `/ui` and the offline file `shallot report` writes.
 */
import { describeValue, ValidationError } from '../../../src/kit/index.js';
import type { DashboardData } from '../data.js';
import { pageAssets } from './assets.js';
import { pageHtml } from './html.js';

/** A report: the data is embedded in the page, which needs nothing else to open. */
export interface ReportPageOptions {
  mode: 'report';
  data: DashboardData;
  /** The page's title and heading. @default 'shallot report' */
  title?: string;
  /** Lines for the footer: where the data came from, what was skipped. @default none */
  notes?: readonly string[];
}

/** The gateway's live dashboard: it signs in, then reads its data from the gateway. */
export interface LivePageOptions {
  mode: 'live';
  /**
   * Where `GET /data?from&to&by`, `GET /live` and `GET /keys` are served (DashboardData,
   * LiveState, KeyList), for a Bearer master key or admin key.
   *
   * @example '/ui/api'
   */
  apiBase: string;
  /** Where `POST /key/generate`, `/key/update` and `/key/delete` are served. @default '' (the page's origin) */
  keyRoutesBase?: string;
  /** The page's title and heading. @default 'shallot dashboard' */
  title?: string;
}

/** What {@link renderPage} draws. */
export type PageOptions = ReportPageOptions | LivePageOptions;

/**
 * The dashboard page as one HTML string. Data goes into the page as JSON that no string in
 * it can break out of, and into the DOM only as text. For tests, the page sets
 * `document.body.dataset.state` (`loading`, `login`, `ready`, `error`) and
 * `window.shallotDashboard` (`{ data, charts }`); elements carry `data-chart`, `data-table`
 * and `data-total` names.
 *
 * @example
 * const html = renderPage({ mode: 'report', data: aggregate(facts, { from, to, by: 'model' }) });
 * await writeFile('report.html', html);
 */
export function renderPage(options: PageOptions): string {
  const mode = (options as { mode?: unknown } | undefined)?.mode;
  if (mode === 'report') {
    const report = options as ReportPageOptions;
    if (report.data === null || typeof report.data !== 'object') {
      throw ValidationError.forField(
        'renderPage options.data',
        `expected the DashboardData of a range, received ${describeValue(report.data)}.`,
      );
    }
    return pageHtml({
      title: titleOf(report.title, 'shallot report'),
      config: { mode },
      data: report.data,
      notes: report.notes ?? [],
      assets: pageAssets(),
    });
  }
  if (mode === 'live') {
    const live = options as LivePageOptions;
    for (const [name, value] of [
      ['apiBase', live.apiBase],
      ['keyRoutesBase', live.keyRoutesBase ?? ''],
    ] as const) {
      if (typeof value !== 'string') {
        throw ValidationError.forField(
          `renderPage options.${name}`,
          `expected a path such as '/ui/api', received ${describeValue(value)}.`,
        );
      }
    }
    return pageHtml({
      title: titleOf(live.title, 'shallot dashboard'),
      config: { mode, apiBase: live.apiBase, keyRoutesBase: live.keyRoutesBase ?? '' },
      notes: [],
      assets: pageAssets(),
    });
  }
  throw ValidationError.forField(
    'renderPage options.mode',
    `expected 'report' or 'live', received ${describeValue(mode)}.`,
  );
}

function titleOf(title: unknown, fallback: string): string {
  return typeof title === 'string' && title.trim() !== '' ? title : fallback;
}

/**
 * Spend and health to look at: the gateway's dashboard (`/ui`, from the spend log in
 * PostgreSQL and the gateway's live state) and `shallot report` (the same page, one HTML file,
 * from a JSONL log). Both draw one {@link DashboardData}, made by SQL or in memory.
 */
export { aggregate, factsOf, percentileCont } from './aggregate.js';
export * from './data.js';
export {
  type LivePageOptions,
  type PageOptions,
  type ReportPageOptions,
  renderPage,
} from './page/index.js';
export { rangeQueryOf } from './query.js';
export {
  buildReport,
  describeSkipped,
  type Report,
  type ReportOptions,
  type SkippedLine,
} from './report.js';
export { type DashboardOptions, dashboardRoutes, keyRowOf } from './routes.js';
export {
  type DashboardPool,
  type KeysTableName,
  queryDashboard,
  type SpendLogSource,
} from './sql/index.js';

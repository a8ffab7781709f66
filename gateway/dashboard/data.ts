/**
 * What the dashboard (`/ui`) and the report (`shallot report`) draw: one shape, whether it was
 * aggregated in PostgreSQL from the spend log or in memory from a JSONL log, so that one page
 * draws both. Times are epoch milliseconds; money is US dollars; a bucket with no call has 0
 * (or null for a percentile).
 */

import type { KeyInfo } from '../keys/record.js';

/** What spend is stacked by. */
export type GroupBy = 'model' | 'key' | 'user' | 'team';

/** The groupings, in the order the page offers them. */
export const GROUP_BYS: readonly GroupBy[] = ['model', 'key', 'user', 'team'];

/** The time range shown, and what the spend chart is stacked by. */
export interface RangeQuery {
  /** Start, inclusive (epoch ms). */
  from: number;
  /** End, exclusive (epoch ms). */
  to: number;
  by: GroupBy;
}

/** A call's time bucket width for a range: about 60 to 200 buckets whatever the range. */
export const BUCKET_STEPS_MS: readonly number[] = [
  60_000, // minute
  5 * 60_000,
  15 * 60_000,
  60 * 60_000, // hour
  3 * 60 * 60_000,
  6 * 60 * 60_000,
  24 * 60 * 60_000, // day
];

/** The bucket width of a range: the smallest step that gives at most 200 buckets. */
export function bucketMsOf(from: number, to: number): number {
  const span = Math.max(1, to - from);
  for (const step of BUCKET_STEPS_MS) if (span / step <= 200) return step;
  return BUCKET_STEPS_MS[BUCKET_STEPS_MS.length - 1] as number;
}

/** The start of the bucket `time` falls in (buckets are aligned to the epoch, in UTC). */
export function bucketStartOf(time: number, bucketMs: number): number {
  return Math.floor(time / bucketMs) * bucketMs;
}

/** The spend chart keeps this many groups (by spend in the range); the rest are summed as `other`. */
export const TOP_GROUPS = 8;
/** The name of the summed rest. */
export const OTHER_GROUP = 'other';
/** The name of calls without the grouping's value (no key, no user, no team). */
export const NO_GROUP = '(none)';

/** One group's values, one per bucket. */
export interface Series {
  name: string;
  values: number[];
}

/** A row of a top table: a key or a user, by spend in the range. */
export interface TopRow {
  /** The key's alias or `sk-...abcd` name, or the user id. */
  name: string;
  requests: number;
  /** Dollars in the range. */
  spend: number;
  /** Dollars the key or user may spend, where it has a budget (keys only, from the key table). */
  maxBudget: number | null;
  /** Dollars spent against that budget (the key's own counter), where it has one. */
  budgetSpend: number | null;
}

/** Totals over the whole range. */
export interface Totals {
  requests: number;
  errors: number;
  /** Dollars. */
  spend: number;
  /** Dollars the cache saved. */
  saved: number;
  cacheHits: number;
  promptTokens: number;
  completionTokens: number;
  /** Milliseconds; null without calls. */
  latencyP50: number | null;
  latencyP99: number | null;
  /** Milliseconds to the first token of streams; null without streams. */
  ttftP50: number | null;
}

/** Everything the page draws for one range. */
export interface DashboardData {
  query: RangeQuery;
  /** The bucket width (see {@link bucketMsOf}). */
  bucketMs: number;
  /** Each bucket's start (epoch ms), from the bucket of `from` up to the one before `to`. */
  buckets: number[];
  totals: Totals;
  /** Spend per bucket, stacked by `query.by`: the top groups, then `other` when there are more. */
  spend: Series[];
  requests: number[];
  errors: number[];
  /** Milliseconds per bucket; null where a bucket has no call (no stream for ttft). */
  latencyP50: Array<number | null>;
  latencyP99: Array<number | null>;
  ttftP50: Array<number | null>;
  cacheHits: number[];
  /** Dollars saved per bucket. */
  saved: number[];
  promptTokens: number[];
  completionTokens: number[];
  topKeys: TopRow[];
  topUsers: TopRow[];
  /** When it was made (epoch ms). */
  generatedAt: number;
}

/** Rows in each top table. */
export const TOP_ROWS = 10;

/**
 * The calls of a range as both aggregators read them: the spend log's columns, or a call
 * record's fields. Key is the key's alias or name (never the key); what a call lacks is null.
 */
export interface CallFacts {
  start: number;
  status: 'success' | 'failure';
  /** The model group the call went to through a router (`model_group`), else its `model`. */
  model: string;
  key: string | null;
  user: string | null;
  team: string | null;
  cost: number;
  saved: number;
  cacheHit: boolean;
  promptTokens: number;
  completionTokens: number;
  latencyMs: number;
  /** Null for a call that did not stream. */
  ttftMs: number | null;
}

/** A router deployment as the dashboard lists it (from `router.health()`, of the gateway's process and its shared store). */
export interface DeploymentRow {
  id: string;
  /** The model group. */
  modelName: string;
  model: string;
  apiBase: string | null;
  state: 'healthy' | 'cooling';
  /** When a cooling deployment takes calls again (epoch ms). */
  coolingUntil: number | null;
  inFlight: number;
  /** This minute's requests and tokens. */
  requests: number;
  tokens: number;
  rpm: number | null;
  tpm: number | null;
}

/** `GET /ui/api/live`: the gateway's live state. */
export interface LiveState {
  /** Empty without a router. */
  deployments: DeploymentRow[];
  generatedAt: number;
}

/** A virtual key as the keys table lists it (`GET /ui/api/keys`): never the key, its hash as `token`. */
export type KeyRow = Pick<KeyInfo, (typeof KEY_ROW_FIELDS)[number]> & {
  /** ISO 8601, or null. */
  expires: string | null;
  /** ISO 8601. */
  created_at: string;
};

/** The fields of a key the keys table shows as the key store has them (its dates become ISO text). */
export const KEY_ROW_FIELDS = [
  'token',
  'key_name',
  'key_alias',
  'user_id',
  'team_id',
  'models',
  'rpm_limit',
  'tpm_limit',
  'max_parallel_requests',
  'max_budget',
  'budget_duration',
  'spend',
  'blocked',
] as const;

/** `GET /ui/api/keys`. */
export interface KeyList {
  keys: KeyRow[];
}

/**
 * A key as a label in charts and tables: its alias, else the first 12 hex digits of its hash
 * (as `/metrics` labels it); never the key. Null for a call without a key.
 */
export function keyLabelOf(alias: unknown, hash: unknown): string | null {
  if (typeof alias === 'string' && alias !== '') return alias;
  return typeof hash === 'string' && hash !== '' ? hash.slice(0, 12) : null;
}

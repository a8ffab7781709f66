import { TOP_ROWS, type TopRow } from '../data.js';
import type { ReadPlan } from './plan.js';
import { numberOf, numberOrNull, type Row, rowsOf } from './rows.js';
import type { ResolvedSource } from './source.js';
import { groupUnits, SqlValues } from './units.js';

/**
 * The keys that spent most in a range: calls with a key, by key hash, named by `keyLabelOf`
 * with the key's latest alias in the range (the alias of its latest call that had one; on a tie,
 * the last in code point order), else the hash's first 12 characters. With a keys table, each
 * row has the key's `max_budget` and its spend in the current budget period (0 once the period
 * has ended, as the key store reads it); null for a key the table does not hold.
 */
export function topKeysSql(source: ResolvedSource, plan: ReadPlan): [string, unknown[]] {
  const values = new SqlValues();
  const units = groupUnits(source, plan, values, { by: 'key', over: 'range', named: true });
  const name = 'coalesce(latest.alias, left(keys_used.hash, 12))';
  const budget =
    source.keys === undefined
      ? { join: '', max: 'NULL::numeric', spent: 'NULL::numeric' }
      : {
          join: `LEFT JOIN ${source.keys} AS key_row ON key_row.key_hash = keys_used.hash`,
          max: 'key_row.max_budget',
          spent:
            'CASE WHEN key_row.key_hash IS NULL THEN NULL WHEN key_row.budget_reset_at <= now() THEN 0 ELSE key_row.spend END',
        };
  const text = `WITH units AS (SELECT name, alias, requests, spend, last_call FROM ${units} AS units),
keys_used AS (
  SELECT name AS hash, sum(requests) AS requests, sum(spend) AS spend FROM units GROUP BY name
), latest AS (
  SELECT DISTINCT ON (name) name AS hash, alias
  FROM (SELECT name, alias, max(last_call) AS last_call FROM units WHERE alias <> '' GROUP BY name, alias) AS aliases
  ORDER BY name, last_call DESC, alias COLLATE "C" DESC
)
SELECT ${name} AS name, keys_used.requests, keys_used.spend,
  ${budget.max} AS max_budget, ${budget.spent} AS budget_spend
FROM keys_used LEFT JOIN latest USING (hash) ${budget.join}
ORDER BY keys_used.spend DESC, ${name} COLLATE "C"
LIMIT ${values.add(TOP_ROWS)}`;
  return [text, values.values];
}

/** The users that spent most in a range: calls with a user, by user id (no budgets). */
export function topUsersSql(source: ResolvedSource, plan: ReadPlan): [string, unknown[]] {
  const values = new SqlValues();
  const units = groupUnits(source, plan, values, { by: 'user', over: 'range', named: true });
  const text = `SELECT name, sum(requests) AS requests, sum(spend) AS spend,
  NULL::numeric AS max_budget, NULL::numeric AS budget_spend
FROM ${units} AS units GROUP BY name
ORDER BY sum(spend) DESC, name COLLATE "C"
LIMIT ${values.add(TOP_ROWS)}`;
  return [text, values.values];
}

/** Reads a top table. */
export async function readTop(source: ResolvedSource, sql: [string, unknown[]]): Promise<TopRow[]> {
  const rows = await rowsOf(source.pool, ...sql);
  return rows.flatMap(topRowOf);
}

function topRowOf(row: Row): TopRow[] {
  if (typeof row.name !== 'string') return [];
  return [
    {
      name: row.name,
      requests: numberOf(row.requests),
      spend: numberOf(row.spend),
      maxBudget: numberOrNull(row.max_budget),
      budgetSpend: numberOrNull(row.budget_spend),
    },
  ];
}

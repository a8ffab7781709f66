/**
 * A month of calls written straight into a spend log by SQL (postgresLogger's columns, a record
 * of about 1 KB each), through the log's own triggers, so that its rollup is kept as in use.
 * Seeded: every run writes the same calls.
 */

/** The calls of a generated month. */
export interface MonthShape {
  /** Calls in all, spread evenly over the days. */
  calls: number;
  /** The first call's time (epoch ms); the calls end `days` later. */
  start: number;
  days: number;
}

/** The virtual keys the calls use (the keys table holds them all). */
export const KEYS = 200;
const MODELS = 12;
const USERS = 2000;
const TEAMS = 15;

/** The hash of the `index`-th key, as SQL. */
export const keyHashSql = (index: string) =>
  `encode(sha256(convert_to('bench-key-' || ${index}, 'UTF8')), 'hex')`;

/**
 * Inserts calls `first` to `last` (of `shape.calls`) into `log`. Parameters: $1 the month's
 * start (ISO), $2 the spacing between calls (ms), $3 and $4 the first and last call. Models,
 * keys and users are skewed (a few take most calls); 10% of calls have no key, 20% no user,
 * 30% no team; 3% fail, 10% are cache hits, 40% stream (with a time to first token).
 */
export function insertCallsSql(log: string): string {
  return `INSERT INTO ${log} (id, trace_id, start_time, end_time, status, model, provider,
  provider_model, stream, prompt_tokens, completion_tokens, total_tokens, cached_tokens,
  reasoning_tokens, response_cost, saved_cost, cache_hit, latency_ms, user_id, tags, metadata,
  error_class, error_message, record, key_hash, key_alias, team_id, model_group, model_id,
  ttft_ms, call_type)
SELECT 'call-' || n, 'trace-' || n, start_time, start_time + latency_ms * interval '1 millisecond',
  status, model, 'openai', model, stream, prompt_tokens, completion_tokens,
  prompt_tokens + completion_tokens, 0, 0,
  CASE WHEN cache_hit THEN 0 WHEN status = 'failure' THEN NULL ELSE cost END,
  CASE WHEN cache_hit THEN cost END,
  cache_hit, latency_ms, user_id, ARRAY['bench'],
  jsonb_build_object('user', user_id, 'user_api_key_hash', key_hash, 'key_alias', key_alias, 'team_id', team_id),
  CASE WHEN status = 'failure' THEN 'RateLimitError' END,
  CASE WHEN status = 'failure' THEN 'slow down' END,
  jsonb_build_object('id', 'call-' || n, 'model', model,
    'messages', jsonb_build_array(jsonb_build_object('role', 'user', 'content', repeat(md5(n::text), 12))),
    'response', repeat(md5(n::text || 'answer'), 8)),
  key_hash, key_alias, team_id, model, 'deployment-' || model_number,
  CASE WHEN stream THEN (latency_ms * ttft_share)::integer END, 'completion'
FROM (
  SELECT *, round(((prompt_tokens * 0.15e-6 + completion_tokens * 0.6e-6) * (model_number + 1))::numeric, 10) AS cost,
    'model-' || model_number AS model,
    CASE WHEN key_number IS NOT NULL THEN ${keyHashSql('key_number')} END AS key_hash,
    CASE WHEN key_number % 10 < 7 THEN 'key-' || key_number END AS key_alias
  FROM (
    SELECT n,
      $1::timestamptz + (n * $2::float8 + random() * $2::float8) * interval '1 millisecond' AS start_time,
      CASE WHEN random() < 0.03 THEN 'failure' ELSE 'success' END AS status,
      floor(${MODELS} * power(random(), 2))::integer AS model_number,
      random() < 0.4 AS stream,
      (50 + random() * 4000)::integer AS prompt_tokens,
      (10 + random() * 1000)::integer AS completion_tokens,
      random() < 0.1 AS cache_hit,
      (150 + exp(random() * 9))::integer AS latency_ms,
      0.05 + random() * 0.3 AS ttft_share,
      CASE WHEN random() < 0.8 THEN 'user-' || floor(${USERS} * power(random(), 3))::integer END AS user_id,
      CASE WHEN random() < 0.7 THEN 'team-' || floor(${TEAMS} * random())::integer END AS team_id,
      CASE WHEN random() < 0.9 THEN floor(${KEYS} * power(random(), 2))::integer END AS key_number
    FROM generate_series($3::integer, $4::integer) AS n
  ) AS drawn
) AS calls`;
}

/**
 * The keys table's rows for the generated keys (made with the key store's own migration): a
 * budget for every other key, and some spend against it.
 */
export function insertKeysSql(keys: string): string {
  return `INSERT INTO ${keys} (key_hash, key_name, key_alias, max_budget, spend)
SELECT ${keyHashSql('k')}, 'sk-...' || lpad(k::text, 4, '0'),
  CASE WHEN k % 10 < 7 THEN 'key-' || k END,
  CASE WHEN k % 2 = 0 THEN 100 + k END, k * 0.37
FROM generate_series(0, ${KEYS - 1}) AS k`;
}

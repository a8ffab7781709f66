/** The names of the spend log and of what is made with it, quoted for SQL. */

/** Where the spend log lives: plain identifiers each (checked by the options), quoted here. */
export interface TableName {
  /** The unqualified name; the names of its indexes and its rollup derive from it. */
  table: string;
  schema: string | undefined;
}

/** `"name"`: only ever given plain identifiers (lower-case letters, digits, underscores). */
export const quote = (identifier: string) => `"${identifier}"`;

/** `"schema"."table"`, or `"table"` on the connection's search_path. */
export function qualifiedName({ table, schema }: TableName): string {
  return schema === undefined ? quote(table) : `${quote(schema)}.${quote(table)}`;
}

/**
 * The spend log's rollup, qualified: what the dashboard reads for ranges of whole hours instead
 * of the log's rows. Each name is the log's plus at most 15 characters (with its constraint's
 * and index's), so that a table name of 48 characters keeps every name whole.
 */
export interface RollupNames {
  /** Per hour: calls, errors, cache hits, spend, saved, tokens. */
  hourTotal: string;
  /** Per hour, dimension (model, key, user, team) and value: calls, spend, last call. */
  hourGroup: string;
  /** The same per UTC day, for sums over long ranges. */
  dayGroup: string;
  /** Per hour, metric (latency, ttft) and histogram bin: calls, lowest and highest value. */
  hourTiming: string;
  /** The trigger function that keeps them (on insert, delete and truncate of the log). */
  rollup: string;
}

/** The rollup's names, for a spend log's. */
export function rollupNamesOf(name: TableName): RollupNames {
  const of = (suffix: string) =>
    qualifiedName({ table: `${name.table}_${suffix}`, schema: name.schema });
  return {
    hourTotal: of('hour_total'),
    hourGroup: of('hour_group'),
    dayGroup: of('day_group'),
    hourTiming: of('hour_timing'),
    rollup: of('rollup'),
  };
}

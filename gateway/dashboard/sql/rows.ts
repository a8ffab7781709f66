/** What a query's rows hold, as numbers: node-postgres gives numeric and bigint as strings. */
import type { DashboardPool } from './source.js';

/** A row of a result, its columns by name. */
export type Row = Readonly<Record<string, unknown>>;

/** Runs a statement and gives its rows (none for a result without). */
export async function rowsOf(pool: DashboardPool, text: string, values: unknown[]): Promise<Row[]> {
  const result = await pool.query(text, values);
  const rows = (result as { rows?: unknown } | undefined)?.rows;
  return Array.isArray(rows) ? (rows as Row[]) : [];
}

/** A number, or null for SQL NULL (and for anything that is not a finite number). */
export function numberOrNull(value: unknown): number | null {
  const number = typeof value === 'string' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) ? number : null;
}

/** A number; 0 for SQL NULL (the sum of no value). */
export function numberOf(value: unknown): number {
  return numberOrNull(value) ?? 0;
}

/** The bucket index of a row: null for the row of the whole range (and for any other value). */
export function bucketIndexOf(value: unknown, buckets: number): number | null {
  const index = numberOrNull(value);
  return index !== null && Number.isInteger(index) && index >= 0 && index < buckets ? index : null;
}

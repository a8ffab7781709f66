import { z } from 'zod';
import { KEY_HASH } from './key-format.js';

/**
 * A virtual key as `/key/info` shows it, in LiteLLM's field names: everything but the key,
 * which is never stored.
 */
export interface KeyInfo {
  /** The key's sha256 (LiteLLM's `token`): how a call's `metadata.user_api_key_hash` names it. */
  token: string;
  /** `sk-...` and the key's last four characters, to tell keys apart. */
  key_name: string;
  key_alias: string | null;
  user_id: string | null;
  team_id: string | null;
  /** The models (or router groups) the key may call; every model when empty. */
  models: string[];
  /** Requests per minute. */
  rpm_limit: number | null;
  /** Tokens per minute. */
  tpm_limit: number | null;
  /** Calls in flight at once. */
  max_parallel_requests: number | null;
  /** US dollars the key may spend (per `budget_duration` when set, else ever). */
  max_budget: number | null;
  /** How often the spend starts again from 0 (`30d`, `1mo`, ...). */
  budget_duration: string | null;
  /** When it does next. */
  budget_reset_at: Date | null;
  /** US dollars spent (in the current budget period). */
  spend: number;
  /** Merged into the metadata of every call made with the key. */
  metadata: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
  /** When the key stops working; never when null. */
  expires: Date | null;
  /** True once `/key/delete` revoked it. */
  blocked: boolean;
  revoked_at: Date | null;
}

const text = z.string().nullable();
const count = z.number().int().positive().nullable();
/** numeric columns arrive as strings, to keep their digits. */
const dollars = z
  .union([z.string(), z.number()])
  .transform(Number)
  .pipe(z.number().finite().min(0));
const plainObject = z.custom<Record<string, unknown>>(
  (value) => value !== null && typeof value === 'object' && !Array.isArray(value),
);

/** A row as the store reads it; anything else is no key. */
const rowShape = z.object({
  key_hash: z.string().regex(KEY_HASH),
  key_name: z.string(),
  key_alias: text,
  user_id: text,
  team_id: text,
  models: z.array(z.string()),
  rpm_limit: count,
  tpm_limit: count,
  max_parallel_requests: count,
  max_budget: dollars.nullable(),
  budget_duration: text,
  budget_reset_at: z.date().nullable(),
  spend: dollars,
  metadata: plainObject,
  created_at: z.date(),
  updated_at: z.date(),
  expires: z.date().nullable(),
  revoked_at: z.date().nullable(),
});

/** A row of the keys table as a {@link KeyInfo}, or undefined when it is not one (a hand-edited row, say). */
export function keyInfoOf(row: unknown): KeyInfo | undefined {
  const parsed = rowShape.safeParse(row);
  if (!parsed.success) return undefined;
  const { key_hash, ...fields } = parsed.data;
  return { token: key_hash, ...fields, blocked: fields.revoked_at !== null };
}

/** The limits of a key, as a call's `metadata.key_limits` carries them: only those it has. */
export interface KeyLimits {
  rpm_limit?: number;
  tpm_limit?: number;
  max_parallel_requests?: number;
  max_budget?: number;
  budget_duration?: string;
}

/** The limits of a key, for its calls' metadata. */
export function limitsOf(info: KeyInfo): KeyLimits {
  const limits: KeyLimits = {};
  if (info.rpm_limit !== null) limits.rpm_limit = info.rpm_limit;
  if (info.tpm_limit !== null) limits.tpm_limit = info.tpm_limit;
  if (info.max_parallel_requests !== null)
    limits.max_parallel_requests = info.max_parallel_requests;
  if (info.max_budget !== null) limits.max_budget = info.max_budget;
  if (info.budget_duration !== null) limits.budget_duration = info.budget_duration;
  return limits;
}

import { z } from 'zod';
import { ValidationError } from '../../src/kit/index.js';
import { DURATION } from './key-format.js';

/** Names a key's own metadata may not use: the gateway sets them on every call of the key. */
export const RESERVED_METADATA = [
  'user_api_key_hash',
  'key_alias',
  'key_limits',
  'user_id',
  'team_id',
] as const;

/** The largest value of an integer column. */
const INT_MAX = 2_147_483_647;
const MAX_TEXT = 256;
const MAX_LIST = 1000;

const count = z.number().int().positive().max(INT_MAX).nullable();
const name = z.string().min(1).max(MAX_TEXT).nullable();
const duration = z.string().regex(DURATION).nullable();
const reference = z.string().min(1).max(MAX_TEXT);
const metadata = z
  .custom<Record<string, unknown>>(
    (value) => value !== null && typeof value === 'object' && !Array.isArray(value),
  )
  .superRefine((value, ctx) => {
    for (const reserved of RESERVED_METADATA) {
      if (Object.hasOwn(value, reserved)) {
        ctx.addIssue({
          code: 'custom',
          path: [reserved],
          message: `the gateway sets ${reserved} on every call of the key: set the key's own field instead, or use another name`,
        });
      }
    }
  });

/** The fields of a key that `/key/generate` and `/key/update` take, each optional. */
const keyFields = {
  models: z.array(z.string().min(1).max(MAX_TEXT)).max(MAX_LIST),
  rpm_limit: count,
  tpm_limit: count,
  max_parallel_requests: count,
  max_budget: z.number().finite().min(0).max(1e9).nullable(),
  budget_duration: duration,
  metadata,
  user_id: name,
  team_id: name,
  key_alias: name,
  duration,
};

/** What `/key/generate` takes (and `KeyStore.create()`). */
export const generateShape = z.strictObject(keyFields).partial();

/**
 * The fields of a key that `/key/generate` and `/key/update` take, in LiteLLM's names; each
 * optional, and on an update `null` clears one.
 */
export interface KeyFields {
  /** The models (or router groups) the key may call. @default every model (`[]`) */
  models?: string[];
  /** Requests per minute (enforced by the limits layer's `keyLimitRule()`). */
  rpm_limit?: number | null;
  /** Tokens per minute (enforced by the limits layer's `keyLimitRule()`). */
  tpm_limit?: number | null;
  /** Calls in flight at once (enforced by the limits layer's `keyLimitRule()`). */
  max_parallel_requests?: number | null;
  /** US dollars the key may spend, per `budget_duration` or ever: past it, requests get a 429. */
  max_budget?: number | null;
  /** How often the spend starts again from 0: `30s`, `5m`, `1h`, `1d`, `1w`, `1mo`. */
  budget_duration?: string | null;
  /** Merged into the metadata of every call made with the key (not the names the gateway sets). */
  metadata?: Record<string, unknown>;
  user_id?: string | null;
  team_id?: string | null;
  key_alias?: string | null;
  /** How long the key lives, from now (`30d`, ...). @default for ever */
  duration?: string | null;
}

/** True when A and B are the same type. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** The schema and the interface say the same thing: this fails to compile when they part. */
export const FIELDS_MATCH_SCHEMA: Same<KeyFields, z.output<typeof generateShape>> = true;

/** What `/key/update` takes: the key, and the fields to change (null clears one). */
export const updateShape = z.strictObject({ key: reference, ...generateShape.shape });

/** What `/key/delete` takes. */
export const deleteShape = z.strictObject({ keys: z.array(reference).min(1).max(MAX_LIST) });

const DURATION_TEXT = "a duration such as '30s', '5m', '1h', '1d', '1w' or '1mo'";
/** What each field expects, for the message of a bad one. */
const EXPECTED: Readonly<Record<string, string>> = {
  key: "a key ('sk-...') or its hash",
  keys: "a non-empty array of keys ('sk-...') or their hashes",
  models: 'an array of model names (empty: every model)',
  rpm_limit: 'a positive whole number of requests per minute, or null for none',
  tpm_limit: 'a positive whole number of tokens per minute, or null for none',
  max_parallel_requests: 'a positive whole number of calls in flight, or null for none',
  max_budget: 'US dollars from 0, or null for none',
  budget_duration: `${DURATION_TEXT}, or null for a budget that never resets`,
  duration: `${DURATION_TEXT}, or null for a key that never expires`,
  metadata: 'an object',
  user_id: `a string of 1 to ${MAX_TEXT} characters, or null`,
  team_id: `a string of 1 to ${MAX_TEXT} characters, or null`,
  key_alias: `a string of 1 to ${MAX_TEXT} characters, or null`,
};

/**
 * `input` parsed by `shape`, or a ValidationError naming the first bad field (`rpm_limit`,
 * `models[2]`, `metadata.user_id`) and what it expects; never quoting a value, which may be a key.
 */
export function parseFields<Shape extends z.ZodObject>(
  shape: Shape,
  input: unknown,
  where: string,
): z.output<Shape> {
  const parsed = shape.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0] as z.core.$ZodIssue;
  if (issue.code === 'unrecognized_keys') {
    const field = String(issue.keys[0]);
    throw ValidationError.forField(
      field,
      `${where} takes no field ${field}; it takes ${Object.keys(EXPECTED)
        .filter((known) => Object.hasOwn(shape.shape, known))
        .join(', ')}.`,
    );
  }
  const field = pathOf(issue.path);
  const top = String(issue.path[0] ?? '');
  const expected =
    issue.code === 'custom' ? issue.message : `expected ${EXPECTED[top] ?? 'an object'}`;
  throw ValidationError.forField(field === '' ? 'body' : field, `${expected}.`);
}

function pathOf(path: readonly PropertyKey[]): string {
  let text = '';
  for (const part of path) {
    text +=
      typeof part === 'number' ? `[${part}]` : text === '' ? String(part) : `.${String(part)}`;
  }
  return text;
}

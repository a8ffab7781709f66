import { maskSecret, scrubText } from '../secrets/mask.js';

/** Keys whose values are credentials wherever they appear. */
const SECRET_KEY =
  /^(api[-_]?key|authorization|password|secret|token|access[-_]?token|x-api-key)$/i;

const NONE: readonly string[] = [];

/** {@link SECRET_KEY}, tested only for keys that start as one of its words does. */
function mayBeSecretKey(key: string): boolean {
  const first = key.charCodeAt(0) | 0x20;
  // a, p, s, t, x: api_key, authorization, access_token, password, secret, token, x-api-key
  if (first !== 0x61 && first !== 0x70 && first !== 0x73 && first !== 0x74 && first !== 0x78) {
    return false;
  }
  return SECRET_KEY.test(key);
}

/**
 * A JSON-safe copy of caller-supplied data (metadata, params, messages, a whole record):
 * functions and symbols dropped, non-finite numbers as `null`, dates as ISO strings, a cycle
 * cut at `'[circular]'`, string values under credential-like keys masked, and every string
 * that holds one of `secrets` masked where it does. One pass, no intermediate copies: it runs
 * once per call record.
 */
export function toJsonSafe(
  value: unknown,
  secrets: readonly string[] = NONE,
  options: JsonSafeOptions = {},
): unknown {
  return safe(value, secrets, options.credentialKeys === false ? NO_KEY : mayBeSecretKey, []);
}

/** Options of {@link toJsonSafe}. */
export interface JsonSafeOptions {
  /**
   * Mask string values under credential-like keys (`api_key`, `token`...). True for the
   * caller's data; false for a provider's answer, where `token` is a logprob's text.
   * @default true
   */
  credentialKeys?: boolean;
}

type KeyTest = (key: string) => boolean;

/** An own, enumerable, writable data property holding `value`. */
const OWN = (value: unknown): PropertyDescriptor => ({
  value,
  enumerable: true,
  writable: true,
  configurable: true,
});
const NO_KEY: KeyTest = () => false;

function safe(
  value: unknown,
  secrets: readonly string[],
  isSecretKey: KeyTest,
  ancestors: object[],
): unknown {
  switch (typeof value) {
    case 'string':
      return secrets.length > 0 ? scrubText(value, secrets) : value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'object':
      break;
    default:
      return undefined;
  }
  if (value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (ancestors.includes(value)) return '[circular]';
  ancestors.push(value);
  let copy: unknown;
  if (Array.isArray(value)) {
    const items = new Array<unknown>(value.length);
    for (let index = 0; index < value.length; index++) {
      items[index] = safe(value[index], secrets, isSecretKey, ancestors) ?? null;
    }
    copy = items;
  } else {
    const fields: Record<string, unknown> = {};
    const source = value as Record<string, unknown>;
    for (const key in source) {
      if (!Object.hasOwn(source, key)) continue;
      const item = source[key];
      const result =
        typeof item === 'string' && isSecretKey(key)
          ? maskSecret(item)
          : safe(item, secrets, isSecretKey, ancestors);
      if (result === undefined) continue;
      // A `__proto__` key from a provider's answer stays a plain key of the copy.
      if (key === '__proto__') Object.defineProperty(fields, key, OWN(result));
      else fields[key] = result;
    }
    copy = fields;
  }
  ancestors.pop();
  return copy;
}

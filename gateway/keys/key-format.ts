import { hash, randomBytes } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** Random characters of a key: 43 of base62 carry 256 bits. */
const KEY_CHARACTERS = 43;
/** The largest multiple of 62 a byte can hold: bytes from it up are drawn again, so that no character is likelier. */
const UNBIASED_BELOW = 248;

/** A key's hash as stored and as call metadata carries it: sha256, 64 lower-case hex digits. */
export const KEY_HASH = /^[0-9a-f]{64}$/;

/** A duration as LiteLLM writes them: `30s`, `5m` (minutes), `1h`, `1d`, `1w`, `1mo` (calendar months). */
export const DURATION = /^([1-9][0-9]{0,5})(s|m|h|d|w|mo)$/;

/** A new virtual key: `sk-` and 43 characters of base62 from `crypto.randomBytes` (256 bits). */
export function newKey(): string {
  let key = 'sk-';
  while (key.length < 3 + KEY_CHARACTERS) {
    for (const byte of randomBytes(64)) {
      if (byte < UNBIASED_BELOW && key.length < 3 + KEY_CHARACTERS) key += BASE62[byte % 62];
    }
  }
  return key;
}

/**
 * The sha256 of a key, in hex, as LiteLLM hashes its keys: the only form a key is stored in,
 * and what the master key is compared by. (In hex: on Node 20 `crypto.hash()` gives hex in 0.3
 * µs, a `Buffer` in 1 to 1.5.)
 */
export function hashKey(key: string): string {
  return hash('sha256', key, 'hex');
}

/**
 * True when two key hashes ({@link hashKey}) are the same, in a time that does not depend on
 * where they differ: every character is compared, whatever the first difference.
 */
export function sameHash(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let index = 0; index < a.length; index++) {
    difference |= a.charCodeAt(index) ^ b.charCodeAt(index);
  }
  return difference === 0;
}

/** How a key is shown to people who may not see it: `sk-...` and its last four characters. */
export function keyName(key: string): string {
  return `sk-...${key.slice(-4)}`;
}

/**
 * The hash a `key` field of a `/key/*` request names: the key itself (`sk-...`), hashed, or its
 * hash (the `token` of `/key/info`, the `user_api_key_hash` of a call's metadata) as is.
 */
export function hashOfReference(reference: string): string {
  return KEY_HASH.test(reference) ? reference : hashKey(reference);
}

/** A LiteLLM duration as PostgreSQL reads an interval (`1mo` is `1mon` there); checked by {@link DURATION} first. */
export function intervalOf(duration: string): string {
  return duration.endsWith('mo') ? `${duration}n` : duration;
}

import type { Context } from '../context/context.js';
import { secretsOfCall } from '../secrets/call-secrets.js';
import { scrubJson, scrubText } from '../secrets/mask.js';

/**
 * The call's secrets, raw: its key and the values of its credential headers. Hand them to
 * {@link maskSecrets}; never write them anywhere yourself.
 */
export const secretsOf: (ctx: Context) => readonly string[] = secretsOfCall;

/**
 * `value` with every one of `secrets` masked (`sk-p****wxyz`): a string directly; an object or
 * an array as a copy, every string in it masked. Use it on anything a layer writes out (a
 * log line, a header, a message) that might hold what a server echoed back.
 *
 * @example
 * logger.info(maskSecrets(`request failed: ${body}`, secretsOf(ctx)));
 */
export function maskSecrets<T>(value: T, secrets: readonly string[]): T {
  if (typeof value === 'string') return scrubText(value, secrets) as T;
  return scrubJson(value, secrets) as T;
}

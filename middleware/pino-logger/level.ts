import type { CallRecord } from '../../src/kit/index.js';

/** A pino level name. */
export type PinoLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/** Every level name, lowest first. */
export const PINO_LEVELS: readonly PinoLevel[] = [
  'trace',
  'debug',
  'info',
  'warn',
  'error',
  'fatal',
];

/**
 * The default level of a call's line: `info` for a success, `warn` for a failure that a retry
 * could fix (a 429, a 503, a timeout), `error` for the rest (a bad request, a bad key).
 *
 * @example
 * pinoLogger(logger, { level: (record) => (record.cache_hit ? 'debug' : defaultCallLevel(record)) });
 */
export function defaultCallLevel(record: CallRecord): PinoLevel {
  if (record.status === 'success') return 'info';
  return record.error?.retryable ? 'warn' : 'error';
}

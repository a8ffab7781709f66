import {
  type CallRecord,
  createSink,
  type Middleware,
  type Sink,
  SinkError,
} from '../../src/kit/index.js';
import type { PinoLevel } from './level.js';
import { checkOptions } from './options.js';

export { defaultCallLevel, type PinoLevel } from './level.js';

/**
 * What {@link pinoLogger} needs of a logger: pino's shape, so that pino itself stays out of
 * shallot's dependencies. A pino `Logger` (or a child of one) fits as it is.
 */
export interface PinoLikeLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
  trace?(fields: object, message: string): void;
  debug?(fields: object, message: string): void;
  fatal?(fields: object, message: string): void;
  /** Used when `bindings` is given. */
  child?(bindings: Record<string, unknown>): PinoLikeLogger;
  /** Called by `flush()`, so that a buffered destination (`minLength`) is written out. */
  flush?(callback?: (error?: Error) => void): void;
}

/** Options of {@link pinoLogger}. */
export interface PinoLoggerOptions {
  /**
   * The level of each call's line: a level name for every call, or a function of the record.
   * @default {@link defaultCallLevel}: `info` for a success, `warn` for a retryable failure, `error` for the rest
   */
  level?: PinoLevel | ((record: CallRecord) => PinoLevel);
  /** The line's message (pino's `msg`). @default 'shallot call' */
  message?: string;
  /**
   * Nest the record under this key (`{ "call": { ...record } }`) instead of merging its fields
   * into the line. The record has no `msg`, `level`, `time`, `pid` or `hostname` field, so
   * merging never overwrites pino's own; nest it when your logs have fields of the same names
   * as the record's (`model`, `status`, `error`, ...).
   * @default undefined (merged)
   */
  key?: string;
  /** Bindings for a child logger (`logger.child(bindings)`), made once, on every line. @default none */
  bindings?: Record<string, unknown>;
}

/**
 * Hands every finished call's record (after the last chunk, for streams) to your pino logger,
 * as one line: the record's fields merged into the line (or under `key`), the message
 * `'shallot call'`, at `info` for a success, `warn` for a retryable failure and `error` for
 * the rest. pino's own options (redaction, serializers, transports) apply as usual. Lines are
 * written off the hot path; a logger that throws is reported to the client's
 * `onCallbackError`, and the call is unaffected. `client.flush()` also flushes the logger.
 *
 * ```json
 * {"level":30,"time":1760000000000,"pid":1,"hostname":"h","schema_version":1,"id":"…","status":"success","model":"openai/gpt-4o-mini",…,"msg":"shallot call"}
 * ```
 *
 * @example
 * import pino from 'pino';
 * const client = createClient({ middleware: [pinoLogger(pino(), { bindings: { component: 'llm' } })] });
 */
export function pinoLogger(logger: PinoLikeLogger, options: PinoLoggerOptions = {}): Sink {
  const checked = checkOptions(logger, options);
  const target = checked.bindings === undefined ? logger : childOf(logger, checked.bindings);
  const { message, key, levelOf } = checked;

  const base = createSink({
    name: 'pinoLogger',
    write: (records) => {
      for (const record of records) {
        const level = levelOf(record);
        const method = target[level];
        if (typeof method !== 'function') {
          throw new SinkError('sink_delivery', {
            sink: 'pinoLogger',
            message: `pinoLogger: the logger has no ${String(level)}() method; options.level must return one of trace, debug, info, warn, error or fatal, and one the logger has.`,
          });
        }
        method.call(target, key === undefined ? record : { [key]: record }, message);
      }
    },
  });
  const sink: Middleware = function pinoLogger(ctx, next) {
    return base(ctx, next);
  };
  const flush = async () => {
    await base.flush();
    // Flushing the logger happens outside a write: the sink reports it to its clients.
    await flushLogger(target).catch((error: unknown) => base.report(error, 'flush'));
  };
  // The logger is the caller's: closing the sink flushes it and leaves it open.
  return Object.assign(sink, { flush, close: flush, adopt: base.adopt, report: base.report });
}

function childOf(logger: PinoLikeLogger, bindings: Record<string, unknown>): PinoLikeLogger {
  return (logger.child as NonNullable<PinoLikeLogger['child']>).call(logger, { ...bindings });
}

/** Writes out a buffered destination (pino's `minLength`); a no-op for a plain stream. */
function flushLogger(logger: PinoLikeLogger): Promise<void> {
  if (typeof logger.flush !== 'function') return Promise.resolve();
  return new Promise((resolve, reject) => {
    logger.flush?.((error) => (error ? reject(error) : resolve()));
  });
}

import type { Middleware } from '../call/middleware.js';
import type { Context } from '../context/context.js';
import { callRecordOf } from './build-record.js';
import type { CallRecord } from './schema.js';

/** What a logging sink does with records; shallot does the rest. */
export interface SinkOptions {
  /** The sink's name, for error reports (`jsonlLogger`). */
  name: string;
  /**
   * Delivers records, oldest first. Writes never overlap: the next starts when this one has
   * settled. A throw or a rejection goes to the client's error hook, never to a call.
   */
  write(records: CallRecord[]): unknown;
  /** Records per write. 1 writes each as it comes. @default 1 */
  batchSize?: number;
  /** The longest a record waits for a batch to fill, in milliseconds. @default 1000 */
  maxWaitMs?: number;
  /** Releases the sink's resources, after its last write. */
  close?(): unknown;
}

/** A logging sink: a middleware with `flush()` and `close()`, which the client calls. */
export interface Sink extends Middleware {
  /** Resolves once every record received so far is written (or its failure reported). */
  flush(): Promise<void>;
  /** Flushes, then closes the sink. */
  close(): Promise<void>;
}

/**
 * The one way shallot's logging sinks receive calls: the call record of every finished call
 * (after its last chunk for streams), redacted as the call asks, handed over off the hot path,
 * batched, and written one batch at a time. A sink never fails a call and never drops a record
 * that `flush()` could save.
 *
 * @example
 * export const myLogger = () => createSink({ name: 'myLogger', write: (records) => send(records) });
 */
export function createSink(options: SinkOptions): Sink {
  const batchSize = Math.max(1, options.batchSize ?? 1);
  const maxWaitMs = options.maxWaitMs ?? 1000;
  const label = { callback: options.name, event: 'write' };
  let buffer: CallRecord[] = [];
  let writing: Promise<void> = Promise.resolve();
  let timer: ReturnType<typeof setTimeout> | undefined;
  // The last call seen: a failed write goes to its client's error hook.
  let reporter: Context | undefined;

  const send = (batch: CallRecord[]) => {
    writing = writing.then(async () => {
      try {
        await options.write(batch);
      } catch (error) {
        reporter?.report(error, label);
      }
    });
  };

  /**
   * Queues the full batches, or with `all` every buffered record, behind the writes already
   * queued. A partial batch left behind waits for the timer: writing it at once would double
   * the writes under load (measured: an append costs as much as building 50 records).
   */
  const drain = (all: boolean): Promise<void> => {
    while (buffer.length >= batchSize || (all && buffer.length > 0)) {
      const whole = buffer.length <= batchSize;
      send(whole ? buffer : buffer.slice(0, batchSize));
      buffer = whole ? [] : buffer.slice(batchSize);
    }
    if (buffer.length === 0 && timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    } else if (buffer.length > 0 && timer === undefined) {
      startTimer();
    }
    return writing;
  };
  const drainFull = () => drain(false);
  const onTimer = () => {
    timer = undefined;
    drain(true);
  };
  const startTimer = () => {
    timer = setTimeout(onTimer, maxWaitMs);
    timer.unref?.();
  };

  const accept = (ctx: Context) => {
    buffer.push(callRecordOf(ctx));
    reporter = ctx;
    if (buffer.length === batchSize) ctx.defer(drainFull, label);
    else if (timer === undefined) startTimer();
  };

  const sink: Middleware = async function sink(ctx, next) {
    try {
      await next();
    } finally {
      ctx.onEnd(() => accept(ctx));
    }
  };
  Object.defineProperty(sink, 'name', { value: options.name });
  return Object.assign(sink, {
    flush: async () => {
      await drain(true);
    },
    close: async () => {
      await drain(true);
      await options.close?.();
    },
  });
}

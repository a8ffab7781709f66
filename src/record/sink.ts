import type { Middleware } from '../call/middleware.js';
import type { Context } from '../context/context.js';
import { SinkError } from '../errors/sink-error.js';
import { callRecordOf } from './build-record.js';
import { type Reporter, Reporters } from './reporters.js';
import type { CallRecord } from './schema.js';

/**
 * What `client.flush()` and `client.shutdown()` hand to a layer's `flush()` and `close()`: the
 * contract for any middleware that holds records or resources. A `flush()` or `close()` that
 * takes no argument still works; one that holds I/O should honour the signal.
 *
 * @example
 * const sink = createSink({
 *   name: 'mySink',
 *   write: (records) => connection.send(records),
 *   close: async ({ signal }) => {
 *     const cut = () => connection.destroy(); // past the deadline: stop now
 *     if (signal.aborted) return cut();
 *     signal.addEventListener('abort', cut, { once: true });
 *     await connection.end(); // in time: close politely
 *   },
 * });
 */
export interface DeadlineOptions {
  /**
   * Aborts when the client's `timeoutMs` has passed; the client stops waiting then. A `flush()`
   * stops waiting too; a `close()` stops its I/O at once (aborts its requests, destroys the
   * connections it made, clears its timers), so that nothing it owns keeps the process alive.
   */
  signal: AbortSignal;
}

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
  /**
   * Releases the sink's resources, after its last write; or, once `signal` has aborted (the
   * client's shutdown deadline passed), at once, a write perhaps still in flight: then stop
   * that write's I/O (or let it finish, where that is safe and quick), and start no more.
   */
  close?(options: DeadlineOptions): unknown;
}

/** A logging sink: a middleware with `flush()` and `close()`, which the client calls. */
export interface Sink extends Middleware {
  /** Resolves once every record received so far is written (or its failure reported). */
  flush(options?: DeadlineOptions): Promise<void>;
  /**
   * Flushes, then closes the sink. When `signal` aborts first, the records not yet handed to a
   * write are given up on (and reported), and the sink is closed at once.
   */
  close(options?: DeadlineOptions): Promise<void>;
  /** Called by each client whose stack holds the sink: its failures go to that client. */
  adopt(report: Reporter): void;
  /**
   * Reports a failure of the sink's own that no write carries (a flush, a dropped record) to
   * the clients that adopted it (else to the last call's), as `{ callback: name, event }`.
   */
  report(error: unknown, event: string): void;
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
  // Who hears of a failed write: the clients that adopted the sink, else the last call's.
  const reporters = new Reporters();
  // Records handed to send() whose write has not started.
  let queued = 0;
  // Set when a close() ran out of time: from then on, records are given up on, never written.
  let stopped = false;

  const giveUp = (count: number) => {
    if (count === 0) return;
    const message = `${options.name}: ${count} call record(s) were not written, because client.shutdown() reached its timeoutMs first. Give shutdown() more time, or find what slows the sink's writes.`;
    reporters.report(new SinkError('sink_delivery', { sink: options.name, message }), {
      callback: options.name,
      event: 'close',
    });
  };

  const send = (batch: CallRecord[]) => {
    if (stopped) {
      giveUp(batch.length);
      return;
    }
    queued += batch.length;
    writing = writing.then(async () => {
      queued -= batch.length;
      // Counted when the sink stopped.
      if (stopped) return;
      try {
        await options.write(batch);
      } catch (error) {
        reporters.report(error, label);
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
  // Not the write's promise: `flush()` waits for the writes, and a write that never settles
  // must hold up this sink's flush only, not the client's queue of callbacks.
  const drainFull = () => {
    drain(false);
  };
  const onTimer = () => {
    timer = undefined;
    drain(true);
  };
  const startTimer = () => {
    timer = setTimeout(onTimer, maxWaitMs);
    timer.unref?.();
  };
  const stop = () => {
    stopped = true;
    giveUp(buffer.length + queued);
    buffer = [];
    clearTimeout(timer);
    timer = undefined;
  };

  const accept = (ctx: Context) => {
    buffer.push(callRecordOf(ctx));
    reporters.saw(ctx);
    if (buffer.length === batchSize) ctx.defer(drainFull, label);
    else if (timer === undefined) startTimer();
  };

  const sink: Middleware = async function sink(ctx, next) {
    // Outer layers' end listeners run last: the record holds what the inner layers computed.
    ctx.onEnd(() => accept(ctx));
    await next();
  };
  Object.defineProperty(sink, 'name', { value: options.name });
  return Object.assign(sink, {
    adopt: (report: Reporter) => reporters.adopt(report),
    report: (error: unknown, event: string) =>
      reporters.report(error, { callback: options.name, event }),
    flush: async () => {
      await drain(true);
    },
    close: async (deadline?: DeadlineOptions) => {
      const signal = deadline?.signal ?? new AbortController().signal;
      if (!stopped && !(await settledBefore(drain(true), signal))) stop();
      await options.close?.({ signal });
    },
  });
}

/**
 * Resolves `true` once `work` has settled (either way), or `false` as soon as `signal` aborts
 * first. Nothing is left listening on the signal.
 */
export function settledBefore(work: Promise<unknown>, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const expire = () => resolve(false);
    const finish = () => {
      signal.removeEventListener('abort', expire);
      resolve(true);
    };
    signal.addEventListener('abort', expire, { once: true });
    work.then(finish, finish);
  });
}

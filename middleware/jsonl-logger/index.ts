import { resolve } from 'node:path';
import { createSink, describeValue, type Sink, ValidationError } from '../../src/kit/index.js';
import { AppendFile } from './append-file.js';

/** Options of {@link jsonlLogger}. */
export interface JsonlLoggerOptions {
  /**
   * The file to append to, created with its directory when missing. A relative path is
   * resolved against the working directory when the factory runs, so a later `chdir()` does
   * not move the log. Give each file one logger: two loggers (or processes) appending to the
   * same file could interleave their batches.
   */
  path: string;
  /** Records per write: a batch is appended as soon as it is full. @default 64 */
  batchSize?: number;
  /** The longest a record waits for its batch to fill, in milliseconds. @default 1000 */
  maxWaitMs?: number;
}

/**
 * Appends the call record of every finished call (after the last chunk, for streams) to a
 * JSON-lines file: one `JSON.stringify(record)` per line, each ending in `'\n'`, readable
 * back with `callRecordSchema`. Records are batched and each batch is one append of whole
 * lines; writes never overlap, so no line is torn or lost however many calls run at once.
 * `client.flush()` and `client.shutdown()` write what is waiting. A failed write (a full
 * disk, a path that cannot be created) goes to the client's `onCallbackError`; the call is
 * unaffected. The file stays open between writes (`client.shutdown()` closes it); a log
 * rotated or deleted is noticed within a second, and the path is opened anew.
 *
 * @example
 * const client = createClient({ middleware: [jsonlLogger({ path: 'logs/llm-calls.jsonl' })] });
 * await client.completion({ model: 'openai/gpt-4o-mini', messages });
 * await client.flush(); // the line is in logs/llm-calls.jsonl
 */
export function jsonlLogger(options: JsonlLoggerOptions): Sink {
  const path = options?.path;
  if (typeof path !== 'string' || path.trim() === '' || path.includes('\0')) {
    throw ValidationError.forField(
      'jsonlLogger options.path',
      `expected a file path such as 'logs/llm-calls.jsonl', received ${describeValue(path)}.`,
    );
  }
  const batchSize = options.batchSize ?? 64;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw ValidationError.forField(
      'jsonlLogger options.batchSize',
      `expected a positive whole number, received ${describeValue(batchSize)}.`,
    );
  }
  const maxWaitMs = options.maxWaitMs ?? 1000;
  if (typeof maxWaitMs !== 'number' || !Number.isFinite(maxWaitMs) || maxWaitMs < 0) {
    throw ValidationError.forField(
      'jsonlLogger options.maxWaitMs',
      `expected a number of milliseconds, 0 or more, received ${describeValue(maxWaitMs)}.`,
    );
  }
  const target = new AppendFile(resolve(path));

  return createSink({
    name: 'jsonlLogger',
    batchSize,
    maxWaitMs,
    write: async (records) => {
      const lines = new Array<string>(records.length + 1);
      for (let index = 0; index < records.length; index++) {
        lines[index] = JSON.stringify(records[index]);
      }
      lines[records.length] = '';
      await target.append(lines.join('\n'));
    },
    // A local append is quick: even past shutdown's deadline, close waits for the one under
    // way rather than cut it, and starts none.
    close: () => target.close(),
  });
}

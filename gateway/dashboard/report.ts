/**
 * `shallot report`: the dashboard's charts for a JSONL log that `jsonlLogger` wrote, as one
 * HTML file that opens offline, for library users without a gateway.
 */
import { createReadStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { describeValue, ValidationError } from '../../src/kit/index.js';
import { aggregate, factsOf } from './aggregate.js';
import {
  bucketMsOf,
  bucketStartOf,
  type CallFacts,
  type DashboardData,
  GROUP_BYS,
  type GroupBy,
} from './data.js';
import { renderPage } from './page/index.js';

/** Options of {@link buildReport}. */
export interface ReportOptions {
  /** The JSONL log: one call record per line, as `jsonlLogger` writes it. */
  input: string;
  /** Where the HTML goes (its folder is created). @default 'report.html' */
  out?: string;
  /**
   * The start of the range, inclusive: epoch milliseconds, a Date, or ISO 8601 (a date alone
   * is midnight UTC). @default the start of the first call's bucket
   */
  from?: number | Date | string;
  /** The end of the range, exclusive. @default the end of the last call's bucket */
  to?: number | Date | string;
  /** What spend is stacked by. @default 'model' */
  by?: GroupBy;
  /** The page's title. @default `shallot report: <the log's file name>` */
  title?: string;
  /** A longer line is skipped unread. @default 16 MiB */
  maxLineBytes?: number;
}

/** A line of the log that is not in the report, and why. */
export interface SkippedLine {
  /** From 1. */
  line: number;
  reason: 'not JSON' | 'not a call record' | 'too long';
}

/** What {@link buildReport} wrote and read. */
export interface Report {
  /** The HTML file's absolute path. */
  out: string;
  /** What the page draws. */
  data: DashboardData;
  /** Call records read, in the range or not. */
  calls: number;
  /** Lines that are not call records (empty lines are not counted). */
  skipped: number;
  /** The first few of them, for a message. */
  skippedLines: SkippedLine[];
}

const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;
/** Skipped lines kept for messages. */
const SKIPPED_KEPT = 10;

/**
 * Reads a JSONL log line by line and writes the dashboard of its calls as one self-contained
 * HTML file. A line that is not a call record (not JSON, a wrong shape, longer than
 * `maxLineBytes`) is counted and skipped, never fatal. The range is the log's, from its first
 * call's bucket to its last's, unless `from` or `to` say otherwise.
 *
 * Throws a ValidationError for bad options, and an Error when the log cannot be read or holds
 * no call to set the range by.
 *
 * @example
 * const report = await buildReport({ input: 'logs/calls.jsonl', out: 'report.html', by: 'user' });
 * console.log(`${report.data.totals.requests} calls, $${report.data.totals.spend}`);
 */
export async function buildReport(options: ReportOptions): Promise<Report> {
  const input = options?.input;
  if (typeof input !== 'string' || input === '') {
    throw ValidationError.forField(
      'buildReport options.input',
      `expected the path of a JSONL log, received ${describeValue(input)}.`,
    );
  }
  const by = options.by ?? 'model';
  if (!GROUP_BYS.includes(by)) {
    throw ValidationError.forField(
      'buildReport options.by',
      `expected one of ${GROUP_BYS.join(', ')}, received ${describeValue(by)}.`,
    );
  }
  const from = timeOf(options.from, 'from');
  const to = timeOf(options.to, 'to');
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  if (!Number.isInteger(maxLineBytes) || maxLineBytes < 1) {
    throw ValidationError.forField(
      'buildReport options.maxLineBytes',
      `expected a positive whole number of bytes, received ${describeValue(maxLineBytes)}.`,
    );
  }

  const facts: CallFacts[] = [];
  const skippedLines: SkippedLine[] = [];
  let skipped = 0;
  let lineNumber = 0;
  const skip = (reason: SkippedLine['reason']) => {
    skipped += 1;
    if (skippedLines.length < SKIPPED_KEPT) skippedLines.push({ line: lineNumber, reason });
  };
  for await (const text of linesOf(input, maxLineBytes)) {
    lineNumber += 1;
    if (text === undefined) {
      skip('too long');
      continue;
    }
    if (text.trim() === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch {
      skip('not JSON');
      continue;
    }
    const call = factsOf(record);
    if (call === undefined) skip('not a call record');
    else facts.push(call);
  }

  const range = rangeOf(facts, from, to, input);
  const data = aggregate(facts, { ...range, by });
  const out = resolve(options.out ?? 'report.html');
  const outside = facts.length - data.totals.requests;
  const notes = [
    `From ${input}: ${facts.length} call record(s)${outside > 0 ? `, ${outside} of them outside the range` : ''}.`,
  ];
  if (skipped > 0) notes.push(`${skipped} line(s) skipped: ${describeSkipped(skippedLines)}.`);
  const html = renderPage({
    mode: 'report',
    data,
    title: options.title ?? `shallot report: ${basename(input)}`,
    notes,
  });
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, html);
  return { out, data, calls: facts.length, skipped, skippedLines };
}

/** `line 3 (not JSON), line 9 (too long)`: the first skipped lines, for a message. */
export function describeSkipped(lines: readonly SkippedLine[]): string {
  return lines
    .slice(0, 3)
    .map((skipped) => `line ${skipped.line} (${skipped.reason})`)
    .join(', ');
}

/**
 * The range: what the options say, else from the first call's bucket to the end of the last
 * call's, in buckets as wide as that range's own (wider buckets widen the range, hence the loop).
 */
function rangeOf(
  facts: readonly CallFacts[],
  from: number | undefined,
  to: number | undefined,
  input: string,
): { from: number; to: number } {
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const call of facts) {
    if (call.start < first) first = call.start;
    if (call.start > last) last = call.start;
  }
  if ((from === undefined || to === undefined) && facts.length === 0) {
    throw new Error(
      `${input}: no call record in it to set the range by; give both --from and --to for an empty report.`,
    );
  }
  let step = bucketMsOf(from ?? first, to ?? last + 1);
  let range = { from: 0, to: 0 };
  for (let round = 0; round < 10; round++) {
    range = {
      from: from ?? bucketStartOf(first, step),
      to: to ?? bucketStartOf(last, step) + step,
    };
    const widened = bucketMsOf(range.from, range.to);
    if (widened === step) break;
    step = widened;
  }
  if (range.from >= range.to) {
    throw ValidationError.forField(
      'buildReport options.from',
      `the range must start before it ends: from ${new Date(range.from).toISOString()} is not before to ${new Date(range.to).toISOString()}.`,
    );
  }
  return range;
}

function timeOf(value: unknown, name: 'from' | 'to'): number | undefined {
  if (value === undefined) return undefined;
  const time =
    value instanceof Date
      ? value.getTime()
      : typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value)
        ? Date.parse(value)
        : typeof value === 'number'
          ? value
          : Number.NaN;
  if (!Number.isFinite(time) || time < 0) {
    throw ValidationError.forField(
      `buildReport options.${name}`,
      `expected an ISO 8601 date such as 2026-03-01 or 2026-03-01T12:00:00Z (or epoch milliseconds), received ${describeValue(value)}.`,
    );
  }
  return time;
}

/**
 * The file's lines as text, without their `\n` (or `\r\n`); undefined for a line longer than
 * `maxBytes`, whose bytes are dropped as they come rather than held (readline would hold a line
 * of any length in memory).
 */
async function* linesOf(path: string, maxBytes: number): AsyncGenerator<string | undefined> {
  let parts: Buffer[] = [];
  let length = 0;
  let tooLong = false;
  const line = () => {
    const text = tooLong ? undefined : Buffer.concat(parts, length).toString('utf8');
    parts = [];
    length = 0;
    tooLong = false;
    return text?.endsWith('\r') ? text.slice(0, -1) : text;
  };
  try {
    for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
      let start = 0;
      while (start < chunk.length) {
        const end = chunk.indexOf(0x0a, start);
        const piece = chunk.subarray(start, end === -1 ? chunk.length : end);
        if (!tooLong && length + piece.length > maxBytes) {
          tooLong = true;
          parts = [];
        }
        if (!tooLong) {
          parts.push(piece);
          length += piece.length;
        }
        if (end === -1) break;
        yield line();
        start = end + 1;
      }
    }
  } catch (error) {
    throw new Error(`${path}: cannot be read: ${readFailureOf(error)}`, { cause: error });
  }
  if (length > 0 || tooLong) yield line();
}

function readFailureOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such file.';
  if (code === 'EISDIR') return 'it is a folder.';
  if (code === 'EACCES') return 'permission denied.';
  return error instanceof Error ? error.message : String(error);
}

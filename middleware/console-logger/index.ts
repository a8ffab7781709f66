import { createSink, describeValue, type Sink, ValidationError } from '../../src/kit/index.js';
import { autoColors } from './colors.js';
import { formatLine } from './format.js';

/** Where {@link consoleLogger} writes: `process.stderr`, `process.stdout`, or any writer. */
export interface ConsoleDestination {
  /**
   * Takes one or more whole lines, each ending in `'\n'`. A throw, or a returned promise that
   * rejects, goes to the client's `onCallbackError`. A Node stream's asynchronous `'error'`
   * events stay its owner's to handle, as they are for `console.log`.
   */
  write(text: string): unknown;
  /** True for a terminal; `colors: 'auto'` reads it. */
  isTTY?: boolean;
}

/** Options of {@link consoleLogger}. */
export interface ConsoleLoggerOptions {
  /**
   * Where the lines go. stderr, because a program's stdout is often its real output (an
   * answer, piped JSON) that log lines would corrupt, and shallot's own warnings go there too.
   * @default process.stderr
   */
  stream?: ConsoleDestination;
  /**
   * ANSI colours: `true`, `false`, or `'auto'`: on when FORCE_COLOR is set (and not `0` or
   * `false`), else off when NO_COLOR is set or `TERM=dumb`, else on when `stream` is a
   * terminal. Decided once, when the factory runs.
   * @default 'auto'
   */
  colors?: boolean | 'auto';
  /** Text put before every line, such as `'[llm] '`. @default '' */
  prefix?: string;
}

/**
 * Logs one readable line per finished call (after the last chunk, for streams):
 *
 * ```text
 * ✓ openai/gpt-4o-mini  812 ms  123→45 tokens  $0.000123
 * ✓ openai/gpt-4o-mini  0 ms  123→45 tokens  $0.000000  cache hit (saved $0.000123)
 * ✓ openai/gpt-4o-mini  640 ms  12→30 tokens  $0.000020  stream (first token 95 ms)
 * ✗ openai/gpt-4o-mini  210 ms  RateLimitError (429): Rate limit reached for gpt-4o-mini
 * ```
 *
 * Segments, two spaces apart: ✓ or ✗; the model as the caller named it; the latency;
 * prompt→completion tokens (`no usage` when the provider sent none); the cost in US dollars
 * (`unpriced` when the model has no price); `cache hit` and what it saved; `stream` and its
 * time to the first token; and for a failure, the error's class, HTTP status and the first
 * line of its message. A failure shows tokens and cost only when it has them (a stream cut
 * mid-way). Every field comes from the call record, so no key and no conversation is printed.
 * Each call is written on its own, off the hot path; a destination that throws is reported to
 * the client's `onCallbackError`, and the call is unaffected.
 *
 * @example
 * const client = createClient({ middleware: [consoleLogger()] });
 * // to stdout, uncoloured, with a prefix:
 * createClient({ middleware: [consoleLogger({ stream: process.stdout, colors: false, prefix: '[llm] ' })] });
 */
export function consoleLogger(options: ConsoleLoggerOptions = {}): Sink {
  const destination = options.stream ?? process.stderr;
  if (typeof destination?.write !== 'function') {
    throw ValidationError.forField(
      'consoleLogger options.stream',
      `expected a writable stream with a write() method, such as process.stdout, received ${describeValue(destination)}.`,
    );
  }
  const colorSetting = options.colors ?? 'auto';
  if (typeof colorSetting !== 'boolean' && colorSetting !== 'auto') {
    throw ValidationError.forField(
      'consoleLogger options.colors',
      `expected true, false or 'auto', received ${describeValue(colorSetting)}.`,
    );
  }
  const prefix = options.prefix ?? '';
  if (typeof prefix !== 'string') {
    throw ValidationError.forField(
      'consoleLogger options.prefix',
      `expected a string, received ${describeValue(prefix)}.`,
    );
  }
  const colors =
    colorSetting === 'auto' ? autoColors(destination.isTTY, process.env) : colorSetting;

  return createSink({
    name: 'consoleLogger',
    write: async (records) => {
      let text = '';
      for (const record of records) text += `${formatLine(record, colors, prefix)}\n`;
      await destination.write(text);
    },
  });
}

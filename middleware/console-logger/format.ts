import { type CallRecord, formatUsd } from '../../src/kit/index.js';

/** An ANSI style: the code that opens it and the one that closes it. */
type Style = readonly [open: number, close: number];

const GREEN: Style = [32, 39];
const RED: Style = [31, 39];
const YELLOW: Style = [33, 39];
const CYAN: Style = [36, 39];
const BOLD: Style = [1, 22];
const DIM: Style = [2, 22];

/** A longer error message is cut here, so that a call stays one readable line. */
const MAX_MESSAGE_LENGTH = 200;

/** Paints text in a style, or leaves it plain. */
type Paint = (text: string, style: Style) => string;

const plain: Paint = (text) => text;
const ansi: Paint = (text, [open, close]) => `\u001b[${open}m${text}\u001b[${close}m`;

/**
 * The line of one call, without its newline: ✓ or ✗, then segments two spaces apart, in a
 * fixed order. Control characters in the model name and the error message become spaces, so
 * that a provider's error body cannot break the line or restyle the terminal.
 */
export function formatLine(record: CallRecord, colors: boolean, prefix: string): string {
  const paint = colors ? ansi : plain;
  const failed = record.status === 'failure';
  const mark = failed ? paint('✗', RED) : paint('✓', GREEN);
  const segments = [paint(printable(record.model), BOLD), `${Math.round(record.latency_ms)} ms`];
  const embedding = record.embedding;
  if (embedding !== undefined) {
    const cached = embedding.cached_inputs > 0 ? ` (${embedding.cached_inputs} cached)` : '';
    segments.push(`${embedding.inputs} input${embedding.inputs === 1 ? '' : 's'}${cached}`);
  }
  if (record.usage !== null) {
    segments.push(
      embedding === undefined
        ? `${record.usage.prompt_tokens}→${record.usage.completion_tokens} tokens`
        : `${record.usage.prompt_tokens} tokens`,
    );
  } else if (!failed) {
    segments.push('no usage');
  }
  if (record.response_cost !== null) segments.push(formatUsd(record.response_cost));
  else if (!failed) segments.push(paint('unpriced', YELLOW));
  if (record.cache_hit) {
    const saved = record.saved_cost === null ? '' : ` (saved ${formatUsd(record.saved_cost)})`;
    segments.push(paint(`cache hit${saved}`, CYAN));
  }
  if (record.stream) {
    const firstToken = record.time_to_first_token_ms;
    const detail = firstToken === null ? '' : ` (first token ${Math.round(firstToken)} ms)`;
    segments.push(paint(`stream${detail}`, DIM));
  }
  if (failed) segments.push(paint(describeError(record.error), RED));
  return `${prefix}${mark} ${segments.join('  ')}`;
}

/** `RateLimitError (429): <first line of the message>`. */
function describeError(error: CallRecord['error']): string {
  if (error === null) return 'failed';
  const status = error.status === null ? '' : ` (${error.status})`;
  const firstLine = printable(error.message.split(/\r?\n/, 1)[0] ?? '').trim();
  const message =
    firstLine.length > MAX_MESSAGE_LENGTH
      ? `${firstLine.slice(0, MAX_MESSAGE_LENGTH - 1)}…`
      : firstLine;
  return `${printable(error.class)}${status}${message === '' ? '' : `: ${message}`}`;
}

function printable(text: string): string {
  return text.replace(/\p{Cc}/gu, ' ');
}

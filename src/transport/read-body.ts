import type { Dispatcher } from 'undici';
import { InvalidResponseError } from '../errors/invalid-response-error.js';

type Body = Dispatcher.ResponseData['body'];

/** A body's text, and whether it was cut at the limit. */
export interface BodyText {
  text: string;
  truncated: boolean;
}

/**
 * A whole response body as text, never holding more than `limit` bytes: a `Content-Length`
 * over the limit fails at once, and a body without one is counted as it arrives and fails
 * when it passes the limit. Either way the body is destroyed and the error names the limit.
 */
export async function readBoundedText(
  body: Body,
  headers: Readonly<Record<string, string>>,
  limit: number,
  origin: { provider: string; model: string },
): Promise<string> {
  const declared = declaredLength(headers);
  if (declared !== undefined && declared <= limit) return body.text();
  if (declared !== undefined) {
    body.destroy();
    throw tooLarge(origin, limit, `declares ${formatBytes(declared)}`);
  }
  const read = await readUpTo(body, limit);
  if (read.truncated) throw tooLarge(origin, limit, 'goes on past it');
  return read.text;
}

/**
 * At most `limit` bytes of a body as text (an error body: its start says what failed); the
 * rest is not read, and the body is destroyed.
 */
export async function readUpTo(body: Body, limit: number): Promise<BodyText> {
  const pieces: Buffer[] = [];
  let size = 0;
  let truncated = false;
  for await (const piece of body as AsyncIterable<Buffer>) {
    if (size + piece.length > limit) {
      pieces.push(piece.subarray(0, limit - size));
      size = limit;
      truncated = true;
      break;
    }
    pieces.push(piece);
    size += piece.length;
  }
  if (truncated && !body.destroyed) body.destroy();
  return { text: Buffer.concat(pieces, size).toString('utf8'), truncated };
}

/** `1.5 MiB`, `512 KiB`, `300 bytes`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${round(bytes / (1024 * 1024))} MiB`;
  if (bytes >= 1024) return `${round(bytes / 1024)} KiB`;
  return `${bytes} bytes`;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

function declaredLength(headers: Readonly<Record<string, string>>): number | undefined {
  const value = headers['content-length'];
  if (value === undefined) return undefined;
  const length = Number(value);
  return Number.isSafeInteger(length) && length >= 0 ? length : undefined;
}

function tooLarge(
  { provider, model }: { provider: string; model: string },
  limit: number,
  what: string,
): InvalidResponseError {
  return new InvalidResponseError({
    provider,
    model,
    message: `${provider}/${model}: the response body is larger than maxResponseBytes (${formatBytes(limit)}): it ${what}. Raise createClient({ maxResponseBytes }) if the answer really is this large.`,
  });
}

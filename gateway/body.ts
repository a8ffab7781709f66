import type { IncomingMessage } from 'node:http';
import { type HttpError, httpError } from './errors.js';

/**
 * The request's JSON body, at most `maxBytes`: an object, or an HTTP error (413 past the cap,
 * 400 for what is no JSON object). A `__proto__` key of the body stays an own key (JSON.parse
 * makes it one); the call's validation refuses it.
 */
export async function readJsonBody(
  request: IncomingMessage,
  maxBytes: number,
): Promise<{ body: Record<string, unknown> } | { error: HttpError }> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return { error: tooBig(maxBytes) };
  const pieces = await readPieces(request, maxBytes);
  if (pieces === undefined) return { error: tooBig(maxBytes) };
  let parsed: unknown;
  try {
    parsed = JSON.parse(
      (pieces.length === 1 ? (pieces[0] as Buffer) : Buffer.concat(pieces)).toString('utf8'),
    );
  } catch {
    return { error: httpError(400, 'the request body is not valid JSON', 'invalid_json') };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { error: httpError(400, 'the request body must be a JSON object', 'invalid_body') };
  }
  return { body: parsed as Record<string, unknown> };
}

/**
 * The body's pieces, from its `data` events (an async iterator costs a few microseconds more a
 * request); undefined past `maxBytes`, when reading stops. Rejects when the request
 * fails or closes before its end.
 */
function readPieces(request: IncomingMessage, maxBytes: number): Promise<Buffer[] | undefined> {
  return new Promise((resolve, reject) => {
    const pieces: Buffer[] = [];
    let size = 0;
    const onData = (piece: Buffer) => {
      size += piece.length;
      if (size <= maxBytes) {
        pieces.push(piece);
        return;
      }
      // Read no more: the 413 goes out with `connection: close`, which ends the rest.
      stop();
      request.pause();
      resolve(undefined);
    };
    const onEnd = () => {
      stop();
      resolve(pieces);
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    const onClose = () => onError(new Error('the request closed before its body ended'));
    const stop = () => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('close', onClose);
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('close', onClose);
  });
}

function tooBig(maxBytes: number): HttpError {
  const error = httpError(
    413,
    `the request body is larger than ${maxBytes} bytes`,
    'body_too_large',
  );
  // The unread rest of the body is not waited for: the connection closes after the answer.
  error.headers.connection = 'close';
  return error;
}

/**
 * The body's fields that a caller may set: the provider request's. shallot's own options (in
 * either spelling: `apiBase`, `api_base`, `mockResponse`, `num_retries`, ...) are the gateway's,
 * never the caller's: a caller who set `api_base` would send the gateway's provider key to a
 * server of its choice.
 */
export function requestFields(
  body: Record<string, unknown>,
  reserved: ReadonlySet<string>,
): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(body)) {
    if (!reserved.has(key)) fields[key] = body[key];
  }
  return fields;
}

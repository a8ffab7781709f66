import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { type HttpError, httpError } from '../errors.js';
import type { Caller } from '../index.js';

/**
 * The gateway's authentication when only `general_settings.master_key` is set: a request must
 * send `Authorization: Bearer <master_key>`; any other is refused with a 401 in OpenAI's shape.
 * Keys are compared by their SHA-256 digests, in constant time.
 *
 * @example
 * createGateway({ client, authenticate: masterKeyAuth(process.env.SHALLOT_MASTER_KEY) });
 */
export function masterKeyAuth(masterKey: string): (request: IncomingMessage) => Caller | HttpError {
  const expected = digest(masterKey);
  return function authenticate(request) {
    const given = bearerOf(request.headers.authorization);
    if (given !== undefined && timingSafeEqual(digest(given), expected)) return { metadata: {} };
    return httpError(
      401,
      given === undefined
        ? 'no key given: send the header Authorization: Bearer <key>.'
        : 'the key given is not valid for this gateway.',
      'invalid_api_key',
    );
  };
}

/** The token of a `Bearer` authorization header, if it is one. */
function bearerOf(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

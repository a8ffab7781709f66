import type { IncomingMessage } from 'node:http';
import { type HttpError, httpError } from '../errors.js';
import type { Caller } from '../index.js';
import { MasterKey, presentedKey } from '../keys/authenticate.js';

/**
 * The gateway's authentication when only `general_settings.master_key` is set: a request must
 * send the master key (`Authorization: Bearer <master_key>`, or the `api-key` or `x-api-key`
 * header, as with virtual keys); any other is refused with a 401 in OpenAI's shape. Keys are
 * compared by their SHA-256 hashes, in constant time.
 *
 * @example
 * createGateway({ client, authenticate: masterKeyAuth(process.env.SHALLOT_MASTER_KEY) });
 */
export function masterKeyAuth(masterKey: string): (request: IncomingMessage) => Caller | HttpError {
  const master = new MasterKey(masterKey);
  return function authenticate(request) {
    const given = presentedKey(request);
    if (master.matches(given)) return { metadata: {} };
    return httpError(
      401,
      given === undefined
        ? 'no key given: send the header Authorization: Bearer <key>.'
        : 'the key given is not valid for this gateway.',
      'invalid_api_key',
    );
  };
}

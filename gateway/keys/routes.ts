import type { IncomingMessage } from 'node:http';
import { isValidationError, ValidationError } from '../../src/kit/index.js';
import { type HttpError, httpError } from '../errors.js';
import type { GatewayRoute } from '../index.js';
import { send, sendJson } from '../respond.js';
import { deleteShape, generateShape, parseFields, updateShape } from './fields.js';
import { hashOfReference } from './key-format.js';
import type { KeyStore } from './store.js';

/** An answer other than a 200: thrown by a route's work, sent as is. */
class Refusal extends Error {
  constructor(readonly answer: HttpError) {
    super(answer.body.error.message);
  }
}

const NOT_FOUND = (field: string) =>
  new Refusal(httpError(404, `${field}: no such key (or it was revoked)`, 'key_not_found', field));

/**
 * LiteLLM's key management routes, for the master key or an admin key only: `POST
 * /key/generate`, `GET /key/info?key=`, `GET /key/list`, `POST /key/update`, `POST /key/delete`.
 * A key is named by itself (`sk-...`) or by its hash (`token`).
 */
export function keyRoutes(
  store: KeyStore,
  isAdmin: (request: IncomingMessage) => Promise<boolean>,
  onError: (error: unknown) => void,
): Record<string, GatewayRoute> {
  const route =
    (
      work: (
        body: Record<string, unknown> | undefined,
        request: IncomingMessage,
      ) => Promise<unknown>,
    ): GatewayRoute =>
    async (request, response, body) => {
      if (!(await isAdmin(request))) {
        return send(
          response,
          httpError(
            401,
            'the /key routes need the master key (or an admin key): Authorization: Bearer <key>',
            'invalid_api_key',
          ),
        );
      }
      try {
        sendJson(response, 200, await work(body, request));
      } catch (error) {
        send(response, answerOf(error, onError));
      }
    };

  return {
    'POST /key/generate': route(async (body) => {
      const fields = parseFields(generateShape, body, 'POST /key/generate');
      const { key, info } = await store.create(fields);
      return { key, ...info };
    }),
    'GET /key/info': route(async (_body, request) => {
      const reference = new URL(request.url ?? '/', 'http://gateway').searchParams.get('key');
      if (reference === null || reference === '') {
        throw ValidationError.forField('key', "expected ?key= with a key ('sk-...') or its hash.");
      }
      const info = await store.read(hashOfReference(reference));
      if (info === undefined) throw NOT_FOUND('key');
      return { key: reference, info };
    }),
    'GET /key/list': route(async (_body, request) => {
      const search = new URL(request.url ?? '/', 'http://gateway').searchParams;
      const keys = await store.list();
      // As LiteLLM's: the keys' hashes, or their whole rows with ?return_full_object=true.
      const full = search.get('return_full_object') === 'true';
      return { keys: full ? keys : keys.map((info) => info.token), total_count: keys.length };
    }),
    'POST /key/update': route(async (body) => {
      const { key, ...changes } = parseFields(updateShape, body, 'POST /key/update');
      const info = await store.update(hashOfReference(key), changes);
      if (info === undefined) throw NOT_FOUND('key');
      return { key, ...info };
    }),
    'POST /key/delete': route(async (body) => {
      const { keys } = parseFields(deleteShape, body, 'POST /key/delete');
      const hashes = keys.map(hashOfReference);
      const revoked = new Set(await store.revoke(hashes));
      if (revoked.size === 0) throw NOT_FOUND('keys');
      return { deleted_keys: keys.filter((_, index) => revoked.has(hashes[index] as string)) };
    }),
  };
}

/** The HTTP answer of a route's failure: a refusal as is, bad input a 400 naming the field, the rest a 503. */
function answerOf(error: unknown, onError: (error: unknown) => void): HttpError {
  if (error instanceof Refusal) return error.answer;
  if (isValidationError(error)) {
    const field = error.issues[0]?.field ?? null;
    return httpError(400, error.message, 'validation', field);
  }
  onError(error);
  return httpError(503, 'the key store is unavailable: try again shortly', 'key_store_unavailable');
}
